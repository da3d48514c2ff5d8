import { beforeEach, describe, expect, it } from 'vitest';
import type { Transition } from '../../src/domain/lifecycle.js';
import type { HelpRequest, Volunteer } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { createTestDelivery } from '../support/delivery.js';
import {
  FakeDistrictChatRepository,
  FakeRequestRepository,
  leakedPersonalStrings,
  makeDraft,
  RecordingLogger,
  RecordingMessenger,
  steppingClock,
} from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
const draft = makeDraft();
const requester = { platform: 'telegram' as const, userId: '5', chatId: '5' };
const ivan: Volunteer = { platform: 'telegram', userId: '11', displayName: 'Иван' };
const olga: Volunteer = { platform: 'vk', userId: '22', displayName: 'Ольга' };
const COORDINATOR = { platform: 'telegram' as const, userId: '900' };
const ivanRef = { platform: ivan.platform, userId: ivan.userId };

/** A repository where, once, someone else's change lands just before a transition is written. */
class RacingRepository extends FakeRequestRepository {
  interfere: (() => Promise<unknown>) | undefined;
  override async applyTransition(number: number, transition: Transition): Promise<HelpRequest | null> {
    const first = this.interfere;
    this.interfere = undefined;
    await first?.();
    return super.applyTransition(number, transition);
  }
}

let requests: RacingRepository;
let telegram: RecordingMessenger;
let vk: RecordingMessenger;
let delivery: ReturnType<typeof createTestDelivery>;
let act: ReturnType<typeof createRequestLifecycle>;
let number: number;

beforeEach(async () => {
  requests = new RacingRepository();
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
  ({ number } = await requests.create({ draft, channel: 'telegram', requester, at: new Date('2025-03-01T08:00:00Z') }));
  await requests.claim(number, ivan, new Date('2025-03-01T08:30:00Z'));
  await delivery.afterChange((await requests.findByNumber(number))!);
  await delivery.drain();
  telegram.calls.length = 0;
});

const toRequester = () =>
  telegram
    .texts()
    .filter((t) => t.chatId === requester.chatId)
    .map((t) => t.text);

describe('news of each change, through the outbox', () => {
  it('release: the requester hears another volunteer is being found', async () => {
    expect(await act(number, ivanRef, 'telegram', { type: 'release', reason: 'Не успеваю' })).toMatchObject({
      kind: 'changed',
      request: { status: 'new', round: 1 },
    });
    await delivery.drain();
    expect(toRequester()).toEqual([texts.requesterReleased(number)]);
  });

  it('reassignment: the new volunteer gets the card, the previous one and the requester are told', async () => {
    await act(number, COORDINATOR, 'telegram', { type: 'assign', volunteer: olga });
    await delivery.drain();
    expect(vk.cards().map((c) => [c.chatId, c.request.volunteer?.userId])).toEqual([['22', '22']]);
    expect(telegram.texts().find((t) => t.chatId === ivan.userId)?.text).toBe(texts.volunteerReassigned(number));
    expect(toRequester()).toEqual([texts.requesterClaimed(number, 'Ольга')]);
  });

  it('done by the volunteer: the requester is told, the volunteer is not told of their own act', async () => {
    await act(number, ivanRef, 'telegram', { type: 'complete' });
    await delivery.drain();
    expect(toRequester()).toEqual([texts.requesterDone(number)]);
    expect(telegram.texts().filter((t) => t.chatId === ivan.userId)).toEqual([]);
  });

  it('closed or cancelled by a coordinator: the volunteer is told they need not go, the requester gets the reason', async () => {
    await act(number, COORDINATOR, 'telegram', { type: 'cancel', reason: 'Родственники справились сами' });
    await delivery.drain();
    expect(toRequester()).toEqual([texts.requesterCancelled(number, 'Родственники справились сами')]);
    expect(telegram.texts().find((t) => t.chatId === ivan.userId)?.text).toBe(texts.volunteerCancelled(number));
    for (const t of telegram.texts()) expect(leakedPersonalStrings(t.text, draft)).toEqual([]);
  });

  it('derives each message once however often the effects run (a crash, two processes)', async () => {
    const { request } = (await act(number, ivanRef, 'telegram', { type: 'complete' })) as { request: HelpRequest };
    await delivery.afterChange(request);
    await delivery.effects.enqueueFor((await requests.findByNumber(number))!);
    await delivery.drain();
    expect(toRequester()).toHaveLength(1);
  });
});

describe('refusals and races', () => {
  it('refuses without writing or sending anything', async () => {
    const before = (await requests.findByNumber(number))!.history.length;
    expect(await act(number, { platform: 'vk', userId: '22' }, 'vk', { type: 'complete' })).toMatchObject({ kind: 'refused', refusal: 'not_yours' });
    expect(await act(999, ivanRef, 'telegram', { type: 'complete' })).toEqual({ kind: 'not_found' });
    await delivery.drain();
    expect((await requests.findByNumber(number))!.history).toHaveLength(before);
    expect(telegram.calls).toEqual([]);
  });

  it('decides again on the fresh request when a change lands first, and refuses what no longer holds', async () => {
    // Ivan's "done" and a coordinator's reassignment at once: the reassignment lands first.
    requests.interfere = () => act(number, COORDINATOR, 'telegram', { type: 'assign', volunteer: olga });
    expect(await act(number, ivanRef, 'telegram', { type: 'complete' })).toMatchObject({ kind: 'refused', refusal: 'not_yours' });
    expect(await requests.findByNumber(number)).toMatchObject({ status: 'claimed', volunteer: olga });
  });

  it('still applies a change that holds on the fresh request', async () => {
    // A coordinator cancels while Ivan gives the request back: cancelling a new request is allowed too.
    requests.interfere = () => act(number, ivanRef, 'telegram', { type: 'release', reason: 'Заболел' });
    expect(await act(number, COORDINATOR, 'telegram', { type: 'cancel', reason: 'Дубль заявки №3' })).toMatchObject({
      kind: 'changed',
      request: { status: 'cancelled' },
    });
    const history = (await requests.findByNumber(number))!.history.map((e) => e.type);
    expect(history.slice(-2)).toEqual(['released', 'cancelled']);
  });
});
