import { isClosed } from '../domain/lifecycle.js';
import type { HelpRequest, HistoryEvent, PersonRef, RequestChannel, Requester } from '../domain/request.js';
import type { IsCoordinator } from './coordinators.js';
import type { KeyValueStore, RequestRepository } from './ports.js';

/** The longest message kept: a private message with the request's number around it still fits one. */
export const MAX_CONVERSATION_TEXT = 2000;

/** How many of a requester's latest requests are looked through for the one their words are about. */
const LATEST_LOOKED_AT = 20;

/** Where a requester's words outside a questionnaire went. */
export type RequesterWordsOutcome =
  /** Attached to a request: passed to the volunteer who holds it, or (nobody holds it) to the HQ. */
  | { kind: 'attached'; number: number; to: 'volunteer' | 'headquarters' }
  /** No request of theirs to attach them to: left for the HQ as a question. */
  | { kind: 'question' }
  /** Nothing to attach them to, and no inbox for questions. */
  | { kind: 'unattached' };

/** What became of a `/reply N text` (or the console's answer). */
export type AnswerOutcome =
  | { kind: 'sent'; number: number }
  | { kind: 'not_found'; number: number }
  /** A volunteer answering a request someone else holds (or nobody does). */
  | { kind: 'not_yours'; number: number }
  /** Nobody in a chat to write to: taken by phone, sent by a partner, or its requester data erased. */
  | { kind: 'no_requester'; number: number; why: 'no_chat' | 'erased' }
  | { kind: 'empty'; number: number };

/** Whoever answers a requester, and through which channel (a messenger or the web console). */
export interface Answerer {
  person: PersonRef;
  channel: RequestChannel;
}

export interface RequestConversationDeps {
  requests: RequestRepository;
  isCoordinator: IsCoordinator;
  /** Puts the event's news into the outbox (the words to the volunteer, the notice to HQ, the answer). */
  afterChange: (request: HelpRequest) => Promise<unknown>;
  /** Keeps words with no request to attach them to, as a question for the console's inbox. */
  askHeadquarters?: (who: Requester, text: string, at: Date) => Promise<void>;
  /**
   * Who has been greeted (key `greeted:<platform>:<userId>`): someone's first words with no request
   * («Здравствуйте», where a chat opens with whatever is typed) get the greeting, not the inbox.
   */
  greeted?: KeyValueStore<unknown>;
  /** How long after a request closed the requester's words are still about it. */
  closedWindowMs: number;
  now: () => Date;
}

/** The conversations store's key of the mark that a person was greeted; /forget deletes it. */
export const greetedKey = (person: PersonRef) => `greeted:${person.platform}:${person.userId}`;

const samePerson = (a: PersonRef | undefined, b: PersonRef) => !!a && a.platform === b.platform && a.userId === b.userId;

/**
 * The conversation after submit: a requester's words are attached to their latest open request (or the
 * one closed most recently, within a short window) and passed on; a coordinator's or the holding
 * volunteer's answer is recorded on the request and goes back to the requester. The words are kept in
 * the event's `comment`, erased with the other free texts, and never logged.
 */
export function createRequestConversation(deps: RequestConversationDeps) {
  const cut = (text: string) => [...text.trim()].slice(0, MAX_CONVERSATION_TEXT).join('');

  /** The request a requester's words are about: the newest open one, else the one closed last within the window. */
  async function aboutWhich(requester: PersonRef, at: Date): Promise<HelpRequest | undefined> {
    const latest = await deps.requests.listByRequester(requester, LATEST_LOOKED_AT);
    const open = latest.find((r) => !isClosed(r.status));
    if (open) return open;
    const since = at.getTime() - deps.closedWindowMs;
    return latest
      .filter((r) => !r.personalErasedAt && r.closedAt && r.closedAt.getTime() >= since)
      .sort((a, b) => b.closedAt!.getTime() - a.closedAt!.getTime())[0];
  }

  return {
    /** A requester's text message outside a questionnaire. */
    async fromRequester(who: Requester, words: string): Promise<RequesterWordsOutcome> {
      const at = deps.now();
      const text = cut(words);
      const person = { platform: who.platform, userId: who.userId };
      const request = await aboutWhich(person, at);
      if (request) {
        const holder = request.volunteer;
        const event: HistoryEvent = {
          type: 'message',
          from: 'requester',
          at,
          actor: person,
          channel: who.platform,
          comment: text,
          ...(holder ? { volunteer: holder } : {}),
        };
        const stored = await deps.requests.addMessage(request.number, event);
        if (stored) {
          await deps.afterChange(stored);
          return { kind: 'attached', number: stored.number, to: holder ? 'volunteer' : 'headquarters' };
        }
      }
      if (!deps.askHeadquarters) return { kind: 'unattached' };
      if (deps.greeted && !(await deps.greeted.read(greetedKey(person)))) {
        await this.noteGreeted(person);
        return { kind: 'unattached' };
      }
      await deps.askHeadquarters(who, text, at);
      return { kind: 'question' };
    },

    /** Remembers that a person was greeted, so their next words with no request go to the inbox. */
    async noteGreeted(person: PersonRef): Promise<void> {
      await deps.greeted?.write(greetedKey(person), true);
    },

    /**
     * An answer to the requester of a request: a coordinator may answer any, a volunteer only the one
     * they hold. `asCoordinator` is for callers that checked the role already (the web console).
     */
    async answer(number: number, by: Answerer, words: string, asCoordinator?: boolean): Promise<AnswerOutcome> {
      const text = cut(words);
      if (!text) return { kind: 'empty', number };
      const request = await deps.requests.findByNumber(number);
      if (!request) return { kind: 'not_found', number };
      const holds = samePerson(request.volunteer, by.person);
      if (!holds && !(asCoordinator ?? (await deps.isCoordinator(by.person)))) return { kind: 'not_yours', number };
      if (!request.requester) return { kind: 'no_requester', number, why: request.personalErasedAt ? 'erased' : 'no_chat' };
      const event: HistoryEvent = {
        type: 'message',
        from: holds ? 'volunteer' : 'coordinator',
        at: deps.now(),
        actor: by.person,
        channel: by.channel,
        comment: text,
        ...(holds && request.volunteer ? { volunteer: request.volunteer } : {}),
      };
      const stored = await deps.requests.addMessage(number, event);
      if (!stored) return { kind: 'no_requester', number, why: 'erased' };
      await deps.afterChange(stored);
      return { kind: 'sent', number };
    },
  };
}

export type RequestConversation = ReturnType<typeof createRequestConversation>;
