import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { leakedPersonalStrings, makeDraft } from '../support/fakes.js';
import { SystemHarness, VK_COORDINATOR_ID, type VkPerson } from '../support/harness.js';
import { PEER_CHAT_OFFSET, type VkSentMessage } from '../support/vk-api-fake.js';

const HQ_PEER = PEER_CHAT_OFFSET + 99;
const draft = makeDraft({ district: 'Ленинский' });

let h: SystemHarness;
let boss: VkPerson;
let nextRequester = 8800;

beforeAll(async () => {
  h = await SystemHarness.start({ HQ_VK_PEER_ID: String(HQ_PEER) }, { vk: true });
  boss = h.vkPerson(VK_COORDINATOR_ID, 'Ольга');
});
afterAll(async () => {
  await h?.stop();
});

/** A VK requester's request stored straight into the database, its messages marked as sent. */
async function seed(options: { district?: string; minutesAgo?: number; requesterId?: number } = {}): Promise<HelpRequest> {
  const repo = h.database.db.repositories.requests;
  const id = String(options.requesterId ?? nextRequester++);
  const request = await repo.create({
    draft: makeDraft({ district: options.district ?? 'Ленинский' }),
    channel: 'vk',
    requester: { platform: 'vk', userId: id, chatId: id },
    at: new Date(Date.now() - (options.minutesAgo ?? 0) * 60_000),
  });
  await repo.clearEffectsMark(request.number, request.history.length);
  return request;
}

const labels = (m: VkSentMessage) => m.keyboard?.buttons.flat().map((b) => b.action.label) ?? [];

describe('coordinator commands in VK', () => {
  it('lists open requests with callback buttons, turns a page in place and opens a card', async () => {
    const seeded = [];
    for (let i = 0; i < 10; i++) seeded.push(await seed({ district: 'Центральный', minutesAgo: 60 - i }));
    const list = await boss.ask('/open центр');
    expect(list.text.split('\n')[0]).toBe('Открытые заявки района «Центральный»: 10 (стр. 1 из 2)');
    expect(list.keyboard?.inline).toBe(true);
    expect(list.keyboard?.buttons.flat().every((b) => b.action.type === 'callback')).toBe(true);
    expect(labels(list)).toEqual([
      ...seeded
        .slice(2)
        .reverse()
        .map((r) => `№${r.number}`),
      'Дальше ▶️',
    ]);

    boss.press(list, 'Дальше');
    const turned = await h.vk.waitFor(() =>
      h.vk.messagesTo(VK_COORDINATOR_ID).find((m) => m.conversationMessageId === list.conversationMessageId && m.edits > 0),
    );
    expect(turned.text).toContain('стр. 2 из 2');
    expect(labels(turned)).toEqual([`№${seeded[1]!.number}`, `№${seeded[0]!.number}`, '◀️ Назад']);

    boss.press(turned, `№${seeded[0]!.number}`);
    const card = await boss.reply();
    expect(card.text).toMatch(new RegExp(`^Заявка №${seeded[0]!.number}: ждёт волонтёра\\nРайон: Центральный`));
    expect(card.text).toContain(`Телефон: ${draft.personal.phone}`);
    expect(card.text).toMatch(/— заявка создана \(VK\)/);
    expect(labels(card)).toEqual(['✅ Закрыть', '🚫 Отменить', '👤 Назначить']);
  });

  it('shows /request in the HQ conversation without personal data', async () => {
    const request = await seed();
    const inHq = h.vkPerson(VK_COORDINATOR_ID, 'Ольга', HQ_PEER);
    const card = await inHq.ask(`[club222333|@help] /request ${request.number}`);
    expect(card.text).toMatch(new RegExp(`^Заявка №${request.number}: ждёт волонтёра`));
    expect(leakedPersonalStrings(card.text, draft)).toEqual([]);
  });

  it("closes with /close and from the card's button; the requester is told each time", async () => {
    const first = await seed({ requesterId: 8701 });
    expect((await boss.ask(`/close ${first.number} отвезли`)).text).toBe(
      `Готово: заявка №${first.number} закрыта как выполненная. Заявитель получит сообщение.`,
    );
    const told = await h.vk.waitFor(() => h.vk.messagesTo(8701).find((m) => m.text.includes(`№${first.number} выполнена`)));
    expect(told.text).toMatch(/Спасибо, что обратились/);
    expect((await boss.ask(`/close ${first.number}`)).text).toBe(`Заявка №${first.number} уже выполнена, изменить её нельзя.`);

    const second = await seed({ requesterId: 8702 });
    const card = await boss.ask(`/request ${second.number}`);
    boss.press(card, '✅ Закрыть');
    const confirm = await boss.reply();
    expect(confirm.text).toMatch(/как выполненную\?/);
    boss.press(confirm, `✅ Да, закрыть №${second.number}`);
    expect((await boss.reply()).text).toMatch(new RegExp(`заявка №${second.number} закрыта`));
    await h.vk.waitFor(() => h.vk.messagesTo(8702).find((m) => m.text.includes(`№${second.number} выполнена`)));
  });

  it('assigns by VK id someone who wrote to the community, with their VK name', async () => {
    const request = await seed({ requesterId: 8703 });
    expect((await boss.ask(`/assign ${request.number} 7001`)).text).toMatch(/^Не нахожу id 7001 среди тех, кто писал боту в личные сообщения/);
    const oleg = h.vkPerson(7001, 'Олег');
    await oleg.ask('Здравствуйте');
    expect((await boss.ask(`/assign ${request.number} id7001`)).text).toMatch(new RegExp(`заявка №${request.number} передана волонтёру — Олег Тестова`));
    expect((await oleg.reply()).text).toContain(draft.personal.address);
    expect((await h.database.db.repositories.requests.findByNumber(request.number))?.volunteer).toEqual({
      platform: 'vk',
      userId: '7001',
      displayName: 'Олег Тестова',
    });
    expect((await boss.ask(`/assign ${request.number} @oleg`)).text).toMatch(/укажите человека числовым id/);
  });

  it('keeps a bare /cancel for the questionnaire, refuses strangers, and points /export to Telegram', async () => {
    expect((await boss.ask('/cancel')).text).toMatch(/Чтобы оставить заявку/);
    const stranger = h.vkPerson(7002, 'Пётр');
    expect((await stranger.ask('/open')).text).toMatch(/только координаторам/);
    expect((await boss.ask('/export week')).text).toMatch(/только в Telegram-боте/);
    const request = await seed();
    expect((await boss.ask(`/cancel ${request.number}`)).text).toBe(`Укажите причину отмены, её получит заявитель: /cancel ${request.number} <причина>`);
    expect((await boss.ask(`/cancel ${request.number} дубль`)).text).toMatch(/отменена/);
  });

  it("answers a stranger pressing a coordinator's button with a snackbar", async () => {
    const request = await seed();
    const card = await boss.ask(`/request ${request.number}`);
    // The card in the coordinator's private chat showed personal data: on record, through VK.
    expect((await h.database.db.repositories.accessLog.listForRequest(request.number)).map((r) => [r.channel, r.kind])).toEqual([['vk', 'request_card']]);
    const answers = h.vk.eventAnswers().length;
    h.vkPerson(7003, 'Чужой');
    h.vk.press(7003, card, '🚫 Отменить');
    const answer = await h.vk.waitFor(() => h.vk.eventAnswers()[answers]);
    expect(answer.eventData?.text).toMatch(/только координаторам/);
  });
});
