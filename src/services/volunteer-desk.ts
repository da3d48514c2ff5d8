import { isClosed } from '../domain/lifecycle.js';
import type { HelpRequest, PersonRef, Platform } from '../domain/request.js';
import { MY_REQUESTS_LIMIT } from './requester-queries.js';
import type { KeyValueStore, RequestRepository } from './ports.js';
import type { LifecycleOutcome, RequestLifecycle } from './request-lifecycle.js';

/**
 * A volunteer's next message, awaited: the optional comment to a request just done, or the reason
 * for giving one back after «Другая причина». Stored before this had `awaits`: a comment.
 */
interface PendingWords {
  number: number;
  until: string;
  awaits?: 'comment' | 'releaseReason';
}

/** How long the volunteer's next message is taken as that comment or reason. */
const WORDS_WINDOW_MS = 30 * 60_000;
/** How many of their requests /tasks shows; a volunteer rarely holds more. */
const TASKS_LIMIT = 20;

export interface VolunteerDeskDeps {
  lifecycle: RequestLifecycle;
  requests: RequestRepository;
  /** Small per-person state: which request a comment or a reason would belong to. */
  store: KeyValueStore<unknown>;
  now: () => Date;
}

/**
 * What a volunteer and a requester do from their private chat, the same in every channel: the
 * buttons of a task card (done, cannot do it, contact), the comment after "done", /tasks, and a
 * requester withdrawing their own request.
 */
export function createVolunteerDesk(deps: VolunteerDeskDeps) {
  const commentKey = (person: PersonRef) => `comment:${person.platform}:${person.userId}`;
  const awaitWords = (person: PersonRef, number: number, awaits: PendingWords['awaits']) => {
    const pending: PendingWords = { number, until: new Date(deps.now().getTime() + WORDS_WINDOW_MS).toISOString(), awaits };
    return deps.store.write(commentKey(person), pending);
  };

  return {
    /** Marks a held request done; on success the person's next message may add a comment. */
    async complete(number: number, person: PersonRef, channel: Platform): Promise<LifecycleOutcome> {
      const outcome = await deps.lifecycle(number, person, channel, { type: 'complete' });
      if (outcome.kind === 'changed') await awaitWords(person, number, 'comment');
      return outcome;
    },

    /** Gives a held request back with the reason picked. */
    release: (number: number, person: PersonRef, channel: Platform, reason: string) => deps.lifecycle(number, person, channel, { type: 'release', reason }),

    /** «Другая причина»: the request stays with the volunteer until their next message gives the reason. */
    awaitReleaseReason: (number: number, person: PersonRef) => awaitWords(person, number, 'releaseReason'),

    /** A requester withdraws their own request. */
    withdraw: (number: number, person: PersonRef, channel: Platform) => deps.lifecycle(number, person, channel, { type: 'cancel' }),

    /**
     * Takes a message as the comment to the request this person just finished, or as the reason
     * for giving one back, if either is awaited; null when neither is (the message means something else).
     */
    async takeWords(
      person: PersonRef,
      channel: Platform,
      text: string,
    ): Promise<{ number: number; took: 'comment' | 'releaseReason'; outcome: LifecycleOutcome } | null> {
      const pending = (await deps.store.read(commentKey(person))) as PendingWords | undefined;
      if (!pending) return null;
      await deps.store.delete(commentKey(person));
      if (new Date(pending.until) < deps.now()) return null;
      const { number } = pending;
      if (pending.awaits === 'releaseReason') {
        return { number, took: 'releaseReason', outcome: await deps.lifecycle(number, person, channel, { type: 'release', reason: text }) };
      }
      return { number, took: 'comment', outcome: await deps.lifecycle(number, person, channel, { type: 'comment', comment: text }) };
    },

    /** "No comment": the next message is an ordinary one again; false if no comment was awaited. */
    async skipComment(person: PersonRef): Promise<boolean> {
      const pending = await deps.store.read(commentKey(person));
      await deps.store.delete(commentKey(person));
      return pending !== undefined;
    },

    /**
     * The request's contact, for the volunteer who holds it and nobody else (the buttons of an old
     * card stay in the chat after the request was taken from them).
     */
    async contact(number: number, person: PersonRef): Promise<{ kind: 'ok'; request: HelpRequest } | { kind: 'not_yours' } | { kind: 'not_found' }> {
      const request = await deps.requests.findByNumber(number);
      if (!request) return { kind: 'not_found' };
      const holds = request.status === 'claimed' && request.volunteer?.platform === person.platform && request.volunteer.userId === person.userId;
      return holds ? { kind: 'ok', request } : { kind: 'not_yours' };
    },

    /** The numbers of a requester's own requests that are still open, which they may withdraw. */
    async withdrawable(person: PersonRef): Promise<number[]> {
      const mine = await deps.requests.listByRequester(person, MY_REQUESTS_LIMIT);
      return mine.filter((r) => !isClosed(r.status)).map((r) => r.number);
    },

    /** The requests this volunteer holds, oldest claim first. */
    tasks: (person: PersonRef) => deps.requests.listByVolunteer(person, TASKS_LIMIT),
  };
}

export type VolunteerDesk = ReturnType<typeof createVolunteerDesk>;
