import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/lifecycle.js';
import { REQUESTER_NIGHT_POLICY } from '../../src/domain/night-policy.js';
import { createChatTexts } from '../../src/messages/chat-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createPrivateChat, type PrivateChatDeps } from '../../src/services/private-chat/dialogue.js';
import { createRequestConversation } from '../../src/services/request-conversation.js';
import { createRequestEffects } from '../../src/services/request-effects.js';
import { FakeDistrictChatRepository, FakeOutbox, FakeRequestRepository, makeDraft } from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

// The conversation after submit, on the fakes: a requester's words reach the volunteer who holds the
// request (and the HQ chat hears only the number); an answer reaches the requester. Every time is set here.

const DAY = 86_400_000;
const NOW = new Date('2026-03-10T12:00:00Z');
const HQ = { platform: 'telegram' as const, chatId: '-100900' };
const COORDINATOR = { platform: 'telegram' as const, userId: 'c1' };
const volunteer = { platform: 'telegram' as const, userId: 'v1', displayName: 'Ольга' };
const requester = { platform: 'telegram' as const, userId: 'r1', chatId: 'r1' };
const WORDS = 'Спасибо! Но купили не тот хлеб';

function setup(now = NOW) {
  const requests = new FakeRequestRepository();
  const outbox = new FakeOutbox();
  const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
  const effects = createRequestEffects({ requests, districtChats: new FakeDistrictChatRepository(), headquartersChats: [HQ], outbox, texts, now: () => now });
  const questions: { who: string; text: string }[] = [];
  const conversation = createRequestConversation({
    requests,
    isCoordinator: async (person) => person.userId === COORDINATOR.userId,
    afterChange: (request) => effects.enqueueFor(request),
    closedWindowMs: 7 * DAY,
    now: () => now,
  });
  const withInbox = createRequestConversation({
    requests,
    isCoordinator: async () => false,
    afterChange: (request) => effects.enqueueFor(request),
    askHeadquarters: async (who, text) => {
      questions.push({ who: who.userId, text });
    },
    closedWindowMs: 7 * DAY,
    now: () => now,
  });
  const textsTo = (chatId: string) =>
    [...outbox.records.values()].flatMap((r) => (r.message.chatId === chatId && r.message.kind === 'text' ? [r.message.text] : []));
  return { requests, outbox, conversation, withInbox, questions, textsTo };
}

async function filed(requests: FakeRequestRepository, at: Date, who = requester) {
  return requests.create({ draft: makeDraft(), channel: who.platform, requester: who, at });
}

async function done(requests: FakeRequestRepository, number: number, at: Date) {
  await requests.claim(number, volunteer, at);
  const decision = decide((await requests.findByNumber(number))!, { type: 'complete' }, { person: volunteer, channel: 'telegram', isCoordinator: false }, at);
  if (!decision.ok) throw new Error(decision.refusal);
  await requests.applyTransition(number, decision.transition);
}

describe("a requester's words after submit", () => {
  it('are attached to the done request, passed to its volunteer with the number, and the HQ chat gets the number only', async () => {
    const { requests, conversation, textsTo } = setup();
    const request = await filed(requests, new Date(NOW.getTime() - 2 * DAY));
    await done(requests, request.number, new Date(NOW.getTime() - DAY));

    expect(await conversation.fromRequester(requester, WORDS)).toEqual({ kind: 'attached', number: request.number, to: 'volunteer' });
    expect((await requests.findByNumber(request.number))!.history.at(-1)).toMatchObject({
      type: 'message',
      from: 'requester',
      actor: { platform: 'telegram', userId: 'r1' },
      comment: WORDS,
      volunteer: { userId: 'v1' },
    });
    expect(textsTo('v1')).toEqual([expect.stringContaining(WORDS)]);
    expect(textsTo('v1')[0]).toContain(`№${request.number}`);
    const hq = textsTo(HQ.chatId).filter((text) => text.includes('написал'));
    expect(hq).toEqual([expect.stringContaining(`№${request.number}`)]);
    expect(hq[0]).not.toContain('хлеб');
  });

  it('go to the HQ while nobody holds the open request, and prefer the open request to a closed one', async () => {
    const { requests, conversation, textsTo } = setup();
    const old = await filed(requests, new Date(NOW.getTime() - 3 * DAY));
    await done(requests, old.number, new Date(NOW.getTime() - 2 * DAY));
    const open = await filed(requests, new Date(NOW.getTime() - DAY));

    expect(await conversation.fromRequester(requester, WORDS)).toEqual({ kind: 'attached', number: open.number, to: 'headquarters' });
    expect(textsTo('v1')).toEqual([]);
    expect(textsTo(HQ.chatId).join('\n')).not.toContain('хлеб');
  });

  it('are not attached to a request closed longer ago than the window; with an inbox they become a question', async () => {
    const { requests, conversation, withInbox, questions } = setup();
    const request = await filed(requests, new Date(NOW.getTime() - 20 * DAY));
    await done(requests, request.number, new Date(NOW.getTime() - 8 * DAY));

    expect(await conversation.fromRequester(requester, WORDS)).toEqual({ kind: 'unattached' });
    expect(await withInbox.fromRequester(requester, WORDS)).toEqual({ kind: 'question' });
    expect(questions).toEqual([{ who: 'r1', text: WORDS }]);
    expect((await requests.findByNumber(request.number))!.history.some((e) => e.type === 'message')).toBe(false);
  });

  it('are told where they went in the private chat, instead of the hint to press /start', async () => {
    const { requests, conversation } = setup();
    const request = await filed(requests, new Date(NOW.getTime() - DAY));
    const chat = createPrivateChat({
      catalog: catalogs.ru,
      words: createChatTexts(catalogs.ru, createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario)),
      desk: { takeWords: async () => null },
      feedback: { takeComment: async () => null },
      conversation,
      capabilities: { canShareContact: true, opensWithStart: true },
    } as unknown as PrivateChatDeps);
    const reply = await chat.handle({ person: requester, chatId: requester.chatId }, { kind: 'text', text: WORDS });
    expect(reply.messages).toMatchObject([{ kind: 'text', text: catalogs.ru.t('conversation.passedToHeadquarters', { number: request.number }) }]);
  });
});

describe('an answer to the requester', () => {
  it("from a coordinator, or the holding volunteer, is recorded and goes to the requester's chat, silently at night", async () => {
    const { requests, conversation, outbox, textsTo } = setup();
    const request = await filed(requests, new Date(NOW.getTime() - DAY));
    expect(await conversation.answer(request.number, { person: COORDINATOR, channel: 'telegram' }, 'Завтра привезём другой')).toEqual({
      kind: 'sent',
      number: request.number,
    });
    await requests.claim(request.number, volunteer, NOW);
    expect(await conversation.answer(request.number, { person: volunteer, channel: 'telegram' }, 'Буду в шесть')).toMatchObject({ kind: 'sent' });

    const messages = (await requests.findByNumber(request.number))!.history.filter((e) => e.type === 'message');
    expect(messages.map((e) => [e.from, e.comment])).toEqual([
      ['coordinator', 'Завтра привезём другой'],
      ['volunteer', 'Буду в шесть'],
    ]);
    const toRequester = textsTo('r1').filter((text) => text.includes('Ответ'));
    expect(toRequester).toEqual([
      expect.stringMatching(/Ответ штаба.*\n.*Завтра привезём другой/),
      expect.stringMatching(/Ответ волонтёра \(Ольга\).*\n.*Буду в шесть/),
    ]);
    const kinds = [...outbox.records.values()].filter((r) => r.message.kind === 'text' && r.message.text.includes('Ответ')).map((r) => r.message);
    expect(kinds.every((m) => m.kind === 'text' && m.toRequester === 'answer')).toBe(true);
    expect(REQUESTER_NIGHT_POLICY.answer).toBe('send-silently');
  });

  it('is refused, politely and specifically: no such request, not theirs, nobody to write to', async () => {
    const { requests, conversation } = setup();
    const request = await filed(requests, new Date(NOW.getTime() - DAY));
    const byPhone = await requests.create({ draft: makeDraft(), channel: 'phone', at: NOW });
    const someone = { person: { platform: 'telegram' as const, userId: 'v2' }, channel: 'telegram' as const };
    expect(await conversation.answer(999, someone, 'текст')).toEqual({ kind: 'not_found', number: 999 });
    expect(await conversation.answer(request.number, someone, 'текст')).toEqual({ kind: 'not_yours', number: request.number });
    const coordinator = { person: COORDINATOR, channel: 'telegram' as const };
    expect(await conversation.answer(byPhone.number, coordinator, 'текст')).toEqual({ kind: 'no_requester', number: byPhone.number, why: 'no_chat' });
    await done(requests, request.number, NOW);
    requests.erasePersonal([request.number], NOW);
    expect(await conversation.answer(request.number, coordinator, 'текст')).toEqual({ kind: 'no_requester', number: request.number, why: 'erased' });
  });

  it('is given with /reply N text in the private chat, which explains itself when the text is missing', async () => {
    const { requests, conversation, textsTo } = setup();
    const request = await filed(requests, NOW);
    const chat = createPrivateChat({
      catalog: catalogs.ru,
      words: createChatTexts(catalogs.ru, createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario)),
      conversation,
      capabilities: { opensWithStart: true },
    } as unknown as PrivateChatDeps);
    const coordinator = { person: COORDINATOR, chatId: 'c1' };
    const sent = await chat.handle(coordinator, { kind: 'command', name: 'reply', args: `${request.number} Привезём другой`, text: '' });
    expect(sent.messages).toEqual([{ kind: 'text', text: catalogs.ru.t('conversation.replySent', { number: request.number }) }]);
    expect(textsTo('r1').some((text) => text.includes('Привезём другой'))).toBe(true);
    const usage = await chat.handle(coordinator, { kind: 'command', name: 'reply', args: String(request.number), text: '' });
    expect(usage.messages).toEqual([{ kind: 'text', text: catalogs.ru.t('conversation.replyUsage') }]);
  });
});
