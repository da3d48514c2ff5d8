import { describe, expect, it } from 'vitest';
import type { PersonRef, Requester } from '../../src/domain/request.js';
import type { Question, QuestionRepository } from '../../src/services/ports.js';
import { createQuestionInbox } from '../../src/services/question-inbox.js';
import { createRequestConversation } from '../../src/services/request-conversation.js';
import { FakeOutbox, FakeRequestRepository } from '../support/fakes.js';

// The console's «Вопросы» on fakes: words with no request to go with become a question; the HQ's
// answer is written back to the asker through the outbox. Every time is set here.

const NOW = new Date('2026-03-10T12:00:00Z');
const asker: Requester = { platform: 'vk', userId: '42', chatId: '42' };
const COORDINATOR: PersonRef = { platform: 'telegram', userId: 'c1' };

/** Questions in memory, newest first, as the MongoDB repository keeps them. */
class MemoryQuestions implements QuestionRepository {
  readonly items: Question[] = [];
  async add(who: Requester, text: string, at: Date) {
    const question = { id: String(this.items.length + 1).padStart(24, '0'), asker: { ...who }, text, at, answers: [] };
    this.items.push(question);
    return structuredClone(question);
  }
  async listNewest(limit: number) {
    return [...this.items].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }
  async findById(id: string) {
    return this.items.find((q) => q.id === id) ?? null;
  }
  async addAnswer(id: string, answer: Question['answers'][number]) {
    const question = this.items.find((q) => q.id === id);
    if (!question) return null;
    question.answers.push(answer);
    return structuredClone(question);
  }
  async forgetAsker(person: PersonRef) {
    const before = this.items.length;
    this.items.splice(0, this.items.length, ...this.items.filter((q) => q.asker.userId !== person.userId));
    return before - this.items.length;
  }
  async forgetAskedBefore() {
    return 0;
  }
}

function setup() {
  const questions = new MemoryQuestions();
  const outbox = new FakeOutbox();
  let woken = 0;
  const inbox = createQuestionInbox({ questions, outbox, wake: () => woken++, answerText: (text) => `Ответ штаба: ${text}`, now: () => NOW });
  const conversation = createRequestConversation({
    requests: new FakeRequestRepository(),
    isCoordinator: async () => true,
    afterChange: async () => undefined,
    askHeadquarters: (who, text, at) => inbox.ask(who, text, at),
    closedWindowMs: 86_400_000,
    now: () => NOW,
  });
  return { questions, outbox, inbox, conversation, woken: () => woken };
}

describe('the inbox of questions', () => {
  it('keeps words from someone with no request as a question, newest first', async () => {
    const { inbox, conversation } = setup();
    expect(await conversation.fromRequester(asker, 'Когда работает штаб?')).toEqual({ kind: 'question' });
    await inbox.ask({ platform: 'telegram', userId: '7', chatId: '7' }, 'Позже', new Date(NOW.getTime() + 1000));
    expect((await inbox.list()).map((q) => q.text)).toEqual(['Позже', 'Когда работает штаб?']);
  });

  it('greets a first message instead, where a chat opens with whatever is typed; the next words are a question', async () => {
    const { inbox, questions } = setup();
    const store = new Map<string, unknown>();
    const greeted = {
      read: async (k: string) => store.get(k),
      write: async (k: string, v: unknown) => void store.set(k, v),
      delete: async (k: string) => void store.delete(k),
    };
    const conversation = createRequestConversation({
      requests: new FakeRequestRepository(),
      isCoordinator: async () => false,
      afterChange: async () => undefined,
      askHeadquarters: (who, text, at) => inbox.ask(who, text, at),
      greeted,
      closedWindowMs: 86_400_000,
      now: () => NOW,
    });
    expect(await conversation.fromRequester(asker, 'Здравствуйте')).toEqual({ kind: 'unattached' });
    expect(await conversation.fromRequester(asker, 'Когда работает штаб?')).toEqual({ kind: 'question' });
    expect(questions.items.map((q) => q.text)).toEqual(['Когда работает штаб?']);
  });

  it("writes the HQ's answer back to the asker's chat, silently at night, once per answer", async () => {
    const { inbox, outbox, conversation, woken } = setup();
    await conversation.fromRequester(asker, 'Когда работает штаб?');
    const [question] = await inbox.list();
    expect(await inbox.answer(question!.id, COORDINATOR, 'С девяти до девяти')).toEqual({ kind: 'sent' });
    const sent = [...outbox.records.values()].map((r) => r.message);
    expect(sent).toEqual([{ kind: 'text', platform: 'vk', chatId: '42', text: 'Ответ штаба: С девяти до девяти', toRequester: 'answer' }]);
    expect(woken()).toBe(1);
    expect((await inbox.list())[0]!.answers).toEqual([{ text: 'С девяти до девяти', at: NOW, by: COORDINATOR }]);
  });

  it('refuses an empty answer and a question that is gone', async () => {
    const { inbox, outbox } = setup();
    await inbox.ask(asker, 'Вопрос', NOW);
    const [question] = await inbox.list();
    expect(await inbox.answer(question!.id, COORDINATOR, '   ')).toEqual({ kind: 'empty' });
    expect(await inbox.answer('9'.repeat(24), COORDINATOR, 'Ответ')).toEqual({ kind: 'not_found' });
    expect(outbox.records.size).toBe(0);
  });
});
