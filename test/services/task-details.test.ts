import { beforeEach, describe, expect, it } from 'vitest';
import type { Volunteer } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import type { LifecycleAction } from '../../src/domain/lifecycle.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { createTestDelivery } from '../support/delivery.js';
import { FakeDistrictChatRepository, FakeRequestRepository, makeDraft, RecordingLogger, RecordingMessenger, steppingClock } from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

// A request's details leave a volunteer's chat when the request leaves their hands: every card and
// contact the bot sent them is withdrawn through the outbox, once, and only from the one who lost it.
const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
const requester = { platform: 'telegram' as const, userId: '5', chatId: '5' };
const ivan: Volunteer = { platform: 'telegram', userId: '11', displayName: 'Иван' };
const olga: Volunteer = { platform: 'vk', userId: '22', displayName: 'Ольга' };
const COORDINATOR = { platform: 'telegram' as const, userId: '900' };
const ivanRef = { platform: ivan.platform, userId: ivan.userId };

let requests: FakeRequestRepository;
let telegram: RecordingMessenger;
let vk: RecordingMessenger;
let delivery: ReturnType<typeof createTestDelivery>;
let act: ReturnType<typeof createRequestLifecycle>;
let number: number;

beforeEach(async () => {
  requests = new FakeRequestRepository();
  telegram = new RecordingMessenger('telegram');
  vk = new RecordingMessenger('vk');
  const logger = new RecordingLogger();
  delivery = createTestDelivery({
    requests,
    districtChats: new FakeDistrictChatRepository(),
    messengers: { telegram, vk },
    headquartersChats: [],
    texts,
    catalog: catalogs.ru,
    logger,
    now: steppingClock(),
  });
  act = createRequestLifecycle({
    requests,
    isCoordinator: async (p) => p.platform === COORDINATOR.platform && p.userId === COORDINATOR.userId,
    afterChange: delivery.afterChange,
    logger,
    now: steppingClock(),
  });
  ({ number } = await requests.create({ draft: makeDraft(), channel: 'telegram', requester, at: new Date('2025-03-01T08:00:00Z') }));
  const claimed = (await requests.claim(number, ivan, new Date('2025-03-01T08:30:00Z')))!;
  // What a claim sends: the card; then he asks for the contact.
  await delivery.details.show(claimed, ivanRef, 'task_card');
  await delivery.details.show(claimed, ivanRef, 'contact');
  await delivery.afterChange(claimed);
  await delivery.drain();
});

const shownTo = (messenger: RecordingMessenger, chatId: string) =>
  messenger.calls.flatMap((c) => ((c.method === 'sendTaskCard' || c.method === 'sendContact') && c.chatId === chatId ? [c.messageId] : []));

async function changeBy(by: typeof ivanRef, action: LifecycleAction) {
  expect((await act(number, by, by.platform, action)).kind).toBe('changed');
  await delivery.drain();
}

describe('details that leave with the task', () => {
  it('records each card and contact sent, with who saw it, when and through which channel', async () => {
    const records = await delivery.accessLog.listForRequest(number);
    expect(records.map((r) => [r.kind, r.viewer, r.channel, r.message?.form])).toEqual([
      ['task_card', ivanRef, 'telegram', 'text'],
      ['contact', ivanRef, 'telegram', 'contact_card'],
    ]);
    expect(records.map((r) => r.message?.messageId)).toEqual(shownTo(telegram, '11'));
  });

  for (const [what, by, action] of [
    ['done', ivanRef, { type: 'complete' }],
    ['given back', ivanRef, { type: 'release', reason: 'Не успеваю' }],
    ['cancelled by a coordinator', COORDINATOR, { type: 'cancel', reason: 'Справились сами' }],
    ['reassigned', COORDINATOR, { type: 'assign', volunteer: olga }],
  ] as const) {
    it(`are withdrawn from the volunteer's chat when the request is ${what}: the card edited, the contact deleted, each once`, async () => {
      await changeBy(by, action);
      expect(telegram.withdrawals().map((w) => [w.message.messageId, w.outcome])).toEqual([
        [shownTo(telegram, '11')[0], 'replaced'],
        [shownTo(telegram, '11')[1], 'deleted'],
      ]);
      expect((await delivery.accessLog.listShowing(number, ivanRef)).length).toBe(0);
      // The new holder's card stays where it is.
      expect(vk.withdrawals()).toEqual([]);
      // Derived again (a second process, a crash): nothing is withdrawn twice.
      await delivery.afterChange((await requests.findByNumber(number))!);
      await delivery.drain();
      expect(telegram.withdrawals()).toHaveLength(2);
    });
  }

  it('asks the volunteer to delete what the platform no longer lets the bot edit or delete', async () => {
    telegram.withdrawOutcome = 'kept';
    await changeBy(ivanRef, { type: 'complete' });
    const asks = telegram.texts().filter((t) => t.chatId === '11' && t.text.includes('Удалите, пожалуйста'));
    // One per message left behind, with the number and nothing of the requester.
    expect(asks.map((a) => a.text)).toEqual([expect.stringContaining(`№${number}`), expect.stringContaining(`№${number}`)]);
    for (const value of Object.values(makeDraft().personal)) for (const ask of asks) expect(ask.text).not.toContain(value);
  });

  it('leaves the details alone when the volunteer holds the request again by the time the withdrawal goes out', async () => {
    expect((await act(number, ivanRef, 'telegram', { type: 'release', reason: 'Не успеваю' })).kind).toBe('changed');
    await requests.claim(number, ivan, new Date('2025-03-01T09:00:00Z'));
    await delivery.drain();
    expect(telegram.withdrawals()).toEqual([]);
    expect((await delivery.accessLog.listShowing(number, ivanRef)).length).toBe(2);
  });

  it('withdraws a card that arrived after the request had already left the volunteer', async () => {
    await changeBy(ivanRef, { type: 'release', reason: 'Не успеваю' });
    expect(telegram.withdrawals()).toHaveLength(2);
    // A card on its way while he gave it back (a second press of «📋» a moment before).
    await delivery.details.show((await requests.findByNumber(number))!, ivanRef, 'task_card');
    await delivery.drain();
    expect(telegram.withdrawals().map((w) => w.message.messageId)).toEqual([...shownTo(telegram, '11')]);
  });
});
