import { isClosed } from '../domain/lifecycle.js';
import type { HelpRequest, PersonRef, Platform } from '../domain/request.js';
import { MY_REQUESTS_LIMIT } from './requester-queries.js';
import type { KeyValueStore, RequestRepository } from './ports.js';
import type { LifecycleOutcome, RequestLifecycle } from './request-lifecycle.js';

/** A done request waiting for its volunteer's optional comment. */
interface PendingComment {
  number: number;
  until: string;
}

/** How long after "done" the volunteer's next message is taken as its comment. */
const COMMENT_WINDOW_MS = 30 * 60_000;
/** How many of their requests /tasks shows; a volunteer rarely holds more. */
const TASKS_LIMIT = 20;

export interface VolunteerDeskDeps {
  lifecycle: RequestLifecycle;
  requests: RequestRepository;
  /** Small per-person state: which done request a comment would belong to. */
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

  return {
    /** Marks a held request done; on success the person's next message may add a comment. */
    async complete(number: number, person: PersonRef, channel: Platform): Promise<LifecycleOutcome> {
      const outcome = await deps.lifecycle(number, person, channel, { type: 'complete' });
      if (outcome.kind === 'changed') {
        const pending: PendingComment = { number, until: new Date(deps.now().getTime() + COMMENT_WINDOW_MS).toISOString() };
        await deps.store.write(commentKey(person), pending);
      }
      return outcome;
    },

    /** Gives a held request back with the reason picked. */
    release: (number: number, person: PersonRef, channel: Platform, reason: string) => deps.lifecycle(number, person, channel, { type: 'release', reason }),

    /** A requester withdraws their own request. */
    withdraw: (number: number, person: PersonRef, channel: Platform) => deps.lifecycle(number, person, channel, { type: 'cancel' }),

    /**
     * Takes a message as the comment to the request this person just finished, if one is waiting;
     * null when none is (the message means something else).
     */
    async takeComment(person: PersonRef, channel: Platform, text: string): Promise<{ number: number; outcome: LifecycleOutcome } | null> {
      const pending = (await deps.store.read(commentKey(person))) as PendingComment | undefined;
      if (!pending) return null;
      await deps.store.delete(commentKey(person));
      if (new Date(pending.until) < deps.now()) return null;
      return { number: pending.number, outcome: await deps.lifecycle(pending.number, person, channel, { type: 'comment', comment: text }) };
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
