import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { spreadsheetPhone } from '../../src/services/request-export.js';
import { parseCsv } from '../support/csv.js';
import { leakedPersonalStrings, makeDraft } from '../support/fakes.js';
import { COORDINATOR_ID, eventually, fileRequest, HQ_CHAT_ID, SystemHarness, type Person } from '../support/harness.js';
import type { UploadedFile } from '../support/telegram-emulator.js';

const HQ = { id: HQ_CHAT_ID, title: 'Штаб' };
const LENINSKY_GROUP = { id: -1003001, title: 'Волонтёры Ленинского района' };
const draft = makeDraft({ district: 'Ленинский' });

let h: SystemHarness;
let boss: Person;
let nextRequester = 7000;

beforeAll(async () => {
  h = await SystemHarness.start();
  boss = h.person(COORDINATOR_ID, 'Ольга');
  // The coordinator has written to the bot, so the registry knows her name for the history.
  await boss.ask('/start');
});
afterAll(async () => {
  await h?.stop();
});

/**
 * A request stored straight into the database (the questionnaire has its own tests): fast, and with
 * its messages marked as sent, so no post of it turns up in the chats these tests read.
 */
async function seed(options: { district?: string; minutesAgo?: number; requesterId?: number } = {}): Promise<HelpRequest> {
  const repo = h.database.db.repositories.requests;
  const id = String(options.requesterId ?? nextRequester++);
  const request = await repo.create({
    draft: makeDraft({ district: options.district ?? 'Ленинский' }),
    channel: 'telegram',
    requester: { platform: 'telegram', userId: id, chatId: id },
    at: new Date(Date.now() - (options.minutesAgo ?? 0) * 60_000),
  });
  await repo.clearEffectsMark(request.number, request.history.length);
  return request;
}

const buttons = (m: { message: { reply_markup?: { inline_keyboard?: { text: string }[][] } } }) =>
  m.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
const waitForText = (chatId: number, pattern: RegExp, timeoutMs = 5000) =>
  h.emulator.waitFor(() => h.messagesTo(chatId).find((m) => pattern.test(m.message.text)), timeoutMs);
const documents = () => h.emulator.callsOf('sendDocument').map((c) => c.payload as { chat_id: string; caption?: string; document: UploadedFile });

describe('command menus', () => {
  it('registers each scope its own commands at start-up', () => {
    const calls = h.emulator.callsOf('setMyCommands').map((c) => ({
      scope: typeof c.payload.scope === 'string' ? JSON.parse(c.payload.scope) : c.payload.scope,
      commands: (typeof c.payload.commands === 'string' ? JSON.parse(c.payload.commands) : c.payload.commands) as { command: string; description: string }[],
    }));
    const names = (scope: object) => calls.find((c) => JSON.stringify(c.scope) === JSON.stringify(scope))?.commands.map((x) => x.command);
    expect(names({ type: 'all_private_chats' })).toEqual(['start', 'my', 'tasks', 'volunteer', 'cancel', 'forget']);
    expect(names({ type: 'all_group_chats' })).toEqual(['bind', 'unbind', 'id']);
    expect(names({ type: 'chat', chat_id: COORDINATOR_ID })).toEqual([
      'start',
      'my',
      'tasks',
      'open',
      'overdue',
      'request',
      'assign',
      'close',
      'cancel',
      'erase',
      'stats',
      'export',
      'districts',
      'grant',
      'revoke',
      'volunteers',
      'approve',
      'reject',
      'suspend',
      'reinstate',
      'help',
      'console',
    ]);
    expect(names({ type: 'chat', chat_id: HQ_CHAT_ID })).toEqual([
      'open',
      'overdue',
      'request',
      'assign',
      'close',
      'cancel',
      'erase',
      'stats',
      'export',
      'districts',
      'grant',
      'revoke',
      'volunteers',
      'approve',
      'reject',
      'suspend',
      'reinstate',
      'help',
      'id',
    ]);
    for (const call of calls) for (const c of call.commands) expect(c.description.length).toBeGreaterThanOrEqual(3);
  });
});

describe('who may use the commands', () => {
  it('refuses someone who is no coordinator, politely', async () => {
    const stranger = h.person(6001, 'Пётр');
    expect((await stranger.ask('/open')).message.text).toMatch(/только координаторам/);
    expect((await stranger.ask('/request 1')).message.text).toMatch(/только координаторам/);
  });

  it("keeps /cancel the questionnaire's for requesters and for a bare /cancel, and a coordinator's with a number", async () => {
    const request = await seed();
    // A coordinator in the middle of filing a request of her own.
    let m = await boss.ask('/start');
    m = await boss.choose(m, 'Оставить заявку');
    m = await boss.choose(m, 'Да');
    expect(m.message.text).toMatch(/Для кого нужна помощь/);
    expect((await boss.ask(`/cancel ${request.number} дубль`)).message.text).toBe(
      `Готово: заявка №${request.number} отменена. Заявитель получит сообщение с причиной.`,
    );
    expect((await h.database.db.repositories.requests.findByNumber(request.number))?.status).toBe('cancelled');
    // Her questionnaire waited meanwhile; a bare /cancel abandons it as before.
    expect((await boss.ask('/cancel')).message.text).toMatch(/Заявка отменена, ничего не отправлено/);

    // A requester's /cancel with a number still abandons their questionnaire and touches no request.
    const other = await seed();
    const relative = h.person(6002, 'Ирина');
    m = await relative.ask('/start');
    m = await relative.choose(m, 'Оставить заявку');
    expect((await relative.ask(`/cancel ${other.number} передумала`)).message.text).toMatch(/Заявка отменена, ничего не отправлено/);
    expect((await h.database.db.repositories.requests.findByNumber(other.number))?.status).toBe('new');
  });

  it('answers coordinator commands in a volunteer group only with where to use them', async () => {
    const inGroup = h.person(COORDINATOR_ID, 'Ольга', LENINSKY_GROUP);
    expect((await inGroup.ask('/open')).message.text).toMatch(/в личном чате с ботом и в чате штаба/);
  });
});

describe('lists and the card', () => {
  it('pages through open requests with buttons, newest first, and opens a card from a line', async () => {
    // Requests of this district only, so other tests' requests do not shift the pages.
    const seeded = [];
    for (let i = 0; i < 10; i++) seeded.push(await seed({ district: 'Центральный', minutesAgo: 100 - i }));
    boss.skipAll();
    const list = await boss.ask('/open центр');
    expect(list.message.text.split('\n')[0]).toBe('Открытые заявки района «Центральный»: 10 (стр. 1 из 2)');
    expect(buttons(list)).toEqual([
      ...seeded
        .slice(2)
        .reverse()
        .map((r) => `№${r.number}`),
      'Дальше ▶️',
    ]);

    await boss.press(list, 'Дальше');
    const turned = await h.emulator.waitFor(() =>
      h.messagesTo(COORDINATOR_ID).find((m) => m.messageId === list.messageId && m.message.text.includes('стр. 2 из 2')),
    );
    expect(buttons(turned)).toEqual([`№${seeded[1]!.number}`, `№${seeded[0]!.number}`, '◀️ Назад']);

    await boss.press(turned, `№${seeded[0]!.number}`);
    const card = await boss.reply();
    expect(card.message.text).toMatch(new RegExp(`^Заявка №${seeded[0]!.number}: ждёт волонтёра\\nРайон: Центральный`));
    expect(card.message.text).toContain(`Адрес: ${draft.personal.address}`);
    expect(card.message.text).toContain(`Телефон: ${draft.personal.phone}`);
    expect(buttons(card)).toEqual(['✅ Закрыть', '🚫 Отменить', '👤 Назначить']);
  });

  it('lists as overdue only requests waiting longer than two hours', async () => {
    const old = await seed({ district: 'Октябрьский', minutesAgo: 180 });
    const fresh = await seed({ district: 'Октябрьский', minutesAgo: 10 });
    const overdue = await boss.ask('/overdue');
    expect(overdue.message.text).toMatch(/^Ждут волонтёра дольше, чем 2 ч: \d+/);
    expect(buttons(overdue)).toContain(`№${old.number}`);
    expect(buttons(overdue)).not.toContain(`№${fresh.number}`);
  });

  it('shows the card in the HQ chat without personal data', async () => {
    const request = await seed();
    await boss.ask(`/cancel ${request.number} Антонина Петровна уехала`);
    const inHq = h.person(COORDINATOR_ID, 'Ольга', HQ);
    const card = await inHq.ask(`/request ${request.number}`);
    expect(card.message.text).toMatch(new RegExp(`^Заявка №${request.number}: отменена`));
    expect(leakedPersonalStrings(card.message.text, draft)).toEqual([]);
    expect(card.message.text).not.toContain('уехала');
    expect(card.message.text).toMatch(/Ольга \(@user900\): заявка отменена \(Telegram\)\n {4}\(есть комментарий/);
    // The same card in the coordinator's private chat has the comment.
    expect((await boss.ask(`/request ${request.number}`)).message.text).toMatch(
      /Ольга \(@user900\): заявка отменена \(Telegram\)\n {4}«Антонина Петровна уехала»/,
    );
    // Only the private card showed personal data, and only it is on record.
    const shown = await h.database.db.repositories.accessLog.listForRequest(request.number);
    expect(shown.map((r) => [r.viewer.userId, r.channel, r.kind])).toEqual([[String(COORDINATOR_ID), 'telegram', 'request_card']]);
  });

  it('answers an unknown number and a malformed command with the syntax', async () => {
    expect((await boss.ask('/request 99999')).message.text).toBe('Заявки №99999 нет. Проверьте номер: /open покажет открытые заявки.');
    expect((await boss.ask('/assign 5')).message.text).toMatch(/^\/assign <номер> @username/);
    expect((await boss.ask('/stats позавчера')).message.text).toMatch(/^Не понял период «позавчера»/);
  });
});

describe('assign, close and cancel', () => {
  it('assigns by @username, reassigns, and closes: the volunteers and the requester are told', async () => {
    const relative = h.person(6101, 'Галина');
    const number = await fileRequest(relative, 'Ленинский');
    relative.skipAll();
    const ivan = h.person(6201, 'Иван');
    const petr = h.person(6202, 'Пётр');
    await ivan.ask('/start');
    await petr.ask('/start');

    expect((await boss.ask(`/assign ${number} @user6201`)).message.text).toBe(
      `Готово: заявка №${number} передана волонтёру — Иван (@user6201). Карточка заявки отправлена волонтёру, заявитель получит сообщение.`,
    );
    const task = await ivan.reply();
    expect(task.message.text).toContain('ул. Садовая, д. 7, кв. 12');
    // Given, not taken: the card says so.
    expect(task.message.text.split('\n')[0]).toBe(`Вам передали заявку №${number}.`);
    expect((await relative.reply()).message.text).toBe(
      `Хорошая новость: заявку №${number} взяли в работу. Волонтёр: Иван (@user6201). С вами скоро свяжутся по указанному телефону.`,
    );
    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.volunteer).toEqual({ platform: 'telegram', userId: '6201', displayName: 'Иван (@user6201)' });

    expect((await boss.ask(`/assign ${number} 6202`)).message.text).toMatch(/передана волонтёру — Пётр \(@user6202\).*Иван \(@user6201\) получит сообщение/);
    expect((await petr.reply()).message.text).toContain('ул. Садовая, д. 7, кв. 12');
    expect((await ivan.reply()).message.text).toMatch(new RegExp(`передал заявку №${number} другому волонтёру`));
    await relative.reply();

    expect((await boss.ask(`/close ${number} продукты привезли`)).message.text).toBe(
      `Готово: заявка №${number} закрыта как выполненная. Заявитель и волонтёр Пётр (@user6202) получат сообщение.`,
    );
    expect((await relative.reply()).message.text).toMatch(new RegExp(`Заявка №${number} выполнена`));
    expect((await petr.reply()).message.text).toMatch(new RegExp(`закрыл заявку №${number} как выполненную`));
    expect((await boss.ask(`/close ${number}`)).message.text).toBe(`Заявка №${number} уже выполнена, изменить её нельзя.`);
    // The group post shows the end too.
    await waitForText(HQ_CHAT_ID, new RegExp(`Заявка №${number}[\\s\\S]*выполнена`));
  });

  it('refuses to assign someone who never wrote to the bot privately', async () => {
    const request = await seed();
    // Seen only pressing a button in a group: the bot may not write to them first.
    const groupOnly = h.person(6301, 'Нина', LENINSKY_GROUP);
    const answers = h.callbackAnswers().length;
    await groupOnly.pressData({ messageId: 1, message: { chat_id: LENINSKY_GROUP.id, text: 'x' } }, 'claim:999999');
    await h.emulator.waitFor(() => h.callbackAnswers().length > answers);
    // A group press is answered first and its sighting written right after.
    await eventually(
      async () => (await h.database.db.repositories.people.find({ platform: 'telegram', userId: '6301' })) !== null,
      undefined,
      () => 'the sighting of the group press',
    );
    expect(await h.database.db.repositories.people.find({ platform: 'telegram', userId: '6301' })).toMatchObject({ username: 'user6301' });
    expect((await boss.ask(`/assign ${request.number} @user6301`)).message.text).toMatch(/^Не нахожу @user6301 среди тех, кто писал боту в личные сообщения/);
    expect((await boss.ask(`/assign ${request.number} @nobody_here`)).message.text).toMatch(/^Не нахожу @nobody_here/);
    expect((await h.database.db.repositories.requests.findByNumber(request.number))?.status).toBe('new');
  });

  it('cancels with a reason that the requester receives, and asks for one when it is missing', async () => {
    const request = await seed({ requesterId: 6401 });
    expect((await boss.ask(`/cancel ${request.number}`)).message.text).toBe(
      `Укажите причину отмены, её получит заявитель: /cancel ${request.number} <причина>`,
    );
    expect((await boss.ask(`/cancel №${request.number} помощь; уже не нужна`)).message.text).toMatch(/отменена/);
    const told = await waitForText(6401, new RegExp(`№${request.number} отменена штабом`));
    expect(told.message.text).toContain('Причина: помощь; уже не нужна.');
  });

  it("closes from the card's button after a confirmation, and tells what to type for cancel and assign", async () => {
    const request = await seed();
    const card = await boss.ask(`/request ${request.number}`);
    await boss.press(card, 'Отменить');
    expect((await boss.reply()).message.text).toBe(
      `Чтобы отменить заявку №${request.number}, отправьте: /cancel ${request.number} <причина>. Причину получит заявитель.`,
    );
    await boss.press(card, 'Назначить');
    expect((await boss.reply()).message.text).toMatch(new RegExp(`/assign ${request.number} @username`));
    await boss.press(card, 'Закрыть');
    const confirm = await boss.reply();
    expect(confirm.message.text).toMatch(/как выполненную\?/);
    expect((await h.database.db.repositories.requests.findByNumber(request.number))?.status).toBe('new');
    await boss.press(confirm, 'Да, закрыть');
    expect((await boss.reply()).message.text).toMatch(new RegExp(`заявка №${request.number} закрыта`));
    // A stranger pressing an old card's button gets an alert and changes nothing.
    const stranger = h.person(6501, 'Чужой');
    const answers = h.callbackAnswers().length;
    await stranger.pressData(card, `co:k:${request.number}`);
    const answer = await h.emulator.waitFor(() => h.callbackAnswers()[answers]);
    expect(answer.text).toMatch(/только координаторам/);
  });
});

describe('statistics and export', () => {
  it("counts the last 7 days' requests by status, district, kind and channel, with medians", async () => {
    const stats = (await boss.ask('/stats 7d')).message.text;
    expect(stats).toMatch(/^Статистика за \d\d\.\d\d\.\d{4}–\d\d\.\d\d\.\d{4}: всего заявок \d+/);
    expect(stats).toMatch(/По статусам: .*ждёт волонтёра — \d+/);
    expect(stats).toMatch(/По районам: .*Центральный — 10/);
    expect(stats).toMatch(/По каналам: Telegram — \d+/);
    expect(stats).toMatch(/Медиана времени до взятия волонтёром: .+/);
  });

  it('sends the CSV as a document: no personal data unless full, which only a private chat gets', async () => {
    const before = documents().length;
    await boss.say('/export 7d');
    const [plain] = await h.emulator.waitFor(() => (documents().length > before ? documents().slice(before) : undefined));
    expect(plain!.chat_id).toBe(String(COORDINATOR_ID));
    expect(plain!.caption).toMatch(/^Заявки за \d\d\.\d\d\.\d{4}–\d\d\.\d\d\.\d{4}: \d+\. Без персональных данных\./);
    expect(plain!.document.filename).toMatch(/^requests_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
    const text = plain!.document.content.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]!.slice(0, 4)).toEqual(['Номер', 'Создана', 'Канал', 'Район']);
    expect(rows.length).toBeGreaterThan(10);
    expect(leakedPersonalStrings(text, draft)).toEqual([]);
    expect(text).not.toContain('Садовая');

    await boss.say('/export 7d full');
    const [full] = await h.emulator.waitFor(() => (documents().length > before + 1 ? documents().slice(before + 1) : undefined));
    expect(full!.document.filename).toMatch(/^requests-full_/);
    const fullRows = parseCsv(full!.document.content.toString('utf8').slice(1));
    expect(fullRows[0]).toContain('Телефон');
    // The phone as it is dialled, no formula guard's apostrophe before it.
    expect(fullRows.flat()).toContain(spreadsheetPhone(draft.personal.phone));
    expect(spreadsheetPhone(draft.personal.phone)).toMatch(/^8 \d{3} \d{3}-\d{2}-\d{2}$/);

    const inHq = h.person(COORDINATOR_ID, 'Ольга', HQ);
    expect((await inHq.ask('/export full')).message.text).toMatch(/только в личном чате с ботом/);
    expect(documents()).toHaveLength(before + 2);
  });
});

describe('roles and districts', () => {
  it("grants the role by @username and revokes it, updating the person's command menu", async () => {
    const anna = h.person(6601, 'Анна');
    await anna.ask('/start');
    expect((await anna.ask('/open')).message.text).toMatch(/только координаторам/);
    expect((await boss.ask('/grant @user6601')).message.text).toBe('Готово: Анна (@user6601) (id 6601) теперь координатор. Бот сообщил об этом в личном чате.');
    // She is told in her private chat, through the outbox.
    expect((await anna.reply()).message.text).toMatch(/^Вам дали роль координатора штаба/);
    expect((await anna.ask('/districts')).message.text).toMatch(/^Районы и их чаты:/);
    const menu = h.emulator.callsOf('setMyCommands').find((c) => JSON.stringify(c.payload.scope).includes('6601'));
    expect(menu).toBeDefined();

    expect((await boss.ask('/revoke 6601')).message.text).toBe('Готово: Анна (@user6601) (id 6601) больше не координатор.');
    expect(h.emulator.callsOf('deleteMyCommands').some((c) => JSON.stringify(c.payload.scope).includes('6601'))).toBe(true);
    expect((await anna.ask('/open')).message.text).toMatch(/только координаторам/);
    expect(await h.database.db.connection.collection('roles').countDocuments({ userId: '6601' })).toBe(0);
  });

  it('cannot revoke a coordinator from the configuration', async () => {
    expect((await boss.ask(`/revoke ${COORDINATOR_ID}`)).message.text).toMatch(/— координатор из настроек бота \(COORDINATOR_TELEGRAM_IDS\)/);
  });

  it('lists districts with their bound chats', async () => {
    const inGroup = h.person(COORDINATOR_ID, 'Ольга', LENINSKY_GROUP);
    await inGroup.ask('/bind Ленинский');
    // Anyone in the group may ask what it is for.
    expect((await h.person(6602, 'Волонтёр', LENINSKY_GROUP).ask('/id')).message.text).toBe(
      `Этот чат подключён к району «Ленинский»: сюда приходят его новые заявки. Идентификатор этого чата: ${LENINSKY_GROUP.id}`,
    );
    const text = (await boss.ask('/districts')).message.text;
    expect(text).toContain(`Ленинский: «${LENINSKY_GROUP.title}» (Telegram)`);
    expect(text).toContain('Центральный: чата нет, заявки идут в чат штаба');
  });
});
