import type { HelpRequest } from '../domain/request.js';
import type { RequestTexts } from '../messages/request-texts.js';
import type { ChatRef, DistrictChatRepository, Outbox, OutboxMessage, RequestRepository } from './ports.js';

export interface EffectsDeps {
  requests: RequestRepository;
  districtChats: DistrictChatRepository;
  headquartersChats: readonly ChatRef[];
  outbox: Outbox;
  texts: RequestTexts;
  now: () => Date;
}

/**
 * What the outside world must see of a request in its current state: its posts in volunteer chats,
 * their current look, and the requester's news. Derived from the stored request alone, with keys
 * that name the state they follow from, so deriving twice (after a crash, by two processes) enqueues
 * each message once. Every state change marks the request in the same write; the mark is cleared
 * once the messages are in the outbox, and a sweep finishes whatever a crash left marked.
 */
export function createRequestEffects(deps: EffectsDeps) {
  async function messagesFor(request: HelpRequest): Promise<{ key: string; message: OutboxMessage }[]> {
    const n = request.number;
    const version = request.history.length;
    const out: { key: string; message: OutboxMessage }[] = request.posts.map((post) => ({
      key: `sync:${n}:${post.platform}:${post.chatId}:${version}`,
      message: { kind: 'sync', platform: post.platform, chatId: post.chatId, requestNumber: n },
    }));
    if (request.status === 'new' && request.posts.length === 0) {
      const chats = await deps.districtChats.chatsOf(request.district);
      const targets = chats.length > 0
        ? chats.map((c) => ({ ...c, viaHeadquarters: false }))
        : deps.headquartersChats.map((c) => ({ ...c, viaHeadquarters: true }));
      for (const target of targets) {
        out.push({
          key: `post:${n}:${target.platform}:${target.chatId}`,
          message: { kind: 'post', platform: target.platform, chatId: target.chatId, requestNumber: n, viaHeadquarters: target.viaHeadquarters },
        });
      }
    }
    if (request.status === 'claimed' && request.volunteer && request.claimedAt) {
      out.push({
        key: `notify:${n}:claimed:${request.claimedAt.getTime()}`,
        message: {
          kind: 'text',
          platform: request.requester.platform,
          chatId: request.requester.chatId,
          text: deps.texts.requesterClaimed(request),
          requestNumber: n,
        },
      });
    }
    return out;
  }

  return {
    /** Puts the messages a request's current state calls for into the outbox, then clears its mark. */
    async enqueueFor(request: HelpRequest): Promise<number> {
      const messages = await messagesFor(request);
      await deps.outbox.enqueue(messages, deps.now());
      await deps.requests.clearEffectsMark(request.number, request.history.length);
      return messages.length;
    },
    /** Finishes requests whose messages a crash left unenqueued; returns how many it found. */
    async sweep(olderThanMs: number): Promise<number> {
      const marked = await deps.requests.listMarkedForEffects(new Date(deps.now().getTime() - olderThanMs), 100);
      for (const request of marked) await this.enqueueFor(request);
      return marked.length;
    },
  };
}

export type RequestEffects = ReturnType<typeof createRequestEffects>;
