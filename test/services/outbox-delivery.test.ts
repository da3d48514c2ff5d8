import { beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/lifecycle.js';
import type { QuietHoursRule } from '../../src/domain/quiet-hours.js';
import type { HelpRequest } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { PermanentDeliveryError } from '../../src/services/outbox/permanent-delivery-error.js';
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

// What used to be posted inline now goes request → effects → outbox → worker → messenger; these
// check that path end to end in memory (the MongoDB outbox and pacing have tests of their own).
const draft = makeDraft({ district: 'Ленинский' });
const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
const HQ = { platform: 'telegram' as const, chatId: '-100999' };
const PUBLIC_KEYS = ['number', 'status', 'district', 'category', 'age', 'helpKind', 'createdAt', 'volunteerName'];

let requests: FakeRequestRepository;
let districtChats: FakeDistrictChatRepository;
let telegram: RecordingMessenger;
let vk: RecordingMessenger;
let logger: RecordingLogger;
let request: HelpRequest;

function delivery(headquartersChats = [HQ], quietHours?: QuietHoursRule) {
  return createTestDelivery({
    requests,
    districtChats,
    messengers: { telegram, vk },
    headquartersChats,
    texts,
    catalog: catalogs.ru,
    logger,
    now: steppingClock(),
    ...(quietHours ? { quietHours } : {}),
  });
}

beforeEach(async () => {
  requests = new FakeRequestRepository();
  districtChats = new FakeDistrictChatRepository();
  telegram = new RecordingMessenger('telegram');
  vk = new RecordingMessenger('vk');
  logger = new RecordingLogger();
  request = await requests.create({ draft, channel: 'telegram', requester: { platform: 'telegram', userId: '1', chatId: '1' }, at: new Date() });
});

it('posts a new request to every chat of its district on both platforms, records the posts, and clears the mark', async () => {
  await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100222' });
  await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000002' });
  await districtChats.bind({ district: 'Центральный', platform: 'telegram', chatId: '-100111' });
  const d = delivery();
  expect(requests.marked.has(request.number)).toBe(true);
  await d.afterChange(request);
  expect(requests.marked.has(request.number)).toBe(false);
  await d.drain();

  expect(telegram.posts().map((p) => [p.chatId, p.viaHeadquarters])).toEqual([['-100222', false]]);
  expect(vk.posts().map((p) => [p.chatId, p.viaHeadquarters])).toEqual([['2000000002', false]]);
  const stored = await requests.findByNumber(request.number);
  expect(stored!.posts.map((p) => p.chatId).sort()).toEqual(['-100222', '2000000002']);
  for (const post of [...telegram.posts(), ...vk.posts()]) {
    expect(Object.keys(post.view).every((k) => PUBLIC_KEYS.includes(k))).toBe(true);
    expect(leakedPersonalStrings(texts.groupPost(post.view, false), draft)).toEqual([]);
  }
});

it('posts to the HQ chat, marked as such, when the district has no chat; to nobody when there is no HQ either', async () => {
  const d = delivery();
  await d.afterChange(request);
  await d.drain();
  expect(telegram.posts().map((p) => [p.chatId, p.viaHeadquarters])).toEqual([[HQ.chatId, true]]);

  const second = await requests.create({ draft, channel: 'telegram', requester: { platform: 'telegram', userId: '1', chatId: '1' }, at: new Date() });
  const none = delivery([]);
  await none.afterChange(second);
  expect(none.outbox.records.size).toBe(0);
});

it('enqueues each message once however often the effects are derived', async () => {
  await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100222' });
  const d = delivery();
  await Promise.all([d.afterChange(request), d.afterChange(request), d.afterChange(request)]);
  await d.drain();
  await d.afterChange((await requests.findByNumber(request.number))!);
  await d.drain();
  expect(telegram.posts()).toHaveLength(1);
});

it('keeps delivering to other chats while one fails, and retries the failed one later', async () => {
  await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100222' });
  await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000002' });
  vk.failing.set('2000000002', new Error('timeout'));
  const d = delivery();
  await d.afterChange(request);
  await d.drain();
  expect(telegram.posts()).toHaveLength(1);
  const vkRecord = [...d.outbox.records.values()].find((r) => r.message.platform === 'vk')!;
  expect(vkRecord).toMatchObject({ status: 'pending', attempts: 1, lastError: 'timeout' });
  expect(vkRecord.notBefore.getTime()).toBeGreaterThan(Date.now());
});

it('gives up on a permanent failure at once and tells the HQ chat, without personal data', async () => {
  await districtChats.bind({ district: 'Ленинский', platform: 'vk', chatId: '2000000002' });
  vk.failing.set('2000000002', new PermanentDeliveryError('the community was removed from the chat'));
  const d = delivery();
  await d.afterChange(request);
  await d.drain();
  const record = [...d.outbox.records.values()].find((r) => r.message.platform === 'vk')!;
  expect(record).toMatchObject({ status: 'failed', attempts: 1 });
  const toHq = telegram.texts().filter((t) => t.chatId === HQ.chatId);
  expect(toHq.map((t) => t.text)).toEqual([catalogs.ru.t('outbox.undeliveredAbout', { number: request.number })]);
  expect(leakedPersonalStrings(logger.serialized(), draft)).toEqual([]);
});

it('edits the posts after a claim, and holds an edit until its post has gone out', async () => {
  await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100222' });
  const d = delivery();
  await d.afterChange(request);
  // Claimed before the post went out: the post will render as claimed, and the edit waits for it.
  const claimed = (await requests.claim(request.number, { platform: 'vk', userId: '5', displayName: 'Анна' }, new Date()))!;
  await d.afterChange(claimed);
  await d.drain();
  expect(telegram.posts()[0]!.view).toMatchObject({ status: 'claimed', volunteerName: 'Анна' });
  expect(telegram.texts().map((t) => t.chatId)).toEqual(['1']);
});

it('finishes, in a sweep, the messages of a change whose process died before enqueueing them', async () => {
  await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100222' });
  const d = delivery();
  // The request was stored (and marked) but its effects were never enqueued.
  expect(await d.effects.sweep(0)).toBe(1);
  expect(await d.effects.sweep(0)).toBe(0);
  await d.drain();
  expect(telegram.posts()).toHaveLength(1);
});

describe('the night policy', () => {
  // The rule says "quiet now, until an hour from now" whatever the machine's clock reads.
  const morning = new Date(Date.now() + 3_600_000);
  const night: QuietHoursRule = { isQuiet: (at) => at < morning, endOf: (at) => (at < morning ? morning : at) };
  const volunteer = { platform: 'telegram' as const, userId: '5', displayName: 'Анна' };

  it("tells the requester at once, silently, that a volunteer took the request and that it is done; the volunteer's card is not silenced", async () => {
    await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100222' });
    const d = delivery([HQ], night);
    await d.afterChange(request);
    const claimed = (await requests.claim(request.number, volunteer, new Date()))!;
    await d.afterChange(claimed);
    const decision = decide(claimed, { type: 'complete' }, { person: volunteer, channel: 'telegram', isCoordinator: false }, new Date());
    if (!decision.ok) throw new Error(`the volunteer may not complete: ${decision.refusal}`);
    await d.afterChange((await requests.applyTransition(request.number, decision.transition))!);
    await d.drain();
    const toRequester = telegram.texts().filter((t) => t.chatId === '1');
    expect(toRequester.map((t) => [t.text, t.silent])).toEqual([
      [texts.requesterClaimed(request.number, 'Анна'), true],
      [texts.requesterDone(request.number), true],
    ]);
    expect(telegram.texts().filter((t) => t.chatId !== '1' && t.silent)).toEqual([]);
  });

  it('holds the rating question and its reminder until quiet hours end, and sends them then', async () => {
    const d = delivery([HQ], night);
    await d.outbox.enqueue(
      [false, true].map((reminder) => ({
        key: `job:feedback:${request.number}:${reminder ? 2 : 1}`,
        message: { kind: 'feedback' as const, platform: 'telegram' as const, chatId: '1', requestNumber: request.number, reminder },
      })),
      new Date(),
    );
    await d.drain();
    expect(telegram.calls.filter((c) => c.method === 'sendFeedbackRequest')).toEqual([]);
    const held = [...d.outbox.records.values()].filter((r) => r.message.kind === 'feedback');
    expect(held.map((r) => [r.status, r.notBefore])).toEqual([
      ['pending', morning],
      ['pending', morning],
    ]);
  });

  it('sends everything with sound outside quiet hours', async () => {
    const d = delivery([HQ]);
    await d.afterChange(request);
    const claimed = (await requests.claim(request.number, volunteer, new Date()))!;
    await d.afterChange(claimed);
    await d.drain();
    expect(
      telegram
        .texts()
        .filter((t) => t.chatId === '1')
        .map((t) => t.silent),
    ).toEqual([undefined]);
  });
});
