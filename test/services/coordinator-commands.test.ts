import { beforeEach, describe, expect, it } from 'vitest';
import { TELEGRAM_CONSOLE_LIMITS } from '../../bots/telegram/callback-data.js';
import { VK_CONSOLE_LIMITS } from '../../bots/vk/payload.js';
import type { PersonRef } from '../../src/domain/request.js';
import { createCoordinatorTexts } from '../../src/messages/coordinator-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import {
  createConsoleActionCodec,
  createCoordinatorConsole,
  decodeConsoleAction,
  encodeConsoleAction,
  parseCoordinatorCommand,
  parsePersonName,
  type CommandContext,
  type ConsoleAction,
  type ConsoleLimits,
  type ConsoleReply,
  type CoordinatorConsole,
} from '../../src/services/coordinator-commands.js';
import { createIsCoordinator } from '../../src/services/coordinators.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { createErasure } from '../../src/services/erasure.js';
import { parseCsv } from '../support/csv.js';
import {
  FakeAccessLog,
  FakeRetentionStore,
  FakeDistrictChatRepository,
  FakeOutbox,
  FakePeopleRepository,
  FakeRequestRepository,
  FakeRoleRepository,
  FakeApplicationViewLog,
  FakeVolunteerRoster,
  leakedPersonalStrings,
  makeDraft,
  RecordingLogger,
} from '../support/fakes.js';
import { catalogs, DISTRICTS, helpScenario, volunteerScenario } from '../support/scenario-fixtures.js';
import { createVettingTexts } from '../../src/messages/vetting-texts.js';
import { createVolunteerVetting } from '../../src/services/volunteer-vetting.js';
import { createVettingConsole } from '../../src/services/console/vetting-console.js';

const TZ = 'Europe/Moscow';
const requestTexts = createRequestTexts(catalogs.ru, TZ, helpScenario);
const texts = createCoordinatorTexts(catalogs.ru, requestTexts, helpScenario, TZ);
const vettingTexts = createVettingTexts(catalogs.ru, volunteerScenario, requestTexts);
const HOUR = 3_600_000;
const START = new Date('2025-03-10T06:00:00Z');

const boss: PersonRef = { platform: 'telegram', userId: '900' };
const vkBoss: PersonRef = { platform: 'vk', userId: '9900' };
const privately = (by: PersonRef = boss): CommandContext => ({
  by,
  channel: by.platform,
  place: 'private',
  canSendDocuments: by.platform === 'telegram',
  limits: by.platform === 'telegram' ? TELEGRAM_CONSOLE_LIMITS : VK_CONSOLE_LIMITS,
});
const inHq = (by: PersonRef = boss): CommandContext => ({ ...privately(by), place: 'hq' });
const draft = makeDraft({ district: 'Ленинский' });

let requests: FakeRequestRepository;
let people: FakePeopleRepository;
let roles: FakeRoleRepository;
let districtChats: FakeDistrictChatRepository;
let logger: RecordingLogger;
let changed: number[];
let roleChanges: [PersonRef, boolean][];
let consoleAccessEnded: PersonRef[];
let outbox: FakeOutbox;
let wakes: number;
let clock: Date;
let console_: CoordinatorConsole;
let accessLog: FakeAccessLog;
let roster: FakeVolunteerRoster;

beforeEach(() => {
  requests = new FakeRequestRepository();
  people = new FakePeopleRepository();
  roles = new FakeRoleRepository();
  districtChats = new FakeDistrictChatRepository();
  logger = new RecordingLogger();
  changed = [];
  roleChanges = [];
  consoleAccessEnded = [];
  outbox = new FakeOutbox();
  wakes = 0;
  clock = new Date(START.getTime() + 48 * HOUR);
  const isCoordinator = createIsCoordinator({ telegram: ['900'], vk: ['9900'] }, (p) => roles.isCoordinator(p));
  const now = () => {
    clock = new Date(clock.getTime() + 1000);
    return new Date(clock);
  };
  const lifecycle = createRequestLifecycle({ requests, isCoordinator, afterChange: async (r) => changed.push(r.number), logger, now });
  const erasure = createErasure({
    store: new FakeRetentionStore(requests, people),
    requests,
    lifecycle,
    conversations: { delete: async () => undefined },
    cancelJobsOf: async () => undefined,
    logger,
    now,
  });
  accessLog = new FakeAccessLog();
  roster = new FakeVolunteerRoster();
  const vetting = createVolunteerVetting({
    roster,
    views: new FakeApplicationViewLog(),
    isCoordinator,
    outbox,
    wake: () => undefined,
    headquartersChats: [{ platform: 'telegram', chatId: '-100' }],
    requireApproval: true,
    decisionText: vettingTexts.decision,
    logger,
    now,
  });
  console_ = createCoordinatorConsole({
    requests,
    accessLog,
    people,
    roles,
    districtChats,
    lifecycle,
    erase: (number, channel) => erasure.eraseRequest(number, channel),
    isCoordinator,
    configuredCoordinators: { telegram: ['900'], vk: ['9900'], max: [] },
    districts: DISTRICTS,
    texts,
    timeZone: TZ,
    overdueAfterMs: 2 * HOUR,
    roleChanged: async (person, on) => {
      roleChanges.push([person, on]);
    },
    endConsoleAccess: async (person) => void consoleAccessEnded.push(person),
    vettingConsole: createVettingConsole({ vetting, texts: vettingTexts, districts: DISTRICTS }),
    outbox,
    wake: () => {
      wakes++;
    },
    logger,
    now,
  });
});

/** Files `count` requests an hour apart, oldest first. */
async function file(count: number, overrides: Parameters<typeof makeDraft>[0] = {}, startAt = START) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(
      await requests.create({
        draft: makeDraft({ district: 'Ленинский', ...overrides }),
        channel: 'telegram',
        requester: { platform: 'telegram', userId: `10${i}`, chatId: `10${i}` },
        at: new Date(startAt.getTime() + i * HOUR),
      }),
    );
  }
  return out;
}

async function say(ctx: CommandContext, text: string): Promise<ConsoleReply | null> {
  const [, name, args] = /^\/(\w+)\s*([\s\S]*)$/.exec(text)!;
  return console_.command(ctx, name as never, args!);
}

async function sayText(ctx: CommandContext, text: string): Promise<string> {
  const reply = await say(ctx, text);
  if (!reply) throw new Error(`${text} was not answered`);
  return reply.text;
}

const labels = (reply: ConsoleReply | null) => reply?.buttons?.flat().map((b) => b.label) ?? [];
const actionOf = (reply: ConsoleReply | null, label: string): ConsoleAction => reply!.buttons!.flat().find((b) => b.label.includes(label))!.action;

async function seeVolunteer(userId: string, username: string | undefined, displayName: string, opts: { privately: boolean }) {
  await people.record({ person: { platform: 'telegram', userId }, ...(username ? { username } : {}), displayName, privately: opts.privately, at: START });
}

describe('reading commands', () => {
  it('reads numbers in the forms people type them, and what follows', () => {
    expect(parseCoordinatorCommand('request', '17')).toEqual({ ok: true, command: { name: 'request', number: 17 } });
    expect(parseCoordinatorCommand('request', '№17')).toEqual({ ok: true, command: { name: 'request', number: 17 } });
    expect(parseCoordinatorCommand('request', '#17')).toEqual({ ok: true, command: { name: 'request', number: 17 } });
    expect(parseCoordinatorCommand('close', '№ 17 привезли; всё хорошо')).toEqual({
      ok: true,
      command: { name: 'close', number: 17, comment: 'привезли; всё хорошо' },
    });
    expect(parseCoordinatorCommand('cancel', '17')).toEqual({ ok: true, command: { name: 'cancel', number: 17 } });
    expect(parseCoordinatorCommand('assign', '17 @Ivan_P')).toEqual({
      ok: true,
      command: { name: 'assign', number: 17, volunteer: { kind: 'username', username: 'Ivan_P' } },
    });
    expect(parseCoordinatorCommand('assign', '17 501')).toEqual({
      ok: true,
      command: { name: 'assign', number: 17, volunteer: { kind: 'id', userId: '501' } },
    });
    expect(parseCoordinatorCommand('export', 'week full')).toEqual({ ok: true, command: { name: 'export', period: 'week', full: true } });
    expect(parseCoordinatorCommand('export', 'полный 2025-03-01..2025-03-07')).toEqual({
      ok: true,
      command: { name: 'export', period: '2025-03-01..2025-03-07', full: true },
    });
    expect(parseCoordinatorCommand('open', ' лен ')).toEqual({ ok: true, command: { name: 'open', district: 'лен' } });
  });

  it('asks for the right syntax when a command is malformed', () => {
    for (const [name, args] of [
      ['request', ''],
      ['request', 'abc'],
      ['request', '17 18'],
      ['request', '0'],
      ['assign', '17'],
      ['assign', 'ivan 17'],
      ['close', ''],
      ['cancel', 'завтра'],
      ['grant', ''],
      ['revoke', 'a b c'],
    ] as const) {
      expect(parseCoordinatorCommand(name, args)).toEqual({ ok: false, usage: name });
    }
  });

  it('names people by id, id-prefixed id, profile link or @username', () => {
    expect(parsePersonName('123456')).toEqual({ kind: 'id', userId: '123456' });
    expect(parsePersonName('id123456')).toEqual({ kind: 'id', userId: '123456' });
    expect(parsePersonName('https://vk.com/id77')).toEqual({ kind: 'id', userId: '77' });
    expect(parsePersonName('t.me/ivan_p')).toEqual({ kind: 'username', username: 'ivan_p' });
    expect(parsePersonName('@ivan')).toEqual({ kind: 'username', username: 'ivan' });
    expect(parsePersonName('@и')).toBeNull();
    expect(parsePersonName('')).toBeNull();
  });

  it('encodes every button action into a short payload and reads it back; forged payloads give null', () => {
    const actions: ConsoleAction[] = [
      { type: 'page', list: 'open', page: 3 },
      { type: 'page', list: 'open', district: 2, page: 0 },
      { type: 'page', list: 'overdue', page: 1 },
      { type: 'card', number: 17 },
      { type: 'close', number: 17 },
      { type: 'closeConfirmed', number: 999999999 },
      { type: 'cancel', number: 1 },
      { type: 'assign', number: 2 },
      { type: 'eraseConfirmed', number: 17 },
    ];
    for (const action of actions) {
      const data = encodeConsoleAction(action);
      expect(`co:${data}`.length).toBeLessThanOrEqual(64);
      expect(decodeConsoleAction(data)).toEqual(action);
    }
    for (const forged of ['', 'c', 'c:0', 'c:-1', 'c:017', 'c:1:2', 'z:1', 'p:o:-', 'p:x:-:1', 'p:o:a:1', 'p:o:-:-1', 'c:1e3'])
      expect(decodeConsoleAction(forged)).toBeNull();
  });
});

describe("the rendering platform's limits", () => {
  it('sizes the codec to the payload the platform carries: a forged longer payload reads as stale, an action too long to carry throws', async () => {
    const tiny = createConsoleActionCodec({ actionBytes: 6 });
    expect(tiny.encode({ type: 'card', number: 17 })).toBe('c:17');
    expect(() => tiny.encode({ type: 'card', number: 123456 })).toThrow(RangeError);
    expect(tiny.decode('c:17')).toEqual({ type: 'card', number: 17 });
    expect(tiny.decode('c:123456')).toBeNull();
    await file(1);
    const narrow: CommandContext = { ...privately(), limits: { ...TELEGRAM_CONSOLE_LIMITS, actionBytes: 3 } };
    expect((await console_.press(narrow, 'c:1')).text).toMatch(/Заявка №1/);
    expect((await console_.press(narrow, 'c:10')).text).toMatch(/кнопка устарела/);
  });

  it('pages lists by the buttons a message may carry, keeping a row for the page buttons', async () => {
    await file(10);
    const small: ConsoleLimits = { buttonsPerMessage: 6, buttonsPerRow: 3, actionBytes: 64 };
    const ctx: CommandContext = { ...privately(), limits: small };
    const first = await say(ctx, '/open');
    expect(first!.text.split('\n')[0]).toBe('Открытые заявки: 10 (стр. 1 из 3)');
    expect(first!.buttons!.map((row) => row.map((b) => b.label))).toEqual([['№10', '№9', '№8'], ['№7'], ['Дальше ▶️']]);
    const second = await console_.press(ctx, encodeConsoleAction(actionOf(first, 'Дальше')));
    expect(labels(second)).toEqual(['№6', '№5', '№4', '№3', '◀️ Назад', 'Дальше ▶️']);
    // However many buttons a platform allows, a page lists at most eight.
    const roomy = await say({ ...privately(), limits: { buttonsPerMessage: 100, buttonsPerRow: 8, actionBytes: 64 } }, '/open');
    expect(roomy!.buttons!.map((row) => row.length)).toEqual([4, 4, 1]);
  });
});

describe('who may use the commands, and where', () => {
  it('refuses someone who is no coordinator', async () => {
    expect(await sayText(privately({ platform: 'telegram', userId: '501' }), '/open')).toMatch(/только координаторам/);
  });

  it('leaves a bare /cancel to the questionnaire, for coordinators too, and /cancel 17 of anyone else too', async () => {
    expect(await say(privately(), '/cancel')).toBeNull();
    expect(await say(privately(), '/cancel   ')).toBeNull();
    expect(await say(privately({ platform: 'telegram', userId: '501' }), '/cancel 17 передумал')).toBeNull();
    await file(1);
    expect(await sayText(privately(), '/cancel 1 помощь не нужна')).toMatch(/заявка №1 отменена/);
  });

  it('runs coordinator commands in a private chat and the HQ chat only', async () => {
    expect(await sayText({ ...privately(), place: 'group' }, '/open')).toMatch(/в личном чате с ботом и в чате штаба/);
    expect(await sayText(inHq(), '/open')).toBe('Открытых заявок нет.');
  });

  it('lists the commands on /help, each with its syntax', async () => {
    const help = await sayText(privately(), '/help');
    for (const command of ['/open', '/overdue', '/request', '/assign', '/close', '/cancel', '/stats', '/export', '/districts', '/grant', '/revoke'])
      expect(help).toContain(command);
  });

  it("lists on a coordinator's /help every command they may use, the group's and the web console's too, in one message", async () => {
    for (const ctx of [privately(), inHq(), privately(vkBoss)]) {
      const help = await sayText(ctx, '/help');
      for (const command of ['/bind <район>', '/unbind', '/console', '/id', '/start', '/my', '/tasks', '/forget', '/erase']) expect(help).toContain(command);
      expect(help.length).toBeLessThan(4096);
    }
  });

  it("explains a volunteer's commands on their /help, and only theirs", async () => {
    const volunteer = { platform: 'telegram' as const, userId: '501' };
    const help = await sayText(privately(volunteer), '/help');
    for (const command of ['/start', '/my', '/tasks', '/reply', '/cancel', '/forget', '/id', '/console', 'Взять заявку']) expect(help).toContain(command);
    expect(help).toMatch(/\/tasks — заявки, которые вы взяли/);
    for (const command of ['/open', '/assign', '/grant', '/bind', '/unbind', '/export']) expect(help).not.toContain(command);
    // In a volunteers' group: what the group offers, nothing of the private chat.
    const inGroup = await sayText({ ...privately(volunteer), place: 'group' }, '/help');
    expect(inGroup).toContain('Взять заявку');
    expect(inGroup).toContain('/id');
    expect(inGroup).not.toContain('/forget');
    expect(inGroup).not.toContain('/bind');
  });

  it('answers a granted coordinator as one, and on VK too', async () => {
    await roles.grant({ platform: 'telegram', userId: '501' }, boss, START);
    expect(await sayText(privately({ platform: 'telegram', userId: '501' }), '/open')).toBe('Открытых заявок нет.');
    expect(await sayText(privately(vkBoss), '/open')).toBe('Открытых заявок нет.');
  });
});

describe('/open and /overdue', () => {
  it('lists open requests newest first, eight a page, with a button per request and page buttons', async () => {
    await file(19);
    const first = await say(privately(), '/open');
    expect(first!.text.split('\n')[0]).toBe('Открытые заявки: 19 (стр. 1 из 3)');
    expect(first!.text).toMatch(/№19 · \d\d\.\d\d\.\d{4}, \d\d:\d\d · Ленинский · Доставка лекарств · ждёт волонтёра/);
    expect(labels(first)).toEqual(['№19', '№18', '№17', '№16', '№15', '№14', '№13', '№12', 'Дальше ▶️']);

    const second = await console_.press(privately(), encodeConsoleAction(actionOf(first, 'Дальше')));
    expect(second.edit).toBe(true);
    expect(labels(second)).toEqual(['№11', '№10', '№9', '№8', '№7', '№6', '№5', '№4', '◀️ Назад', 'Дальше ▶️']);
    const third = await console_.press(privately(), encodeConsoleAction(actionOf(second, 'Дальше')));
    expect(labels(third)).toEqual(['№3', '№2', '№1', '◀️ Назад']);
    expect(third.text.split('\n')[0]).toBe('Открытые заявки: 19 (стр. 3 из 3)');
  });

  it('shows the last page there is when the one asked for has emptied meanwhile', async () => {
    await file(9);
    const lastPage = await console_.press(privately(), encodeConsoleAction({ type: 'page', list: 'open', page: 5 }));
    expect(labels(lastPage)).toEqual(['№1', '◀️ Назад']);
  });

  it('lists one district by a unique beginning of its name, and keeps it when turning pages', async () => {
    await file(10);
    await file(2, { district: 'Центральный' });
    const central = await say(privately(), '/open центр');
    expect(central!.text.split('\n')[0]).toBe('Открытые заявки района «Центральный»: 2');
    expect(labels(central)).toEqual(['№12', '№11']);
    const leninsky = await say(privately(), '/open Ленинский');
    const next = actionOf(leninsky, 'Дальше');
    expect(next).toEqual({ type: 'page', list: 'open', district: DISTRICTS.indexOf('Ленинский'), page: 1 });
    expect(labels(await console_.press(privately(), encodeConsoleAction(next)))).toEqual(['№2', '№1', '◀️ Назад']);
    expect(await sayText(privately(), '/open Марсианский')).toBe(`Район «Марсианский» не найден. Районы: ${DISTRICTS.join(', ')}`);
    expect(await sayText(privately(), '/open Октябрьский')).toBe('В районе «Октябрьский» открытых заявок нет.');
  });

  it('lists as overdue only requests still waiting for a volunteer longer than the limit', async () => {
    // Clock: START + 48 h. Requests at START, +1 h … +3 h are overdue; one at +47 h is not.
    const [a, b, c] = await file(3);
    await file(1, {}, new Date(START.getTime() + 47 * HOUR));
    await requests.claim(b!.number, { platform: 'telegram', userId: '501', displayName: 'Анна' }, new Date(START.getTime() + 2 * HOUR));
    const overdue = await say(privately(), '/overdue');
    expect(overdue!.text.split('\n')[0]).toBe('Ждут волонтёра дольше, чем 2 ч: 2');
    expect(labels(overdue)).toEqual([`№${c!.number}`, `№${a!.number}`]);
    const open = await say(privately(), '/open');
    expect(open!.text).toMatch(/№2 · .* · в работе у волонтёра: Анна/);
  });

  it('says when nothing is overdue', async () => {
    expect(await sayText(privately(), '/overdue')).toBe('Заявок, которые ждут волонтёра дольше, чем 2 ч, нет.');
  });
});

describe('the request card', () => {
  it('shows everything with the history in a private chat, and nothing personal in the HQ chat', async () => {
    const [request] = await file(1);
    await seeVolunteer('501', 'ivan', 'Иван (@ivan)', { privately: true });
    await people.record({ person: boss, displayName: 'Ольга Координатор', privately: true, at: START });
    await say(privately(), '/assign 1 @ivan');
    await say(privately(), '/cancel 1 Зинаида Петровна уехала к дочери');

    const card = await say(privately(), '/request 1');
    expect(card!.text).toMatch(
      /^Заявка №1: отменена\nРайон: Ленинский\nКому: Пенсионеру, 82 года\nНужно: Доставка лекарств\nРецепт: .+\nСоздана: .+ \(Telegram\)/,
    );
    expect(card!.text).toContain(`Имя: ${draft.personal.name}`);
    expect(card!.text).toContain(`Телефон: ${draft.personal.phone}`);
    expect(card!.text).toMatch(/— заявка создана \(Telegram\)/);
    expect(card!.text).toMatch(/— Ольга Координатор: заявка передана волонтёру — Иван \(@ivan\) \(Telegram\)/);
    expect(card!.text).toMatch(/— Ольга Координатор: заявка отменена \(Telegram\)\n {4}«Зинаида Петровна уехала к дочери»/);
    // Closed: nothing left to press.
    expect(card!.buttons).toBeUndefined();

    const hq = await say(inHq(), `/request ${request!.number}`);
    expect(leakedPersonalStrings(hq!.text, draft)).toEqual([]);
    expect(hq!.text).not.toContain('уехала');
    expect(hq!.text).toContain('(есть комментарий — в личном чате с ботом)');
    expect(hq!.text).toContain('в чате штаба не показываются');
  });

  it('offers close, cancel and assign on an open request; close asks first, the others say what to type', async () => {
    await file(1);
    const card = await say(privately(), '/request №1');
    expect(labels(card)).toEqual(['✅ Закрыть', '🚫 Отменить', '👤 Назначить']);

    const ask = await console_.press(privately(), encodeConsoleAction(actionOf(card, 'Закрыть')));
    expect(ask.text).toMatch(/Закрыть заявку №1 как выполненную\?/);
    expect((await requests.findByNumber(1))?.status).toBe('new');
    const closed = await console_.press(privately(), encodeConsoleAction(actionOf(ask, 'Да, закрыть №1')));
    expect(closed.text).toBe('Готово: заявка №1 закрыта как выполненная. Заявитель получит сообщение.');
    expect((await requests.findByNumber(1))?.status).toBe('done');
    expect(changed).toEqual([1]);

    expect((await console_.press(privately(), encodeConsoleAction({ type: 'cancel', number: 1 }))).text).toBe(
      'Чтобы отменить заявку №1, отправьте: /cancel 1 <причина>. Причину получит заявитель.',
    );
    expect((await console_.press(privately(), encodeConsoleAction({ type: 'assign', number: 1 }))).text).toMatch(/\/assign 1 @username или \/assign 1 <id>/);
  });

  it('answers an unknown number, a forged button and a button pressed by someone who is no coordinator', async () => {
    expect(await sayText(privately(), '/request 404')).toBe('Заявки №404 нет. Проверьте номер: /open покажет открытые заявки.');
    expect((await console_.press(privately(), 'c:0')).text).toMatch(/кнопка устарела/);
    expect((await console_.press(privately(), encodeConsoleAction({ type: 'page', list: 'open', district: 99, page: 0 }))).text).toMatch(/кнопка устарела/);
    await file(1);
    expect((await console_.press(privately({ platform: 'telegram', userId: '501' }), encodeConsoleAction({ type: 'closeConfirmed', number: 1 }))).text).toMatch(
      /только координаторам/,
    );
    expect((await requests.findByNumber(1))?.status).toBe('new');
  });
});

describe('/assign, /close, /cancel', () => {
  it('assigns to a volunteer named by @username who has written privately, with their public name', async () => {
    await file(1);
    await seeVolunteer('501', 'Ivan', 'Иван Петров (@Ivan)', { privately: true });
    expect(await sayText(privately(), '/assign 1 @ivan')).toBe(
      'Готово: заявка №1 передана волонтёру — Иван Петров (@Ivan). Карточка заявки отправлена волонтёру, заявитель получит сообщение.',
    );
    const stored = await requests.findByNumber(1);
    expect(stored?.status).toBe('claimed');
    expect(stored?.volunteer).toEqual({ platform: 'telegram', userId: '501', displayName: 'Иван Петров (@Ivan)' });
    expect(await sayText(privately(), '/assign 1 501')).toBe('Заявка №1 уже у этого волонтёра, ничего менять не нужно.');

    await seeVolunteer('502', undefined, 'Пётр', { privately: true });
    expect(await sayText(privately(), '/assign 1 502')).toMatch(/передана волонтёру — Пётр.*Иван Петров \(@Ivan\) получит сообщение, что ехать не нужно/);
  });

  it('refuses a volunteer the bot cannot write to, before anything changes', async () => {
    await file(1);
    await seeVolunteer('503', 'group_only', 'Нина', { privately: false });
    expect(await sayText(privately(), '/assign 1 @group_only')).toMatch(/^Не нахожу @group_only среди тех, кто писал боту в личные сообщения/);
    expect(await sayText(privately(), '/assign 1 @nobody')).toMatch(/^Не нахожу @nobody/);
    expect(await sayText(privately(), '/assign 1 777')).toMatch(/^Не нахожу id 777/);
    expect(await sayText(privately(vkBoss), '/assign 1 @ivan')).toMatch(/укажите человека числовым id/);
    expect((await requests.findByNumber(1))?.status).toBe('new');
    expect(changed).toEqual([]);
  });

  it('assigns a VK volunteer by VK id from a VK coordinator', async () => {
    await file(1);
    await people.record({ person: { platform: 'vk', userId: '7001' }, displayName: 'Олег Тестов', privately: true, at: START });
    expect(await sayText(privately(vkBoss), '/assign 1 id7001')).toMatch(/передана волонтёру — Олег Тестов/);
    expect((await requests.findByNumber(1))?.volunteer).toEqual({ platform: 'vk', userId: '7001', displayName: 'Олег Тестов' });
  });

  it('closes with a comment, and refuses a second close politely', async () => {
    await file(1);
    await requests.claim(1, { platform: 'telegram', userId: '501', displayName: 'Анна' }, START);
    expect(await sayText(privately(), '/close 1 отвезли лекарства')).toBe(
      'Готово: заявка №1 закрыта как выполненная. Заявитель и волонтёр Анна получат сообщение.',
    );
    expect((await requests.findByNumber(1))?.history.at(-1)).toMatchObject({ type: 'done', comment: 'отвезли лекарства', actor: boss });
    expect(await sayText(privately(), '/close 1')).toBe('Заявка №1 уже выполнена, изменить её нельзя.');
    expect(await sayText(privately(), '/cancel 1 ошибка')).toBe('Заявка №1 уже выполнена, изменить её нельзя.');
  });

  it('wants a reason to cancel, and says how to give it', async () => {
    await file(1);
    expect(await sayText(privately(), '/cancel 1')).toBe('Укажите причину отмены, её получит заявитель: /cancel 1 <причина>');
    expect(await sayText(privately(), '/cancel 1 дубль заявки №2')).toBe('Готово: заявка №1 отменена. Заявитель получит сообщение с причиной.');
    expect(await sayText(privately(), '/cancel 1 ещё раз')).toBe('Заявка №1 уже отменена, изменить её нельзя.');
    expect(await sayText(privately(), '/cancel 404 нет такой')).toBe('Заявки №404 нет. Проверьте номер: /open покажет открытые заявки.');
  });

  it("erases a closed request's personal data after asking once, refuses an open one, and logs the number only", async () => {
    await file(2);
    expect(await sayText(privately(), '/erase 1')).toMatch(/^Заявка №1 ещё открыта: сначала закройте или отмените её/);
    await say(privately(), '/close 1 Антонина Петровна довольна');
    const asked = (await say(privately(), '/erase 1'))!;
    expect(asked.text).toMatch(/^Стереть персональные данные заявки №1\?/);
    expect((await requests.findByNumber(1))!.personal.name).toBe(draft.personal.name);
    const button = asked.buttons![0]![0];
    expect(button!.label).toBe('🗑 Да, стереть данные №1');
    // Someone who is no coordinator cannot press it.
    expect((await console_.press({ ...privately(), by: { platform: 'telegram', userId: '12345' } }, encodeConsoleAction(button!.action))).text).toMatch(
      /только координаторам/,
    );
    expect((await console_.press(privately(), encodeConsoleAction(button!.action))).text).toBe('Готово: персональные данные заявки №1 стёрты.');
    const erased = (await requests.findByNumber(1))!;
    expect(erased).toMatchObject({
      personal: { name: '', address: '', phone: '', description: '' },
      extra: {},
      ageBand: '80+',
      personalErasedAt: expect.any(Date),
    });
    expect(erased.requester).toBeUndefined();
    expect(erased.age).toBeUndefined();
    expect(erased.history.some((e) => e.comment)).toBe(false);
    expect(await sayText(privately(), '/erase 1')).toBe('Персональные данные заявки №1 уже стёрты.');
    expect(await sayText(privately(), '/erase 404')).toMatch(/^Заявки №404 нет/);
    expect(await sayText(privately(), '/erase')).toMatch(/^\/erase <номер>/);
    expect(logger.at('info').find((e) => e.msg?.includes('erased'))?.obj).toEqual({ request: 1, via: 'telegram' });
    expect(leakedPersonalStrings(logger.serialized(), draft)).toEqual([]);
  });

  it('shows the syntax for malformed commands', async () => {
    expect(await sayText(privately(), '/assign 17')).toMatch(/^\/assign <номер> @username/);
    expect(await sayText(privately(), '/request')).toMatch(/^\/request <номер>/);
    expect(await sayText(privately(), '/close')).toMatch(/^\/close <номер> \[комментарий\]/);
    expect(await sayText(privately(), '/cancel причина без номера')).toMatch(/^\/cancel <номер> <причина>/);
  });

  it('logs no personal data while doing all this', async () => {
    await file(1);
    await seeVolunteer('501', 'ivan', 'Иван', { privately: true });
    await say(privately(), '/request 1');
    await say(privately(), '/assign 1 @ivan');
    await say(privately(), '/export today full');
    await say(privately(), '/close 1 Антонина Петровна довольна');
    expect(leakedPersonalStrings(logger.serialized(), draft)).toEqual([]);
    expect(logger.serialized()).not.toContain('довольна');
  });
});

describe('/stats and /export', () => {
  it('counts a period and gives the medians', async () => {
    // Clock is 2025-03-12 ~09:00 Moscow; requests of 2025-03-10.
    await file(3);
    await requests.claim(1, { platform: 'telegram', userId: '501', displayName: 'Анна' }, new Date(START.getTime() + 30 * 60_000));
    await say(privately(), '/close 1');
    const stats = await sayText(privately(), '/stats 2025-03-10');
    expect(stats).toMatch(/^Статистика за 10\.03\.2025: всего заявок 3/);
    expect(stats).toContain('По статусам: ждёт волонтёра — 2, выполнена — 1');
    expect(stats).toContain('По районам: Ленинский — 3');
    expect(stats).toContain('По видам помощи: Доставка лекарств — 3');
    expect(stats).toContain('По каналам: Telegram — 3');
    expect(stats).toContain('Медиана времени до взятия волонтёром: 30 мин (по 1 заявке)');
    expect(stats).toMatch(/Медиана времени до выполнения: 2 дня \(по 1 заявке\)/);
    expect(await sayText(privately(), '/stats today')).toMatch(/^За \d\d\.\d\d\.\d{4} заявок не было\.$/);
    expect(await sayText(privately(), '/stats 7d')).toMatch(/^Статистика за 06\.03\.2025–12\.03\.2025: всего заявок 3/);
  });

  it('explains a period it cannot read, with the syntax', async () => {
    expect(await sayText(privately(), '/stats fortnight')).toMatch(/^Не понял период «fortnight»\.\n\n\/stats \[период\]/);
    expect(await sayText(privately(), '/stats 2025-03-07..2025-03-01')).toMatch(/начало позже конца/);
    expect(await sayText(privately(), '/export 2025-02-30 full')).toMatch(/несуществующая дата[\s\S]*\/export \[период\]/);
  });

  it('exports a CSV document, personal data only on request in a private chat', async () => {
    await file(2);
    const plain = await say(privately(), '/export 2025-03-10');
    expect(plain!.document?.fileName).toBe('requests_2025-03-10_2025-03-10.csv');
    expect(plain!.text).toBe('Заявки за 10.03.2025: 2. Без персональных данных.');
    expect(leakedPersonalStrings(plain!.document!.content, draft)).toEqual([]);
    expect(parseCsv(plain!.document!.content.slice(1))).toHaveLength(3);

    const full = await say(privately(), '/export 2025-03-10 full');
    expect(full!.document?.fileName).toBe('requests-full_2025-03-10_2025-03-10.csv');
    expect(full!.document!.content).toContain(draft.personal.address);

    expect(await sayText(inHq(), '/export full')).toMatch(/только в личном чате с ботом/);
    expect((await say(inHq(), '/export'))!.document).toBeDefined();
    expect(await sayText(privately(vkBoss), '/export')).toMatch(/только в Telegram-боте/);
  });
});

describe('/grant, /revoke, /districts', () => {
  it('grants and revokes the role by id or @username, and tells the platform', async () => {
    const anna = { platform: 'telegram' as const, userId: '501' };
    await seeVolunteer('501', 'anna', 'Анна (@anna)', { privately: true });
    expect(await sayText(privately(), '/grant @anna')).toBe('Готово: Анна (@anna) (id 501) теперь координатор. Бот сообщил об этом в личном чате.');
    expect(await roles.isCoordinator(anna)).toBe(true);
    expect(await sayText(privately(), '/grant 501')).toBe('Анна (@anna) (id 501) уже координатор.');
    expect(await sayText(privately(anna), '/open')).toBe('Открытых заявок нет.');
    expect(await sayText(privately(), '/revoke 501')).toBe('Готово: Анна (@anna) (id 501) больше не координатор.');
    expect(await sayText(privately(), '/revoke 501')).toBe('Анна (@anna) (id 501) не координатор, снимать нечего.');
    expect(roleChanges).toEqual([
      [anna, true],
      [anna, false],
    ]);
    // Her console sessions end with the role (once: the second /revoke changed nothing).
    expect(consoleAccessEnded).toEqual([anna]);
    expect(await sayText(privately(anna), '/open')).toMatch(/только координаторам/);
  });

  it('grants to an id the bot has not seen yet, but not to an unknown @username', async () => {
    expect(await sayText(privately(), '/grant 123456')).toBe(
      'Готово: id 123456 теперь координатор. Сообщить об этом бот не может: этот человек ещё не писал боту в личный чат. Попросите написать боту /start, а затем /help.',
    );
    // A bot may not write first: nothing is queued that would only fail.
    expect(outbox.records.size).toBe(0);
    expect(await sayText(privately(), '/grant @stranger')).toMatch(/^Не знаю @stranger/);
  });

  it('tells the person who got the role, through the outbox, once per grant', async () => {
    await seeVolunteer('501', 'anna', 'Анна (@anna)', { privately: true });
    await say(privately(), '/grant @anna');
    await say(privately(), '/grant 501');
    const sent = [...outbox.records.values()].map((r) => r.message);
    expect(sent).toEqual([
      {
        kind: 'text',
        platform: 'telegram',
        chatId: '501',
        text: 'Вам дали роль координатора штаба. Команды координатора — /help, ссылка для входа в веб-консоль — /console.',
      },
    ]);
    expect(wakes).toBe(1);
    // Granted again after a revocation: told again.
    await say(privately(), '/revoke 501');
    await say(privately(), '/grant 501');
    expect(outbox.records.size).toBe(2);
  });

  it('cannot revoke a coordinator from the configuration, and says so politely', async () => {
    expect(await sayText(privately(), '/revoke 900')).toMatch(/^id 900 — координатор из настроек бота \(COORDINATOR_TELEGRAM_IDS\)/);
    expect(await sayText(privately(vkBoss), '/revoke 9900')).toMatch(/COORDINATOR_VK_IDS/);
    expect(await sayText(privately(), '/grant 900')).toMatch(/координатор из настроек бота/);
    expect(roleChanges).toEqual([]);
  });

  it('lists the districts with their chats', async () => {
    await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-1001' });
    await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000001' });
    await districtChats.bind({ district: 'Старый', platform: 'telegram', chatId: '-1002' });
    expect(await sayText(privately(), '/districts')).toBe(
      [
        'Районы и их чаты:',
        'Центральный: чата нет, заявки идут в чат штаба',
        'Ленинский: Telegram -1001 — заявок туда ещё не было; VK 2000000001 — заявок туда ещё не было',
        'Октябрьский: чата нет, заявки идут в чат штаба',
        'Заельцовский: чата нет, заявки идут в чат штаба',
        'Старый (района нет в настройках): Telegram -1002 — заявок туда ещё не было',
      ].join('\n'),
    );
  });

  it('names a group by its title where /bind learnt it, by its id where not', async () => {
    await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-1001', title: 'Волонтёры Ленинского' });
    await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000001' });
    const text = await sayText(privately(), '/districts');
    expect(text).toContain('Ленинский: «Волонтёры Ленинского» (Telegram) — заявок туда ещё не было; VK 2000000001');
    expect(text).not.toContain('-1001');
  });

  it('shows how each chat is doing: its last post, or since when the bot cannot write there and how to mend it', async () => {
    await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-1001', title: 'Волонтёры Ленинского' });
    await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000001' });
    await districtChats.notePost('vk', '2000000001', new Date('2026-03-02T07:15:00Z'));
    await districtChats.markBroken('telegram', '-1001', 'removed', new Date('2026-03-02T08:40:00Z'));
    const text = await sayText(privately(), '/districts');
    expect(text).toContain(
      'Ленинский: «Волонтёры Ленинского» (Telegram) — ⚠️ не работает с 02.03.2026, 11:40: бота удалили из чата; заявки района идут в другие его чаты или в чат штаба. Добавьте бота и отправьте там /bind Ленинский; VK 2000000001 — последняя заявка 02.03.2026, 10:15',
    );
  });
});
