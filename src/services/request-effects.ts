import { EXPIRED_NOTE } from '../domain/lifecycle.js';
import type { RequesterMessageKind } from '../domain/night-policy.js';
import type { GroupPost, HelpRequest, HistoryEvent, PersonRef } from '../domain/request.js';
import type { ChatRef, DistrictChatRepository, Outbox, OutboxMessage, RequestRepository } from './ports.js';
import { withdrawalFor } from './task-details.js';

export interface EffectsDeps {
  requests: RequestRepository;
  districtChats: DistrictChatRepository;
  headquartersChats: readonly ChatRef[];
  outbox: Outbox;
  texts: RequestNewsTexts;
  now: () => Date;
  /** Schedules the follow-up jobs the request's state calls for; covered by the same mark and sweep. */
  plan?: (request: HelpRequest) => Promise<void>;
}

/** The words of the news a change sends to the people concerned; the messages layer supplies them. */
export interface RequestNewsTexts {
  /** Tells the requester that a volunteer took (or was given) the request. */
  requesterClaimed(number: number, volunteerName: string): string;
  requesterReleased(number: number): string;
  requesterDone(number: number): string;
  /** Confirms to the requester that they withdrew their request. */
  requesterWithdrew(number: number): string;
  requesterCancelled(number: number, reason: string): string;
  /** Tells the requester that their request was open too long and is closed. */
  requesterExpired(number: number): string;
  /** Tells the HQ chat that a request was closed for being open too long. */
  headquartersExpired(number: number, district: string): string;
  /** Tells a volunteer that a coordinator gave their request to someone else. */
  volunteerReassigned(number: number): string;
  volunteerClosedByCoordinator(number: number): string;
  volunteerCancelled(number: number): string;
  /** Passes the requester's words on to the volunteer who holds (or did) the request. */
  volunteerRequesterWrote(number: number, text: string): string;
  /** Tells the HQ chat that the requester wrote about a request: the number only, never the words. */
  headquartersRequesterWrote(number: number): string;
  /** An answer to the requester, from the HQ or (with their name) from the volunteer. */
  requesterAnswer(number: number, text: string, volunteerName?: string): string;
}

type Keyed = { key: string; message: OutboxMessage };

/** Where a round's posts went: the district's volunteer chats, or the HQ chat for a district without one. */
export type Route = 'district' | 'headquarters';

/** What one call of `enqueueFor` did: how many messages it enqueued, and where a new round was posted. */
export interface EnqueueResult {
  enqueued: number;
  /** Set when this call posted the request's current round (on its creation, after a release). */
  routed?: Route;
}

/**
 * What the outside world must see of a request: its posts in volunteer chats and their current look
 * (from its state), and the news of each change to the people concerned (from its history). Keys
 * name the state or the event they follow from, so deriving twice (after a crash, by two processes)
 * enqueues each message once. Every state change marks the request in the same write; the mark is
 * cleared once the messages are in the outbox, and a sweep finishes whatever a crash left marked.
 * Events up to `announcedUpTo` were announced already and are not derived again.
 */
export function createRequestEffects(deps: EffectsDeps) {
  async function postsFor(request: HelpRequest): Promise<{ posts: Keyed[]; routed?: Route }> {
    const n = request.number;
    const version = request.history.length;
    // A chat the bot can no longer write in gets no edits, and its posts do not count as posted: a
    // waiting request is posted again where the district's requests go now.
    const chats = request.status === 'new' ? await deps.districtChats.chatsOf(request.district) : [];
    const inBroken = (post: GroupPost) => chats.some((c) => c.broken && c.platform === post.platform && c.chatId === post.chatId);
    // One edit per chat and round: it brings every post of the round there up to date (a reminder's
    // repost too), and no key is enqueued twice in one batch.
    const synced = new Map<string, Keyed>();
    for (const post of request.posts.filter((p) => !inBroken(p))) {
      const key = `sync:${n}:${post.platform}:${post.chatId}:${post.round}:${version}`;
      if (!synced.has(key))
        synced.set(key, { key, message: { kind: 'sync', platform: post.platform, chatId: post.chatId, requestNumber: n, round: post.round } });
    }
    const syncs: Keyed[] = [...synced.values()];
    const postedThisRound = request.posts.some((p) => p.round === request.round && !inBroken(p));
    if (request.status !== 'new' || postedThisRound) return { posts: syncs };
    const working = chats.filter((c) => !c.broken);
    const routed: Route = working.length > 0 ? 'district' : 'headquarters';
    const targets =
      routed === 'district' ? working.map((c) => ({ ...c, viaHeadquarters: false })) : deps.headquartersChats.map((c) => ({ ...c, viaHeadquarters: true }));
    const posts: Keyed[] = targets.map((target) => ({
      key: `post:${n}:${target.platform}:${target.chatId}:${request.round}`,
      message: {
        kind: 'post',
        platform: target.platform,
        chatId: target.chatId,
        requestNumber: n,
        viaHeadquarters: target.viaHeadquarters,
        round: request.round,
      },
    }));
    // The new round's posts go first: the edits of the earlier round's posts say where they went.
    return { posts: [...posts, ...syncs], routed };
  }

  /**
   * What follows from one event: the details leave the chat of a volunteer it took the request
   * from (done, given back, reassigned, cancelled), and the people concerned hear of it.
   */
  function newsOf(request: HelpRequest, event: HistoryEvent, index: number): Keyed[] {
    const from = event.previousVolunteer;
    const keptBy = (v: PersonRef | undefined) => !!v && !!from && v.platform === from.platform && v.userId === from.userId;
    const withdrawal: Keyed[] =
      from && !keptBy(event.volunteer) ? [{ key: `event:${request.number}:${index}:withdraw`, message: withdrawalFor(request.number, from) }] : [];
    return [...withdrawal, ...announcementsOf(request, event, index)];
  }

  /** Who hears of one event, and what; texts come from the event itself, not from later state. */
  function announcementsOf(request: HelpRequest, event: HistoryEvent, index: number): Keyed[] {
    const n = request.number;
    const key = (to: string) => `event:${n}:${index}:${to}`;
    const requester = request.requester;
    // A request taken by phone or sent by a partner line has nobody in a chat: the operator calls back.
    // The kind names the row of the night policy the outbox applies when it delivers.
    const toRequester = (kind: RequesterMessageKind, text: string): Keyed[] =>
      requester
        ? [
            {
              key: key('requester'),
              message: { kind: 'text', platform: requester.platform, chatId: requester.chatId, text, requestNumber: n, toRequester: kind },
            },
          ]
        : [];
    // Volunteers are written to privately, where their chat id is their user id on both platforms.
    const toVolunteer = (person: PersonRef, to: string, text: string): Keyed => ({
      key: key(to),
      message: { kind: 'text', platform: person.platform, chatId: person.userId, text, requestNumber: n },
    });
    const byHolder = (e: HistoryEvent) =>
      !!e.previousVolunteer && e.actor?.platform === e.previousVolunteer.platform && e.actor.userId === e.previousVolunteer.userId;

    switch (event.type) {
      case 'claimed':
        return event.volunteer ? toRequester('taken', deps.texts.requesterClaimed(n, event.volunteer.displayName)) : [];
      case 'released':
        return toRequester('released', deps.texts.requesterReleased(n));
      case 'assigned': {
        const out: Keyed[] = [];
        if (event.volunteer) {
          out.push({
            key: key('volunteer'),
            message: {
              kind: 'task',
              platform: event.volunteer.platform,
              chatId: event.volunteer.userId,
              requestNumber: n,
              volunteerId: event.volunteer.userId,
            },
          });
          out.push(...toRequester('taken', deps.texts.requesterClaimed(n, event.volunteer.displayName)));
        }
        if (event.previousVolunteer) out.push(toVolunteer(event.previousVolunteer, 'previous', deps.texts.volunteerReassigned(n)));
        return out;
      }
      case 'done': {
        const out = toRequester('done', deps.texts.requesterDone(n));
        // A coordinator closed it for the volunteer: they should know they need not go.
        if (event.previousVolunteer && !byHolder(event)) out.push(toVolunteer(event.previousVolunteer, 'previous', deps.texts.volunteerClosedByCoordinator(n)));
        return out;
      }
      case 'cancelled': {
        if (event.note === EXPIRED_NOTE) {
          // Nobody finished it in time: the requester should not wait on, and the HQ chat should know.
          const out = toRequester('expired', deps.texts.requesterExpired(n));
          for (const hq of deps.headquartersChats) {
            out.push({
              key: key(`hq:${hq.platform}:${hq.chatId}`),
              message: { kind: 'text', platform: hq.platform, chatId: hq.chatId, text: deps.texts.headquartersExpired(n, request.district), requestNumber: n },
            });
          }
          if (event.previousVolunteer) out.push(toVolunteer(event.previousVolunteer, 'previous', deps.texts.volunteerCancelled(n)));
          return out;
        }
        const out =
          event.note === 'by_requester'
            ? toRequester('withdrawn', deps.texts.requesterWithdrew(n))
            : toRequester('cancelledByHeadquarters', deps.texts.requesterCancelled(n, event.comment ?? ''));
        if (event.previousVolunteer) out.push(toVolunteer(event.previousVolunteer, 'previous', deps.texts.volunteerCancelled(n)));
        return out;
      }
      case 'message':
        return messageNews(request, event, { key, toRequester, toVolunteer });
      case 'created':
      case 'posted':
      case 'claim_undone':
      case 'commented':
        return [];
    }
  }

  /**
   * The requester's words go to the volunteer who holds the request when they wrote, and the HQ chats
   * hear only that they wrote; an answer from the HQ or the volunteer goes to the requester.
   */
  function messageNews(
    request: HelpRequest,
    event: HistoryEvent,
    to: {
      key: (to: string) => string;
      toRequester: (kind: RequesterMessageKind, text: string) => Keyed[];
      toVolunteer: (person: PersonRef, to: string, text: string) => Keyed;
    },
  ): Keyed[] {
    const n = request.number;
    const text = event.comment ?? '';
    if (event.from !== 'requester')
      return to.toRequester('answer', deps.texts.requesterAnswer(n, text, event.from === 'volunteer' ? event.volunteer?.displayName : undefined));
    const out: Keyed[] = event.volunteer ? [to.toVolunteer(event.volunteer, 'volunteer', deps.texts.volunteerRequesterWrote(n, text))] : [];
    for (const hq of deps.headquartersChats) {
      out.push({
        key: to.key(`hq:${hq.platform}:${hq.chatId}`),
        message: { kind: 'text', platform: hq.platform, chatId: hq.chatId, text: deps.texts.headquartersRequesterWrote(n), requestNumber: n },
      });
    }
    return out;
  }

  async function messagesFor(request: HelpRequest): Promise<{ messages: Keyed[]; routed?: Route }> {
    const news = request.history.flatMap((event, index) => (index < request.announcedUpTo ? [] : newsOf(request, event, index)));
    const { posts, routed } = await postsFor(request);
    return { messages: [...posts, ...news], ...(routed ? { routed } : {}) };
  }

  return {
    /** Puts the messages a request's current state and new events call for into the outbox, then clears its mark. */
    async enqueueFor(request: HelpRequest): Promise<EnqueueResult> {
      const { messages, routed } = await messagesFor(request);
      await deps.outbox.enqueue(messages, deps.now());
      await deps.plan?.(request);
      await deps.requests.clearEffectsMark(request.number, request.history.length);
      return { enqueued: messages.length, ...(routed ? { routed } : {}) };
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
