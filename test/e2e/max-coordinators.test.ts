import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { leakedPersonalStrings, makeDraft } from '../support/fakes.js';
import { MAX_COORDINATOR_ID, SystemHarness } from '../support/harness.js';
import type { MaxSentMessage } from '../support/max-api-fake.js';
import type { MaxPerson } from '../support/max-person.js';

const HQ_CHAT = -70000000099;
const GROUP = -70000000031;
const draft = makeDraft({ district: 'Ленинский' });

let h: SystemHarness;
let boss: MaxPerson;
let nextRequester = 8800;

beforeAll(async () => {
  h = await SystemHarness.start({ HQ_MAX_CHAT_ID: String(HQ_CHAT) }, { max: true });
  h.max.addChat({ chatId: HQ_CHAT, title: 'Штаб в MAX' });
  h.max.addChat({ chatId: GROUP, title: 'Волонтёры в MAX' });
  boss = h.maxPerson(MAX_COORDINATOR_ID, 'Ольга');
});
afterAll(async () => {
  await h?.stop();
});

/** A MAX requester's request stored straight into the database, its messages marked as sent; the requester is someone MAX knows. */
async function seed(options: { district?: string; minutesAgo?: number; requesterId?: number } = {}): Promise<HelpRequest> {
  const repo = h.database.db.repositories.requests;
  const userId = options.requesterId ?? nextRequester++;
  h.max.addUser({ id: userId, firstName: 'Заявитель' });
  const id = String(userId);
  const request = await repo.create({
    draft: makeDraft({ district: options.district ?? 'Ленинский' }),
    channel: 'max',
    requester: { platform: 'max', userId: id, chatId: id },
    at: new Date(Date.now() - (options.minutesAgo ?? 0) * 60_000),
  });
  await repo.clearEffectsMark(request.number, request.history.length);
  return request;
}

const labels = (m: MaxSentMessage | undefined) => m?.keyboard?.flat().map((b) => b.text) ?? [];
/** The answer to the press made after `before` answers, once it is there. */
const answerAfter = (before: number, what: string) => h.max.waitFor(() => h.max.callbackAnswers()[before], undefined, what);
const linkIn = (text: string) => /(http:\/\/\S+\/console\/login\?token=[\w-]+)/.exec(text)?.[1];

describe('coordinator commands in MAX', () => {
  it('lists open requests with callback buttons, turns a page in place and opens a card', async () => {
    const seeded = [];
    for (let i = 0; i < 10; i++) seeded.push(await seed({ district: 'Центральный', minutesAgo: 60 - i }));
    const list = await boss.ask('/open центр');
    expect(list.text.split('\n')[0]).toBe('Открытые заявки района «Центральный»: 10 (стр. 1 из 2)');
    expect(list.keyboard?.flat().every((b) => b.type === 'callback')).toBe(true);
    expect(labels(list)).toEqual([
      ...seeded
        .slice(2)
        .reverse()
        .map((r) => `№${r.number}`),
      'Дальше ▶️',
    ]);

    const answersBefore = h.max.callbackAnswers().length;
    const sentBefore = boss.messages().length;
    boss.press(list, 'Дальше');
    // The page comes as the answer to the press, in place of the list: no new message.
    const answer = await answerAfter(answersBefore, 'the answer to «Дальше»');
    expect(answer.message).toBeDefined();
    const turned = h.max.message(list.mid)!;
    expect(turned.edits).toBe(1);
    expect(turned.text).toContain('стр. 2 из 2');
    expect(labels(turned)).toEqual([`№${seeded[1]!.number}`, `№${seeded[0]!.number}`, '◀️ Назад']);
    expect(boss.messages()).toHaveLength(sentBefore);

    boss.press(turned, `№${seeded[0]!.number}`);
    const card = await boss.reply();
    expect(card.text).toMatch(new RegExp(`^Заявка №${seeded[0]!.number}: ждёт волонтёра\\nРайон: Центральный`));
    expect(card.text).toContain(`Телефон: ${draft.personal.phone}`);
    expect(card.text).toMatch(/— заявка создана \(MAX\)/);
    expect(labels(card)).toEqual(['✅ Закрыть', '🚫 Отменить', '👤 Назначить']);
    expect(card.keyboard?.flat().every((b) => b.type === 'callback')).toBe(true);
  });

  it('shows /request in the HQ chat without personal data', async () => {
    const request = await seed();
    const inHq = h.maxPerson(MAX_COORDINATOR_ID, 'Ольга', HQ_CHAT);
    const card = await inHq.ask(`@help_bot /request ${request.number}`);
    expect(card.chatId).toBe(HQ_CHAT);
    expect(card.text).toMatch(new RegExp(`^Заявка №${request.number}: ждёт волонтёра`));
    expect(leakedPersonalStrings(card.text, draft)).toEqual([]);
    // Nothing personal was shown, so nothing is on record.
    expect(await h.database.db.repositories.accessLog.listForRequest(request.number)).toEqual([]);
  });

  it("closes with /close and from the card's button; the requester is told each time", async () => {
    const first = await seed({ requesterId: 8701 });
    expect((await boss.ask(`/close ${first.number} отвезли`)).text).toBe(
      `Готово: заявка №${first.number} закрыта как выполненная. Заявитель получит сообщение.`,
    );
    const told = await h.max.waitFor(
      () => h.max.messagesToUser(8701).find((m) => m.text.includes(`№${first.number} выполнена`)),
      undefined,
      `the requester told that №${first.number} is done`,
    );
    expect(told.text).toMatch(/Спасибо, что обратились/);
    expect((await boss.ask(`/close ${first.number}`)).text).toBe(`Заявка №${first.number} уже выполнена, изменить её нельзя.`);

    const second = await seed({ requesterId: 8702 });
    const card = await boss.ask(`/request ${second.number}`);
    boss.press(card, '✅ Закрыть');
    const confirm = await boss.reply();
    expect(confirm.text).toMatch(/как выполненную\?/);
    boss.press(confirm, `✅ Да, закрыть №${second.number}`);
    expect((await boss.reply()).text).toMatch(new RegExp(`заявка №${second.number} закрыта`));
    await h.max.waitFor(
      () => h.max.messagesToUser(8702).find((m) => m.text.includes(`№${second.number} выполнена`)),
      undefined,
      `the requester told that №${second.number} is done`,
    );
    expect((await h.database.db.repositories.requests.findByNumber(second.number))?.status).toBe('done');
  });

  it('assigns by MAX id someone who wrote to the bot, with the name their message carried', async () => {
    const request = await seed({ requesterId: 8703 });
    const oleg = h.maxPerson(7001, 'Олег');
    expect((await boss.ask(`/assign ${request.number} 7001`)).text).toMatch(/^Не нахожу id 7001 среди тех, кто писал боту в личные сообщения/);
    await oleg.ask('Здравствуйте');
    const getsBefore = h.max.calls.filter((c) => c.method === 'GET' && c.path !== '/me').length;
    expect((await boss.ask(`/assign ${request.number} 7001`)).text).toMatch(new RegExp(`заявка №${request.number} передана волонтёру — Олег Тестова`));
    // The name came with his message: the bot asked MAX nothing about him.
    expect(h.max.calls.filter((c) => c.method === 'GET' && c.path !== '/me').length).toBe(getsBefore);
    const taskCard = await oleg.reply();
    expect(taskCard.text).toContain(draft.personal.address);
    expect(labels(taskCard)).toEqual(['✅ Выполнено', '↩️ Не могу выполнить', '📞 Контакт']);
    expect((await h.database.db.repositories.requests.findByNumber(request.number))?.volunteer).toEqual({
      platform: 'max',
      userId: '7001',
      displayName: 'Олег Тестова',
    });
    expect((await boss.ask(`/assign ${request.number} @oleg`)).text).toMatch(/укажите человека числовым id/);
  });

  it('keeps a bare /cancel for the questionnaire, refuses strangers, and points /export to Telegram', async () => {
    expect((await boss.ask('/cancel')).text).toMatch(/Чтобы оставить заявку/);
    const stranger = h.maxPerson(7002, 'Пётр');
    expect((await stranger.ask('/open')).text).toMatch(/только координаторам/);
    expect((await boss.ask('/export week')).text).toMatch(/только в Telegram-боте/);
    const request = await seed();
    expect((await boss.ask(`/cancel ${request.number}`)).text).toBe(`Укажите причину отмены, её получит заявитель: /cancel ${request.number} <причина>`);
    expect((await boss.ask(`/cancel ${request.number} дубль`)).text).toMatch(/отменена/);
    expect((await h.database.db.repositories.requests.findByNumber(request.number))?.status).toBe('cancelled');
  });

  it("answers a stranger pressing a coordinator's button with the refusal on the button", async () => {
    const request = await seed();
    const card = await boss.ask(`/request ${request.number}`);
    // The card in the coordinator's private chat showed personal data: on record, through MAX.
    expect((await h.database.db.repositories.accessLog.listForRequest(request.number)).map((r) => [r.channel, r.kind])).toEqual([['max', 'request_card']]);
    const answers = h.max.callbackAnswers().length;
    const stranger = h.maxPerson(7003, 'Чужой');
    h.max.press(7003, card, '🚫 Отменить');
    const answer = await answerAfter(answers, "the answer to the stranger's press");
    expect(answer.userId).toBe(7003);
    expect(answer.notification).toMatch(/только координаторам/);
    expect(answer.message).toBeUndefined();
    expect(h.max.message(card.mid)!.edits).toBe(0);
    expect(stranger.messages()).toEqual([]);
    expect((await h.database.db.repositories.requests.findByNumber(request.number))?.status).toBe('new');
  });

  it('gives a coordinator a one-time console link privately, without a preview, and refuses it in a group chat and to strangers', async () => {
    const reply = await boss.ask('/console');
    const url = linkIn(reply.text);
    expect(url, reply.text).toBeDefined();
    expect(url!.startsWith(h.system!.httpUrl)).toBe(true);
    expect(reply.text).toMatch(/действует 10 минут/);
    const sent = h.max.callsOf('POST', '/messages').find((c) => String((c.body as { text?: string }).text).includes(url!));
    expect(sent?.query.disable_link_preview).toBe('true');
    const token = new URL(url!).searchParams.get('token')!;
    const signIn = await fetch(new URL('/console/login', url), { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    expect(signIn.status).toBe(303);

    const inGroup = await h.maxPerson(MAX_COORDINATOR_ID, 'Ольга', GROUP).ask('/console');
    expect(inGroup.chatId).toBe(GROUP);
    expect(inGroup.text).toMatch(/только в личном чате/);
    expect(linkIn(inGroup.text)).toBeUndefined();
    expect((await h.maxPerson(7004, 'Прохожий').ask('/console')).text).toBe('Консоль штаба доступна координаторам и операторам.');
  });
});
