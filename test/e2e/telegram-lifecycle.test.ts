import { afterAll, beforeAll, expect, it } from 'vitest';
import { COORDINATOR_ID, eventually, fileRequest, SystemHarness, type Person } from '../support/harness.js';

// A request seen through to the end in Telegram: claimed, given back, posted anew, taken by someone
// else, done with a comment; and a requester withdrawing another one. Everyone concerned hears of it.
const GROUP = { id: -1005005, title: 'Волонтёры Центрального района' };
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321', 'Хлеб, молоко'];

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Центральный');
});
afterAll(async () => {
  await h?.stop();
});

const stored = (number: number) => h.database.db.repositories.requests.findByNumber(number);
const postsOf = (number: number) => h.messagesTo(GROUP.id).filter((m) => m.message.text.includes(`№${number}`));

/** Claims a post as this volunteer and returns the task card they got privately. */
async function claim(volunteer: Person, privately: Person, number: number) {
  const post = await h.emulator.waitFor(() => postsOf(number).find((m) => m.message.reply_markup?.inline_keyboard?.flat().length));
  privately.skipAll();
  await volunteer.press(post, 'Взять заявку');
  return privately.reply();
}

it('takes a request from claim through "cannot do it", a new post, another volunteer, to done with a comment', async () => {
  const relative = h.person(601, 'Ирина');
  const number = await fileRequest(relative, 'Центральный');
  relative.skipAll();

  // The first volunteer takes it; their card has the details and the three actions.
  const ivan = h.person(6101, 'Иван');
  const card = await claim(h.person(6101, 'Иван', GROUP), ivan, number);
  expect(card.message.text).toContain(`Вы взяли заявку №${number}`);
  expect(card.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['✅ Выполнено', '↩️ Не могу выполнить', '📞 Контакт']);
  const taken = await relative.reply();
  expect(taken.message.text).toMatch(/взяли в работу\. Волонтёр: Иван/);
  // The system's day (the harness puts quiet hours hours away): news comes with its sound.
  expect(taken.message.disable_notification).toBeUndefined();

  // The contact is a card the phone can call; only the holder gets it.
  await ivan.press(card, 'Контакт');
  const contact = await h.emulator.waitFor(() => h.emulator.callsOf('sendContact').at(-1));
  // (Telegram takes a chat id as a number or a string.)
  expect({ ...contact.payload, chat_id: String(contact.payload.chat_id) }).toMatchObject({
    chat_id: '6101',
    phone_number: '+79137654321',
    first_name: 'Зинаида Петровна',
  });

  // He cannot do it after all: a reason, then the request waits for someone else.
  const question = await ivan.choose(card, 'Не могу выполнить');
  expect(question.message.text).toMatch(new RegExp(`Почему не получится выполнить заявку №${number}`));
  const released = await ivan.choose(question, 'Не могу дозвониться');
  expect(released.message.text).toMatch(/возвращена/);
  expect(await stored(number)).toMatchObject({ status: 'new', round: 1 });
  expect((await relative.reply()).message.text).toMatch(/не сможет её выполнить/);

  // Posted anew with the button; the old post says so and has none.
  await h.emulator.waitFor(() => (postsOf(number).length === 2 ? true : undefined));
  await eventually(async () => /опубликована заново/.test(postsOf(number)[0]!.message.text));
  const [oldPost, newPost] = postsOf(number);
  expect(oldPost!.message.reply_markup?.inline_keyboard?.flat() ?? []).toEqual([]);
  expect(newPost!.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['✋ Взять заявку']);
  for (const post of [oldPost!, newPost!]) for (const personal of PERSONAL) expect(post.message.text).not.toContain(personal);

  // His card and the contact leave his chat with the request: the card is edited to say why, with
  // nothing personal and no buttons; the contact card is deleted.
  const cardNow = async () => h.messagesTo(6101).find((m) => m.messageId === card.messageId)!.message;
  await eventually(async () => /больше не у вас/.test((await cardNow()).text));
  expect((await cardNow()).text).toContain(`Заявка №${number} · Центральный`);
  expect((await cardNow()).text).toContain('Возвращена');
  for (const personal of PERSONAL) expect((await cardNow()).text).not.toContain(personal);
  expect((await cardNow()).reply_markup?.inline_keyboard?.flat() ?? []).toEqual([]);
  const [contactId] = [...h.emulator.contacts].find(([, c]) => c.chatId === '6101')!;
  await eventually(async () => h.emulator.contacts.get(contactId)?.deleted === true);
  // Who was shown what is on record: the card and the contact, to him, in Telegram.
  // Each withdrawal is marked on the record once the platform took the message back, a moment after it shows.
  await eventually(
    async () => (await h.database.db.repositories.accessLog.listForRequest(number)).every((r) => r.withdrawnAt),
    undefined,
    'the withdrawals marked in the access log',
  );
  const shown = await h.database.db.repositories.accessLog.listForRequest(number);
  expect(shown.map((r) => [r.kind, r.viewer.userId, r.channel, Boolean(r.withdrawnAt)])).toEqual([
    ['task_card', '6101', 'telegram', true],
    ['contact', '6101', 'telegram', true],
  ]);

  // His old card's buttons no longer work for him.
  const answersBefore = h.callbackAnswers().length;
  await ivan.pressData(card, `t:done:${number}`);
  expect((await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore])).text).toMatch(/пока никто не взял/);
  await ivan.pressData(card, `t:contact:${number}`);
  expect((await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore + 1])).text).toMatch(/у другого волонтёра/);

  // Olga takes it from the new post and sees it in /tasks.
  const olga = h.person(6102, 'Ольга');
  const olgaCard = await claim(h.person(6102, 'Ольга', GROUP), olga, number);
  expect((await relative.reply()).message.text).toMatch(/взяли в работу\. Волонтёр: Ольга/);
  const tasks = await olga.ask('/tasks');
  expect(tasks.message.text).toMatch(new RegExp(`№${number} · Центральный · Доставка продуктов`));

  // Done, with a comment as her next message.
  const thanks = await olga.choose(olgaCard, 'Выполнено');
  expect(thanks.message.text).toMatch(new RegExp(`Заявка №${number} отмечена выполненной`));
  expect((await olga.ask('Всё привезла, бабушка довольна')).message.text).toMatch(/Комментарий .* сохранён/);
  const done = await stored(number);
  expect(done).toMatchObject({ status: 'done', volunteer: { userId: '6102' } });
  expect(done!.history.map((e) => e.type)).toEqual(['created', 'posted', 'claimed', 'released', 'posted', 'claimed', 'done', 'commented']);
  expect(done!.history.at(-1)!.comment).toBe('Всё привезла, бабушка довольна');
  expect((await relative.reply()).message.text).toMatch(new RegExp(`Заявка №${number} выполнена`));
  await eventually(async () => /Заявка выполнена/.test(postsOf(number)[1]!.message.text));
  // Done, her card keeps the number and the thanks, not the address.
  const olgaCardNow = async () => h.messagesTo(6102).find((m) => m.messageId === olgaCard.messageId)!.message.text;
  await eventually(async () => /Выполнена\. Спасибо за помощь/.test(await olgaCardNow()));
  for (const personal of PERSONAL) expect(await olgaCardNow()).not.toContain(personal);

  // A second "done" is refused politely and changes nothing.
  const before = h.callbackAnswers().length;
  await olga.pressData(olgaCard, `t:done:${number}`);
  expect((await h.emulator.waitFor(() => h.callbackAnswers()[before])).text).toMatch(/уже выполнена/);
  expect((await stored(number))!.history).toHaveLength(done!.history.length);
  // And her next ordinary message is not taken for a comment any more.
  expect((await olga.ask('Спасибо')).message.text).toMatch(/нажмите \/start/);
}, 60_000);

it('asks for the reason in words after «Другая причина», and gives the request back with it', async () => {
  const relative = h.person(603, 'Нина');
  const number = await fileRequest(relative, 'Центральный');
  relative.skipAll();
  const gleb = h.person(6104, 'Глеб');
  const card = await claim(h.person(6104, 'Глеб', GROUP), gleb, number);
  const question = await gleb.choose(card, 'Не могу выполнить');
  const ask = await gleb.choose(question, 'Другая причина');
  expect(ask.message.text).toMatch(new RegExp(`почему не получится выполнить заявку №${number}`));
  // Until the reason is written the request stays with him.
  expect(await stored(number)).toMatchObject({ status: 'claimed', volunteer: { userId: '6104' } });
  expect((await gleb.ask('Уезжаю к дочери до понедельника')).message.text).toMatch(/возвращена/);
  const released = await stored(number);
  expect(released).toMatchObject({ status: 'new', round: 1 });
  expect(released!.history.find((e) => e.type === 'released')?.comment).toBe('Уезжаю к дочери до понедельника');
  // His next words are ordinary ones again.
  expect((await gleb.ask('Спасибо')).message.text).not.toMatch(/возвращена/);
}, 60_000);

it('lets the requester withdraw a request from /my after confirming, and tells its volunteer', async () => {
  const relative = h.person(602, 'Павел');
  const number = await fileRequest(relative, 'Центральный');
  relative.skipAll();
  const boris = h.person(6103, 'Борис');
  const card = await claim(h.person(6103, 'Борис', GROUP), boris, number);
  expect((await relative.reply()).message.text).toMatch(/взяли в работу\. Волонтёр: Борис/);
  // He took the contact three days ago (its record is set back so): Telegram no longer lets a bot delete it.
  await boris.press(card, 'Контакт');
  await h.emulator.waitFor(() => [...h.emulator.contacts.values()].find((c) => c.chatId === '6103'), undefined, 'the contact card for Boris');
  await eventually(async () => (await h.database.db.repositories.accessLog.listShowing(number, { platform: 'telegram', userId: '6103' })).length === 2);
  const threeDaysAgo = new Date(Date.now() - 72 * 3600_000);
  await h.database.db.connection
    .collection('access_records')
    .updateMany({ requestNumber: number, kind: 'contact' }, { $set: { 'message.sentAt': threeDaysAgo } });

  const my = await relative.ask('/my');
  const question = await relative.choose(my, `Отменить №${number}`);
  expect(question.message.text).toMatch(new RegExp(`Отменить заявку №${number}\\?`));
  // "No" keeps it.
  expect((await relative.choose(question, 'Нет, оставить')).message.text).toMatch(/остаётся в работе/);
  expect((await stored(number))!.status).toBe('claimed');

  const again = await relative.choose(await relative.ask('/my'), `Отменить №${number}`);
  await relative.press(again, 'Да, отменить');
  expect((await relative.reply()).message.text).toMatch(new RegExp(`Заявка №${number} отменена`));
  expect(await stored(number)).toMatchObject({ status: 'cancelled' });
  // (The news and the withdrawal go out side by side, in either order.)
  await eventually(async () => h.messagesTo(6103).some((m) => new RegExp(`Заявка №${number} отменена. Ехать по ней больше не нужно`).test(m.message.text)));
  // The card is edited at any age; the old contact card stays, and he is asked to delete it himself.
  await eventually(async () => /Отменена\./.test(h.messagesTo(6103).find((m) => m.messageId === card.messageId)!.message.text));
  expect([...h.emulator.contacts.values()].find((c) => c.chatId === '6103')!.deleted).toBe(false);
  await eventually(async () => h.messagesTo(6103).some((m) => new RegExp(`Заявка №${number} больше не у вас.*Удалите, пожалуйста`, 's').test(m.message.text)));
  await eventually(async () => /Заявка отменена/.test(postsOf(number)[0]!.message.text));

  // A closed request offers no cancel button any more.
  const after = await relative.ask('/my');
  expect(after.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? []).not.toContain(`❌ Отменить №${number}`);
}, 60_000);
