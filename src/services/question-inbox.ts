import type { PersonRef, Requester } from '../domain/request.js';
import type { Outbox, Question, QuestionRepository } from './ports.js';
import { MAX_CONVERSATION_TEXT } from './request-conversation.js';

/** How many questions the console's page lists. */
export const QUESTIONS_LISTED = 100;

export interface QuestionInboxDeps {
  questions: QuestionRepository;
  outbox: Outbox;
  /** Wakes the outbox worker once an answer is enqueued. */
  wake: () => void;
  /** The answer as the asker reads it. */
  answerText: (text: string) => string;
  now: () => Date;
}

export type QuestionAnswerOutcome = { kind: 'sent' } | { kind: 'not_found' } | { kind: 'empty' };

/**
 * The console's «Вопросы»: words from someone with no request to attach them to, newest first, and
 * the HQ's answer written back to them through the outbox (like every news, silently at night).
 */
export function createQuestionInbox(deps: QuestionInboxDeps) {
  return {
    async ask(asker: Requester, text: string, at: Date): Promise<void> {
      await deps.questions.add(asker, text, at);
    },
    list(): Promise<Question[]> {
      return deps.questions.listNewest(QUESTIONS_LISTED);
    },
    async answer(id: string, by: PersonRef, words: string): Promise<QuestionAnswerOutcome> {
      const text = [...words.trim()].slice(0, MAX_CONVERSATION_TEXT).join('');
      if (!text) return { kind: 'empty' };
      const at = deps.now();
      const answered = await deps.questions.addAnswer(id, { text, at, by });
      if (!answered) return { kind: 'not_found' };
      const { asker } = answered;
      // Keyed by the answer's place, so a retried POST that stored one answer sends it once.
      const key = `question:${id}:${answered.answers.length}`;
      await deps.outbox.enqueue(
        [{ key, message: { kind: 'text', platform: asker.platform, chatId: asker.chatId, text: deps.answerText(text), toRequester: 'answer' } }],
        at,
      );
      deps.wake();
      return { kind: 'sent' };
    },
  };
}

export type QuestionInbox = ReturnType<typeof createQuestionInbox>;
