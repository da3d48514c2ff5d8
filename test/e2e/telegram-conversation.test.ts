import { afterAll, beforeAll, expect, it } from 'vitest';
import { COORDINATOR_ID, fileRequest, HQ_CHAT_ID, SystemHarness, type Person } from '../support/harness.js';

// The conversation after submit, in Telegram: the relative writes after «Выполнено», the volunteer who
// did it reads the words, the HQ chat hears the number only, and the answers reach the relative.
const GROUP = { id: -1005205, title: 'Волонтёры Центрального района' };
const WORDS = 'Спасибо! Но купили не тот хлеб';

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Центральный');
});
afterAll(async () => {
  await h?.stop();
});

const stored = (number: number) => h.database.db.repositories.requests.findByNumber(number);

/** Claims the request's post as this volunteer and returns their task card. */
async function claim(volunteer: Person, number: number) {
  const post = await h.emulator.waitFor(() =>
    h.messagesTo(GROUP.id).find((m) => m.message.text.includes(`№${number}`) && m.message.reply_markup?.inline_keyboard?.flat().length),
  );
  volunteer.skipAll();
  await h.person(volunteer.userId, volunteer.firstName, GROUP).press(post, 'Взять заявку');
  return volunteer.reply();
}

it("passes the relative's words after «Выполнено» to the volunteer, tells the HQ the number only, and carries both answers back", async () => {
  const relative = h.person(701, 'Ирина');
  const number = await fileRequest(relative, 'Центральный');
  const olga = h.person(7101, 'Ольга');
  const card = await claim(olga, number);
  const thanks = await olga.choose(card, 'Выполнено');
  await olga.choose(thanks, 'Без комментария');
  relative.skipAll();
  await h.emulator.waitFor(() => h.messagesTo(relative.chatId).find((m) => /выполнена/.test(m.message.text)));
  relative.skipAll();
  const hqBefore = h.messagesTo(HQ_CHAT_ID).length;
  olga.skipAll();

  // Before, this was «Чтобы оставить заявку, нажмите /start.» and the words went nowhere.
  const passed = await relative.ask(WORDS);
  expect(passed.message.text).toBe(`Спасибо, ваше сообщение по заявке №${number} передано волонтёру, который её взял. Ответ придёт сюда.`);
  const toOlga = await olga.reply();
  expect(toOlga.message.text).toContain(`№${number}`);
  expect(toOlga.message.text).toContain(WORDS);
  expect(toOlga.message.text).toContain(`/reply ${number}`);
  const [notice] = await h.waitForMessages(HQ_CHAT_ID, hqBefore);
  expect(notice!.message.text).toMatch(new RegExp(`написал по заявке №${number}`));
  expect(notice!.message.text).not.toContain('хлеб');

  // The volunteer answers with /reply; then a coordinator.
  expect((await olga.ask(`/reply ${number} Простите, завтра привезу другой`)).message.text).toBe(`Ответ по заявке №${number} отправлен заявителю.`);
  expect((await relative.reply()).message.text).toBe(`Ответ волонтёра (Ольга (@user7101)) по заявке №${number}:\nПростите, завтра привезу другой`);
  const coordinator = h.person(COORDINATOR_ID, 'Координатор');
  expect((await coordinator.ask(`/reply ${number} Штаб проследит`)).message.text).toBe(`Ответ по заявке №${number} отправлен заявителю.`);
  expect((await relative.reply()).message.text).toBe(`Ответ штаба по заявке №${number}:\nШтаб проследит`);

  const messages = (await stored(number))!.history.filter((e) => e.type === 'message');
  expect(messages.map((e) => [e.from, e.comment])).toEqual([
    ['requester', WORDS],
    ['volunteer', 'Простите, завтра привезу другой'],
    ['coordinator', 'Штаб проследит'],
  ]);
}, 60_000);

it('refuses /reply politely: no such request, a request that is not yours, a text left out', async () => {
  const relative = h.person(702, 'Павел');
  const number = await fileRequest(relative, 'Центральный');
  const stranger = h.person(7102, 'Борис');
  expect((await stranger.ask(`/reply ${number} Здравствуйте`)).message.text).toBe(
    `Ответить по заявке №${number} может координатор или волонтёр, который её взял.`,
  );
  expect((await stranger.ask('/reply 99999 Здравствуйте')).message.text).toBe('Заявки №99999 нет. Проверьте, пожалуйста, номер.');
  expect((await stranger.ask('/reply')).message.text).toMatch(/Напишите номер заявки и ответ/);
  expect((await stored(number))!.history.some((e) => e.type === 'message')).toBe(false);
}, 60_000);

/** Signs the coordinator in through the bot's /console link; returns the session cookie. */
async function consoleCookie(): Promise<string> {
  const reply = await h.person(COORDINATOR_ID, 'Координатор').ask('/console');
  const url = /(http:\/\/\S+\/console\/login\?token=[\w-]+)/.exec(reply.message.text)![1]!;
  const token = new URL(url).searchParams.get('token')!;
  const signedIn = await fetch(new URL('/console/login', url), { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
  return String(signedIn.headers.get('set-cookie')).split(';')[0]!;
}

it("shows the messages on the console's card in order with who wrote them, and the card's answer reaches the relative", async () => {
  const relative = h.person(703, 'Анна');
  const number = await fileRequest(relative, 'Центральный');
  relative.skipAll();
  expect((await relative.ask('Домофон не работает, позвоните')).message.text).toMatch(new RegExp(`№${number} передано в штаб`));

  const cookie = await consoleCookie();
  const cardUrl = new URL(`/console/requests/${number}`, h.system!.httpUrl);
  const card = await (await fetch(cardUrl, { headers: { cookie } })).text();
  expect(card).toContain('Переписка с заявителем');
  expect(card).toMatch(/сообщение от заявителя[\s\S]*Домофон не работает, позвоните/);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(card)![1]!;

  // Post/Redirect/Get: the answer is sent, the card says so, and a reload would not send it again.
  const posted = await fetch(new URL(`/console/requests/${number}/reply`, h.system!.httpUrl), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, text: 'Позвоним через пять минут' }),
    redirect: 'manual',
  });
  expect(posted.status).toBe(303);
  expect(posted.headers.get('location')).toBe(`/console/requests/${number}?done=answered`);
  expect((await relative.reply()).message.text).toBe(`Ответ штаба по заявке №${number}:\nПозвоним через пять минут`);
  const after = await (await fetch(new URL(posted.headers.get('location')!, h.system!.httpUrl), { headers: { cookie } })).text();
  expect(after).toContain(`Ответ по заявке №${number} отправлен заявителю.`);
  const conversation = after.slice(after.indexOf('Переписка с заявителем'), after.indexOf('Действия'));
  expect(conversation.indexOf('Домофон')).toBeLessThan(conversation.indexOf('Позвоним через пять минут'));
  expect(conversation).toMatch(/ответ заявителю от штаба/);

  // An empty answer is refused with the reason, not sent.
  const empty = await fetch(new URL(`/console/requests/${number}/reply`, h.system!.httpUrl), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, text: '  ' }),
    redirect: 'manual',
  });
  expect(empty.headers.get('location')).toBe(`/console/requests/${number}?answerRefused=empty`);
}, 60_000);

it("takes words from someone with no request as a question to the console's «Вопросы», newest first, and the answer reaches them", async () => {
  const asker = h.person(704, 'Светлана');
  // Greeted first, as everyone who opens the chat is; the words after that are a question.
  await asker.ask('/start');
  expect((await asker.ask('Можно ли заказать лекарства для соседки?')).message.text).toBe(
    'Спасибо, ваше сообщение передано в штаб. Ответ придёт сюда. Чтобы оставить заявку, нажмите /start.',
  );
  const later = h.person(705, 'Григорий');
  // Someone's first words without /start get the hint; the next ones go to the HQ.
  expect((await later.ask('Добрый день')).message.text).toBe('Чтобы оставить заявку, нажмите /start.');
  expect((await later.ask('Когда работает штаб?')).message.text).toMatch(/передано в штаб/);

  const cookie = await consoleCookie();
  const page = await (await fetch(new URL('/console/questions', h.system!.httpUrl), { headers: { cookie } })).text();
  expect(page.indexOf('Когда работает штаб?')).toBeGreaterThan(-1);
  expect(page.indexOf('Когда работает штаб?')).toBeLessThan(page.indexOf('Можно ли заказать лекарства'));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  const forms = [...page.matchAll(/action="(\/console\/questions\/[0-9a-f]{24}\/answer)"/g)].map((m) => m[1]!);
  // The second form is the older question's, the one from 704.
  const posted = await fetch(new URL(forms[1]!, h.system!.httpUrl), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, text: 'Да, оставьте заявку через /start' }),
    redirect: 'manual',
  });
  expect(posted.status).toBe(303);
  expect(posted.headers.get('location')).toBe('/console/questions?said=answered');
  expect((await asker.reply()).message.text).toBe('Ответ штаба на ваше сообщение:\nДа, оставьте заявку через /start');
  const after = await (await fetch(new URL(posted.headers.get('location')!, h.system!.httpUrl), { headers: { cookie } })).text();
  expect(after).toContain('Ответ отправлен.');
  expect(after).toMatch(/ответ штаба[\s\S]*Да, оставьте заявку через \/start/);

  // /forget takes the person's questions with it.
  const question = await later.ask('/forget');
  await later.choose(question, 'Да');
  const forgotten = await (await fetch(new URL('/console/questions', h.system!.httpUrl), { headers: { cookie } })).text();
  expect(forgotten).not.toContain('Когда работает штаб?');
  expect(forgotten).not.toContain('Добрый день');
  expect(forgotten).toContain('Можно ли заказать лекарства');
}, 60_000);
