import { isClosed } from '../domain/lifecycle.js';
import type { PersonRef, Platform, RequestChannel } from '../domain/request.js';
import type { KeyValueStore, Logger, QuestionRepository, RequestRepository } from './ports.js';
import { greetedKey } from './request-conversation.js';
import type { RequestLifecycle } from './request-lifecycle.js';
import type { RetentionStore } from './retention.js';

/** How a coordinator's "erase this request now" ended. */
export type EraseOutcome =
  | { kind: 'erased'; number: number }
  | { kind: 'not_found' }
  /** Still open: it is closed or cancelled first, so nobody goes to an address that is gone. */
  | { kind: 'open' }
  | { kind: 'already_erased' };

/** What a requester's "forget me" did. */
export interface ForgetOutcome {
  /** Their requests whose personal data is gone now. */
  erased: number;
  /** Of those, how many were open and were cancelled first. */
  cancelled: number;
}

export interface ErasureDeps {
  store: Pick<RetentionStore, 'erase' | 'forgetPerson'>;
  requests: Pick<RequestRepository, 'findByNumber' | 'listByRequester'>;
  lifecycle: RequestLifecycle;
  /** Conversation state and small per-person state, by key (questionnaires, pending comments). */
  conversations: Pick<KeyValueStore<unknown>, 'delete'>;
  cancelJobsOf: (requestNumber: number) => Promise<unknown>;
  /** The console's questions, whose asker's go on /forget too. */
  questions?: Pick<QuestionRepository, 'forgetAsker'>;
  /** Told once a person is forgotten, so what the process remembers of them goes too. */
  forgotten?: (person: PersonRef) => void;
  /** A volunteer's application: their name and phone go on /forget too (the HQ's decision stays). */
  volunteers?: { forget(person: PersonRef): Promise<boolean> };
  logger: Logger;
  now: () => Date;
}

/** More requests than anyone files; a requester's whole list is erased, not only what /my shows. */
const ALL_OF_THEIRS = 10_000;

/**
 * Erasure on request, before the retention period: a coordinator's for one request, and a
 * requester's "forget me" for everything the bot holds about them. Logged by numbers and counts only.
 */
export function createErasure(deps: ErasureDeps) {
  async function eraseNumbers(numbers: readonly number[]): Promise<number[]> {
    const erased = await deps.store.erase(numbers, deps.now());
    for (const number of erased) await deps.cancelJobsOf(number);
    return erased;
  }

  return {
    /** Erases one closed request's personal data now (a coordinator decided; the role is checked by the caller). */
    async eraseRequest(number: number, channel: RequestChannel): Promise<EraseOutcome> {
      const request = await deps.requests.findByNumber(number);
      if (!request) return { kind: 'not_found' };
      if (request.personalErasedAt) return { kind: 'already_erased' };
      if (!isClosed(request.status)) return { kind: 'open' };
      const erased = await eraseNumbers([number]);
      // Erased meanwhile by the sweep: the same end.
      if (erased.length === 0) return { kind: 'already_erased' };
      deps.logger.info({ request: number, via: channel }, "personal data erased on a coordinator's request");
      return { kind: 'erased', number };
    },

    /**
     * Forgets a requester at once: their open requests are withdrawn through the lifecycle (the
     * volunteers holding them are told), then all of theirs are erased; their questionnaire, pending
     * comments, their questions to the HQ and their entry in the people registry go too.
     */
    async forgetRequester(person: PersonRef, chatId: string): Promise<ForgetOutcome> {
      const theirs = await deps.requests.listByRequester(person, ALL_OF_THEIRS);
      let cancelled = 0;
      for (const request of theirs.filter((r) => !isClosed(r.status))) {
        const outcome = await deps.lifecycle(request.number, person, person.platform as Platform, { type: 'cancel' });
        if (outcome.kind === 'changed') cancelled++;
      }
      const erased = await eraseNumbers(theirs.map((r) => r.number));
      const keys = [`${person.platform}:${chatId}`, `comment:${person.platform}:${person.userId}`, `feedback:${person.platform}:${person.userId}`];
      for (const key of [...keys, greetedKey(person)]) {
        await deps.conversations.delete(key);
      }
      await deps.store.forgetPerson(person);
      await deps.questions?.forgetAsker(person);
      await deps.volunteers?.forget(person);
      deps.forgotten?.(person);
      deps.logger.info({ platform: person.platform, requests: erased.length, cancelled, numbers: erased }, "personal data erased on the requester's request");
      return { erased: erased.length, cancelled };
    },
  };
}

export type Erasure = ReturnType<typeof createErasure>;
