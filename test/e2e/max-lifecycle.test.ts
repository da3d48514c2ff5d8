import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, HQ_CHAT_ID, MAX_COORDINATOR_ID, SystemHarness } from '../support/harness.js';
import type { MaxSentMessage } from '../support/max-api-fake.js';
import { fileMaxRequest, type MaxPerson } from '../support/max-person.js';

// The same lifecycle as in Telegram and VK, through MAX's callback buttons: a press's short answer is
// the callback's notification, a message taken back is edited in place.
const CHAT = -70000000021;
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321'];

let h: SystemHarness;
beforeAll(async () => {
  // The rating question comes soon after "done" (a real job, polled every 100 ms); nothing else is hurried.
  h = await SystemHarness.start({ JOBS_PROCESS_EVERY_MS: '100', FEEDBACK_AFTER: '400ms', DAILY_REPORT_TIME: 'off' }, { max: true });
  h.max.addChat({ chatId: CHAT, title: 'Волонтёры Центрального в MAX' });
  expect((await h.maxPerson(MAX_COORDINATOR_ID, 'Координатор', CHAT).ask('/bind Центральный')).text).toMatch(/«Центральный»/);
});
afterAll(async () => {
  await h?.stop();
});

const stored = (number: number) => h.database.db.repositories.requests.findByNumber(number);
const postsOf = (number: number) => h.max.messagesToChat(CHAT).filter((m) => m.text.includes(`Заявка №${number}\n`));
const buttonsOf = (m: MaxSentMessage | undefined) => m?.keyboard?.flat().map((b) => [b.type, b.text]) ?? [];

/** The answer to the press made after `before` answers, once it is there. */
const answerAfter = (before: number, what: string) => h.max.waitFor(() => h.max.callbackAnswers()[before], undefined, what);

/** Presses «Взять заявку» on the request's current post and returns the card the volunteer got. */
async function claim(volunteer: MaxPerson, privately: MaxPerson, number: number) {
  const post = await h.max.waitFor(() => postsOf(number).find((m) => m.keyboard?.flat().length), undefined, `a post of request №${number} with its button`);
  privately.skipAll();
  volunteer.press(post, 'Взять заявку');
  return privately.reply();
}

it('gives a request back with a reason, lets another volunteer finish it with a comment, and tells the requester each time', async () => {
  const relative = h.maxPerson(7601, 'Ирина');
  const number = await fileMaxRequest(relative, 'Центральный');
  relative.skipAll();

  const ivan = h.maxPerson(7701, 'Иван');
  const card = await claim(h.maxPerson(7701, 'Иван', CHAT), ivan, number);
  expect(card.text).toContain(`Вы взяли заявку №${number}`);
  expect(buttonsOf(card)).toEqual([
    ['callback', '✅ Выполнено'],
    ['callback', '↩️ Не могу выполнить'],
    ['callback', '📞 Контакт'],
  ]);
  expect((await relative.reply()).text).toMatch(/взяли в работу\. Волонтёр: Иван/);
  // What his phone keeps showing of the card until it is redrawn: the «done» button's payload.
  const donePayload = card.keyboard!.flat().find((b) => b.text === '✅ Выполнено')!.payload!;

  // No contact card in MAX: the phone comes as text.
  const contact = await ivan.choose(card, 'Контакт');
  expect(contact.text).toBe(`Заявка №${number}. Контакт: Зинаида Петровна, +79137654321`);
  const question = await ivan.choose(card, 'Не могу выполнить');
  expect(question.text).toMatch(new RegExp(`Почему не получится выполнить заявку №${number}`));
  expect((await ivan.choose(question, 'Не успеваю')).text).toMatch(/возвращена/);
  expect(await stored(number)).toMatchObject({ status: 'new', round: 1 });
  expect((await relative.reply()).text).toMatch(/не сможет её выполнить/);
  await h.max.waitFor(() => postsOf(number).length === 2, undefined, `the second post of request №${number}`);
  expect(buttonsOf(postsOf(number)[1])).toEqual([['callback', '✋ Взять заявку']]);
  // The old post says so and has no button; neither post has anything personal.
  await h.max.waitFor(() => /опубликована заново/.test(postsOf(number)[0]!.text), undefined, 'the old post to point to the new one');
  expect(postsOf(number)[0]!.keyboard ?? []).toEqual([]);
  for (const post of postsOf(number)) for (const personal of PERSONAL) expect(post.text).not.toContain(personal);

  // The card and the contact leave his chat with the request: both edited to say why, with nothing
  // personal and no buttons.
  await h.max.waitFor(() => card.edits > 0 && contact.edits > 0, undefined, 'the edits of the card and the contact');
  for (const message of [card, contact]) {
    const now = h.max.message(message.mid)!;
    expect(now.deleted).toBe(false);
    expect(now.text).toMatch(new RegExp(`Заявка №${number} · Центральный[\\s\\S]*Возвращена[\\s\\S]*больше не у вас`));
    for (const personal of PERSONAL) expect(now.text).not.toContain(personal);
    expect(now.keyboard ?? []).toEqual([]);
  }
  // Each withdrawal is marked on the record once the platform took the message back, a moment after it shows.
  await eventually(
    async () => (await h.database.db.repositories.accessLog.listForRequest(number)).every((r) => r.withdrawnAt),
    undefined,
    'the withdrawals marked in the access log',
  );
  const shown = await h.database.db.repositories.accessLog.listForRequest(number);
  expect(shown.map((r) => [r.kind, r.viewer.userId, r.channel, Boolean(r.withdrawnAt)])).toEqual([
    ['task_card', '7701', 'max', true],
    ['contact', '7701', 'max', true],
  ]);

  const olga = h.maxPerson(7702, 'Ольга');
  const olgaCard = await claim(h.maxPerson(7702, 'Ольга', CHAT), olga, number);
  expect((await relative.reply()).text).toMatch(/взяли в работу\. Волонтёр: Ольга/);
  expect((await olga.ask('/tasks')).text).toMatch(new RegExp(`№${number} · Центральный`));
  expect((await olga.choose(olgaCard, 'Выполнено')).text).toMatch(/отмечена выполненной/);
  expect((await olga.ask('Всё отвезла')).text).toMatch(/Комментарий .* сохранён/);
  const done = await stored(number);
  expect(done).toMatchObject({ status: 'done', volunteer: { platform: 'max', userId: '7702' } });
  expect(done!.history.at(-1)).toMatchObject({ type: 'commented', comment: 'Всё отвезла', channel: 'max' });
  expect((await relative.reply()).text).toMatch(new RegExp(`Заявка №${number} выполнена`));
  // Done, her card keeps the number and the thanks, not the address, and no buttons.
  await h.max.waitFor(() => /Выполнена\. Спасибо за помощь/.test(h.max.message(olgaCard.mid)!.text), undefined, "Olga's card to say it is done");
  for (const personal of PERSONAL) expect(h.max.message(olgaCard.mid)!.text).not.toContain(personal);
  expect(h.max.message(olgaCard.mid)!.keyboard ?? []).toEqual([]);

  // Ivan's old card has no buttons any more; one pressed on a view not yet redrawn refuses politely.
  const answersBefore = h.max.callbackAnswers().length;
  h.max.pushCallback({ userId: 7701, payload: donePayload, message: card });
  const refusal = await answerAfter(answersBefore, "the answer to the press on Ivan's old card");
  expect(refusal.userId).toBe(7701);
  expect(refusal.notification).toMatch(/уже выполнена/);
  expect((await stored(number))!.history).toHaveLength(done!.history.length);
}, 60_000);

it('asks the requester to rate after "done", takes the rating from the button, and the buttons go', async () => {
  const relative = h.maxPerson(7603, 'Нина');
  const number = await fileMaxRequest(relative, 'Центральный');
  const boris = h.maxPerson(7703, 'Борис');
  const card = await claim(h.maxPerson(7703, 'Борис', CHAT), boris, number);
  const thanks = await boris.choose(card, 'Выполнено');
  expect(thanks.text).toMatch(/отмечена выполненной/);
  boris.press(thanks, 'Без комментария');

  const question = await h.max.waitFor(
    () => relative.messages().find((m) => m.text.includes('Оцените') && m.text.includes(`№${number}`)),
    undefined,
    `the rating question of request №${number}`,
  );
  expect(buttonsOf(question)).toEqual(['1', '2', '3', '4', '5'].map((label) => ['callback', label]));
  const fivePayload = question.keyboard!.flat().find((b) => b.text === '5')!.payload!;
  relative.skipAll();
  const answersBefore = h.max.callbackAnswers().length;
  expect((await relative.choose(question, '2')).text).toMatch(/Спасибо за оценку/);
  // The press took the buttons away from the question, which stays.
  await answerAfter(answersBefore, 'the answer to the rating press');
  expect(h.max.message(question.mid)!.text).toMatch(/Оцените/);
  expect(h.max.message(question.mid)!.keyboard ?? []).toEqual([]);
  const low = await h.emulator.waitFor(() =>
    h
      .messagesTo(HQ_CHAT_ID)
      .map((m) => m.message.text)
      .find((t) => t.includes(`№${number}`) && t.includes('Низкая оценка 2 из 5')),
  );
  for (const personal of PERSONAL) expect(low).not.toContain(personal);
  expect((await relative.ask('Волонтёр опоздал на два часа')).text).toMatch(/отзыв передан/);
  expect((await stored(number))!.feedback).toMatchObject({ rating: 2, comment: 'Волонтёр опоздал на два часа' });

  // A second press all the same (a view not yet redrawn) changes nothing.
  const secondBefore = h.max.callbackAnswers().length;
  h.max.pushCallback({ userId: 7603, payload: fivePayload, message: question });
  expect((await answerAfter(secondBefore, 'the answer to a second rating press')).notification).toMatch(/уже получена/);
  expect((await stored(number))!.feedback!.rating).toBe(2);
}, 60_000);

it('lets a requester withdraw their request from /my after confirming', async () => {
  const relative = h.maxPerson(7602, 'Павел');
  const number = await fileMaxRequest(relative, 'Центральный');
  relative.skipAll();
  const my = await relative.ask('/my');
  const question = await relative.choose(my, `Отменить №${number}`);
  expect(question.text).toMatch(new RegExp(`№${number}`));
  relative.press(question, 'Да, отменить');
  expect((await relative.reply()).text).toMatch(new RegExp(`Заявка №${number} отменена`));
  expect((await stored(number))!.status).toBe('cancelled');
  // The question's buttons went with the press.
  await h.max.waitFor(() => (h.max.message(question.mid)!.keyboard ?? []).length === 0, undefined, 'the buttons of the withdrawal question to go');
}, 30_000);
