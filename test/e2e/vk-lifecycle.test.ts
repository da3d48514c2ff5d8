import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, fileVkRequest, SystemHarness, VK_COORDINATOR_ID, type VkPerson } from '../support/harness.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

// The same lifecycle as in Telegram, through VK's callback buttons in private messages.
const CHAT = PEER_CHAT_OFFSET + 21;

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({}, { vk: true });
  await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', CHAT).ask('/bind Центральный');
});
afterAll(async () => {
  await h?.stop();
});

const stored = (number: number) => h.database.db.repositories.requests.findByNumber(number);
const postsOf = (number: number) => h.vk.messagesTo(CHAT).filter((m) => m.text.includes(`Заявка №${number}\n`));

/** Presses "Take request" on the request's current post and returns the card the volunteer got. */
async function claim(volunteer: VkPerson, privately: VkPerson, number: number) {
  const post = await h.vk.waitFor(() => postsOf(number).find((m) => m.keyboard?.buttons.flat().length));
  privately.skipAll();
  volunteer.press(post, 'Взять заявку');
  return privately.reply();
}

it('gives a request back with a reason, lets another volunteer finish it with a comment, and tells the requester each time', async () => {
  const relative = h.vkPerson(7601, 'Ирина');
  const number = await fileVkRequest(relative, 'Центральный');
  relative.skipAll();

  const ivan = h.vkPerson(7701, 'Иван');
  const card = await claim(h.vkPerson(7701, 'Иван', CHAT), ivan, number);
  expect(card.text).toContain(`Вы взяли заявку №${number}`);
  expect(card.keyboard?.buttons.flat().map((b) => [b.action.type, b.action.label])).toEqual([
    ['callback', '✅ Выполнено'],
    ['callback', '↩️ Не могу выполнить'],
    ['callback', '📞 Контакт'],
  ]);
  expect((await relative.reply()).text).toMatch(/взяли в работу\. Волонтёр: Иван/);
  // What his phone keeps showing of the card until it is redrawn: the «done» button's payload.
  const donePayload = card.keyboard!.buttons.flat().find((b) => b.action.label === '✅ Выполнено')!.action.payload;

  const contact = await ivan.choose(card, 'Контакт');
  expect(contact.text).toBe(`Заявка №${number}. Контакт: Зинаида Петровна, +79137654321`);
  const question = await ivan.choose(card, 'Не могу выполнить');
  expect((await ivan.choose(question, 'Не успеваю')).text).toMatch(/возвращена/);
  expect(await stored(number)).toMatchObject({ status: 'new', round: 1 });
  expect((await relative.reply()).text).toMatch(/не сможет её выполнить/);
  await h.vk.waitFor(() => (postsOf(number).length === 2 ? true : undefined));

  // The card and the contact leave his chat with the request: both edited (VK allows it for a day)
  // to say why, with nothing personal and no buttons.
  await eventually(async () => card.edits > 0 && contact.edits > 0);
  for (const message of [card, contact]) {
    expect(message.text).toMatch(new RegExp(`Заявка №${number} · Центральный[\\s\\S]*Возвращена[\\s\\S]*больше не у вас`));
    for (const personal of ['Зинаида Петровна', 'Садовая', '+79137654321']) expect(message.text).not.toContain(personal);
    expect(message.keyboard).toBeUndefined();
  }
  // Each withdrawal is marked on the record once the platform took the message back, a moment after it shows.
  await eventually(
    async () => (await h.database.db.repositories.accessLog.listForRequest(number)).every((r) => r.withdrawnAt),
    undefined,
    'the withdrawals marked in the access log',
  );
  const shown = await h.database.db.repositories.accessLog.listForRequest(number);
  expect(shown.map((r) => [r.kind, r.viewer.userId, r.channel, Boolean(r.withdrawnAt)])).toEqual([
    ['task_card', '7701', 'vk', true],
    ['contact', '7701', 'vk', true],
  ]);

  const olga = h.vkPerson(7702, 'Ольга');
  const olgaCard = await claim(h.vkPerson(7702, 'Ольга', CHAT), olga, number);
  expect((await relative.reply()).text).toMatch(/взяли в работу\. Волонтёр: Ольга/);
  expect((await olga.ask('/tasks')).text).toMatch(new RegExp(`№${number} · Центральный`));
  expect((await olga.choose(olgaCard, 'Выполнено')).text).toMatch(/отмечена выполненной/);
  expect((await olga.ask('Всё отвезла')).text).toMatch(/Комментарий .* сохранён/);
  const done = await stored(number);
  expect(done).toMatchObject({ status: 'done', volunteer: { platform: 'vk', userId: '7702' } });
  expect(done!.history.at(-1)).toMatchObject({ type: 'commented', comment: 'Всё отвезла', channel: 'vk' });
  expect((await relative.reply()).text).toMatch(new RegExp(`Заявка №${number} выполнена`));

  // Ivan's old card has no buttons any more; one pressed on a view not yet redrawn refuses politely.
  const answersBefore = h.vk.eventAnswers().length;
  h.vk.pushMessageEvent({ userId: 7701, conversationMessageId: card.conversationMessageId, payload: donePayload });
  const refusal = await h.vk.waitFor(() => h.vk.eventAnswers()[answersBefore]);
  expect(String(refusal.eventData?.text)).toMatch(/уже выполнена/);
}, 60_000);

it('lets a requester withdraw their request from /my after confirming', async () => {
  const relative = h.vkPerson(7602, 'Павел');
  const number = await fileVkRequest(relative, 'Центральный');
  relative.skipAll();
  const my = await relative.ask('/my');
  const question = await relative.choose(my, `Отменить №${number}`);
  relative.press(question, 'Да, отменить');
  expect((await relative.reply()).text).toMatch(new RegExp(`Заявка №${number} отменена`));
  expect((await stored(number))!.status).toBe('cancelled');
}, 30_000);
