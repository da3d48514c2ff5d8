import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HelpRequest, Volunteer } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createClaimRequest, type ClaimDeps } from '../../src/services/claim-request.js';
import { createTaskDetails } from '../../src/services/task-details.js';
import {
  FakeAccessLog,
  FakeDistrictChatRepository,
  FakeRequestRepository,
  leakedPersonalStrings,
  makeDraft,
  RecordingLogger,
  RecordingMessenger,
  steppingClock,
} from '../support/fakes.js';
import { createTestDelivery } from '../support/delivery.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

const draft = makeDraft({ district: 'Ленинский' });
const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
const HQ = { platform: 'telegram' as const, chatId: '-100999' };
const requester = { platform: 'telegram' as const, userId: '1001', chatId: '1001' };
const anna: Volunteer = { platform: 'telegram', userId: '501', displayName: 'Анна В.' };
const boris: Volunteer = { platform: 'vk', userId: '777', displayName: 'Борис К.' };

let requests: FakeRequestRepository;
let districtChats: FakeDistrictChatRepository;
let telegram: RecordingMessenger;
let vk: RecordingMessenger;
let logger: RecordingLogger;
let request: HelpRequest;
let claimRequest: ReturnType<typeof createClaimRequest>;

let delivery: ReturnType<typeof createTestDelivery>;

function makeClaim(overrides: Partial<ClaimDeps> = {}) {
  return createClaimRequest({
    afterChange: delivery.afterChange,
    requests,
    districtChats,
    headquartersChats: [HQ],
    details: delivery.details,
    maxHeld: 3,
    logger,
    now: steppingClock(),
    ...overrides,
  });
}

beforeEach(async () => {
  requests = new FakeRequestRepository();
  districtChats = new FakeDistrictChatRepository();
  telegram = new RecordingMessenger('telegram');
  vk = new RecordingMessenger('vk');
  logger = new RecordingLogger();
  request = await requests.create({ draft, channel: 'telegram', requester, at: new Date('2025-03-01T09:00:00Z') });
  delivery = createTestDelivery({
    requests,
    districtChats,
    messengers: { telegram, vk },
    headquartersChats: [HQ],
    texts,
    catalog: catalogs.ru,
    logger,
    now: steppingClock(),
  });
  // Posted to a Telegram group and a VK conversation of the district, as dispatch would have done.
  await requests.addPost(request.number, { platform: 'telegram', chatId: '-100222', messageId: '10', viaHeadquarters: false, round: 0 }, new Date());
  await requests.addPost(request.number, { platform: 'vk', chatId: '2000000002', messageId: '20', viaHeadquarters: false, round: 0 }, new Date());
  claimRequest = makeClaim();
});

afterEach(() => {
  // The details go to the volunteer, never to the log, on every path below.
  expect(leakedPersonalStrings(logger.serialized(), draft)).toEqual([]);
});

describe('won', () => {
  it('gives the request to the volunteer, sends the details privately, updates the posts and tells the requester', async () => {
    const outcome = await claimRequest(request.number, anna);

    expect(outcome.kind).toBe('won');
    const stored = await requests.findByNumber(request.number);
    expect(stored).toMatchObject({ status: 'claimed', volunteer: anna });
    if (outcome.kind === 'won') expect(outcome.request).toMatchObject({ number: request.number, status: 'claimed', volunteer: anna });

    // Details: in a private chat with the volunteer (their user id), with everything needed to help.
    const toAnna = telegram.cards().filter((t) => t.chatId === anna.userId);
    expect(toAnna).toHaveLength(1);
    expect(toAnna[0]!.request).toMatchObject({ number: request.number, status: 'claimed', volunteer: anna });
    const details = texts.volunteerDetails(toAnna[0]!.request);
    for (const s of [draft.personal.address, draft.personal.phone, draft.personal.name, draft.personal.description]) expect(details).toContain(s);
    // The branch answer is shown with its label, not as a raw code.
    expect(details).toContain(catalogs.ru.t('request.prescription.has'));

    // Both posts now show the volunteer, and still nothing personal (delivered through the outbox).
    await delivery.drain();
    const updates = [...telegram.updates(), ...vk.updates()];
    expect(updates.map((u) => [u.post.platform, u.post.messageId]).sort()).toEqual([
      ['telegram', '10'],
      ['vk', '20'],
    ]);
    for (const { view } of updates) {
      expect(view).toMatchObject({ number: request.number, status: 'claimed', volunteerName: anna.displayName });
      expect(leakedPersonalStrings(JSON.stringify(view), draft)).toEqual([]);
      expect(texts.groupPost(view, false)).toContain(anna.displayName);
    }

    // The requester hears who took it, in their own chat.
    const toRequester = telegram.texts().filter((t) => t.chatId === requester.chatId);
    expect(toRequester).toHaveLength(1);
    expect(toRequester[0]!.text).toContain(anna.displayName);
    expect(toRequester[0]!.text).toContain(String(request.number));
  });

  it("sends the details on the volunteer's platform and the news on the requester's", async () => {
    const outcome = await claimRequest(request.number, boris);
    expect(outcome.kind).toBe('won');
    await delivery.drain();
    expect(vk.cards().map((t) => t.chatId)).toEqual([boris.userId]);
    expect(vk.texts()).toEqual([]);
    expect(texts.volunteerDetails(vk.cards()[0]!.request)).toContain(draft.personal.phone);
    expect(telegram.texts().map((t) => t.chatId)).toEqual([requester.chatId]);
  });

  it('still wins when updating a post fails for now or the requester blocked the bot', async () => {
    vk.failing.set('2000000002', new Error('VK is having a bad day'));
    telegram.unreachable.add(requester.chatId);
    const outcome = await claimRequest(request.number, anna);
    await delivery.drain();

    expect(outcome.kind).toBe('won');
    expect((await requests.findByNumber(request.number))!.status).toBe('claimed');
    expect(telegram.updates()).toHaveLength(1);
    const records = [...delivery.outbox.records.values()];
    // The VK edit waits for another try; the news to a requester who blocked the bot is given up.
    expect(records.find((r) => r.message.platform === 'vk')).toMatchObject({ status: 'pending', lastError: 'VK is having a bad day' });
    expect(records.find((r) => r.message.kind === 'text' && r.message.chatId === requester.chatId)).toMatchObject({ status: 'failed' });
    // ... and the HQ chat is told, with the request's number and nothing personal.
    const toHq = telegram.texts().filter((t) => t.chatId === HQ.chatId);
    expect(toHq).toHaveLength(1);
    expect(toHq[0]!.text).toContain(`№${request.number}`);
  });

  it('lets exactly one of many simultaneous presses win', async () => {
    const volunteers = Array.from({ length: 20 }, (_, i): Volunteer => ({ platform: i % 2 ? 'vk' : 'telegram', userId: `v${i}`, displayName: `V${i}` }));
    const outcomes = await Promise.all(volunteers.map((v) => claimRequest(request.number, v)));

    expect(outcomes.filter((o) => o.kind === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'taken')).toHaveLength(19);
    // Only the winner got the address.
    const detailMessages = [...telegram.cards(), ...vk.cards()].filter((t) => texts.volunteerDetails(t.request).includes(draft.personal.address));
    expect(detailMessages).toHaveLength(1);
    expect([...telegram.texts(), ...vk.texts()].filter((t) => t.text.includes(draft.personal.address))).toEqual([]);
    const winner = volunteers[outcomes.findIndex((o) => o.kind === 'won')]!;
    expect(detailMessages[0]!.chatId).toBe(winner.userId);
  });
});

describe('lost', () => {
  it('answers taken when someone else holds the request, and sends the loser nothing', async () => {
    await claimRequest(request.number, anna);
    const callsBefore = vk.calls.length;
    expect(await claimRequest(request.number, boris)).toEqual({ kind: 'taken' });
    expect(vk.calls.length).toBe(callsBefore);
    expect((await requests.findByNumber(request.number))!.volunteer).toEqual(anna);
  });

  it.each(['done', 'cancelled'] as const)('answers closed for a %s request', async (status) => {
    requests.setStatus(request.number, status);
    expect(await claimRequest(request.number, anna)).toEqual({ kind: 'closed' });
    expect(telegram.calls).toEqual([]);
    expect((await requests.findByNumber(request.number))!.status).toBe(status);
  });

  it('answers not_found for an unknown number', async () => {
    expect(await claimRequest(404, anna)).toEqual({ kind: 'not_found' });
    expect(telegram.calls).toEqual([]);
  });
});

describe('the limit of requests in hand', () => {
  const fileMore = async (count: number) => {
    const numbers: number[] = [];
    for (let i = 0; i < count; i++)
      numbers.push((await requests.create({ draft, channel: 'telegram', requester, at: new Date('2025-03-01T10:00:00Z') })).number);
    return numbers;
  };

  it('refuses a fourth claim while three are held: the request stays open and no card is sent', async () => {
    const [second, third, fourth] = await fileMore(3);
    for (const number of [request.number, second!, third!]) expect((await claimRequest(number, anna)).kind).toBe('won');
    const cardsBefore = telegram.cards().length;
    expect(await claimRequest(fourth!, anna)).toEqual({ kind: 'too_many', max: 3 });
    expect(telegram.cards()).toHaveLength(cardsBefore);
    const untouched = (await requests.findByNumber(fourth!))!;
    expect(untouched.status).toBe('new');
    expect(untouched.volunteer ?? null).toBeNull();
    expect(untouched.history.map((e) => e.type)).toEqual(['created']);
    // Another volunteer may take it, and once one of Anna's is given back she may take one again.
    expect((await claimRequest(fourth!, boris)).kind).toBe('won');
    await requests.undoClaim(third!, anna, 'test', new Date());
    expect((await claimRequest(third!, anna)).kind).toBe('won');
  });

  it('keeps the earliest claims up to the limit when many presses arrive at once, and gives the rest back before any news', async () => {
    const numbers = [request.number, ...(await fileMore(5))];
    const outcomes = await Promise.all(numbers.map((number) => claimRequest(number, anna)));
    expect(outcomes.filter((o) => o.kind === 'won')).toHaveLength(3);
    expect(outcomes.filter((o) => o.kind === 'too_many')).toHaveLength(3);
    expect(await requests.listByVolunteer(anna, 10)).toHaveLength(3);
    for (const [i, outcome] of outcomes.entries()) {
      const stored = (await requests.findByNumber(numbers[i]!))!;
      expect(stored.status).toBe(outcome.kind === 'won' ? 'claimed' : 'new');
    }
    // A claim given back sent no card: the details went only with the claims she kept.
    const won = numbers.filter((_, i) => outcomes[i]!.kind === 'won');
    expect(
      telegram
        .cards()
        .map((c) => c.request.number)
        .sort(),
    ).toEqual(won.sort());
  });
});

describe('the details cannot be delivered', () => {
  it('gives the claim back when the volunteer cannot be written to, so another can take it', async () => {
    telegram.unreachable.add(anna.userId);
    expect(await claimRequest(request.number, anna)).toEqual({ kind: 'unreachable' });

    const stored = await requests.findByNumber(request.number);
    expect(stored!.status).toBe('new');
    expect(stored!.volunteer).toBeUndefined();
    expect(stored!.history.map((h) => h.type)).toEqual(['created', 'posted', 'posted', 'claimed', 'claim_undone']);
    expect(stored!.history.at(-1)).toMatchObject({ note: 'volunteer_unreachable', actor: { platform: 'telegram', userId: anna.userId } });
    // The group and the requester are told nothing about a claim that did not hold.
    await delivery.drain();
    expect(delivery.outbox.records.size).toBe(0);
    expect(telegram.updates()).toEqual([]);
    expect(vk.updates()).toEqual([]);
    expect(telegram.texts()).toEqual([]);

    expect((await claimRequest(request.number, boris)).kind).toBe('won');
    expect((await requests.findByNumber(request.number))!.volunteer).toEqual(boris);
  });

  it('treats a volunteer on a platform that is not running as unreachable', async () => {
    const details = createTaskDetails({ requests, accessLog: new FakeAccessLog(), outbox: delivery.outbox, messengers: { telegram }, now: steppingClock() });
    const claim = makeClaim({ details });
    expect(await claim(request.number, boris)).toEqual({ kind: 'unreachable' });
    expect((await requests.findByNumber(request.number))!.status).toBe('new');
  });

  it('gives the claim back on any other sending error, so pressing again may work', async () => {
    telegram.failing.set(anna.userId, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect(await claimRequest(request.number, anna)).toEqual({ kind: 'failed' });

    const stored = await requests.findByNumber(request.number);
    expect(stored!.status).toBe('new');
    expect(stored!.history.at(-1)).toMatchObject({ type: 'claim_undone', note: 'details_not_sent' });
    // The cause is logged for whoever looks into it.
    expect(logger.at('warn')).toEqual([
      expect.objectContaining({ obj: expect.objectContaining({ request: request.number, err: expect.objectContaining({ code: 'ECONNRESET' }) }) }),
    ]);

    telegram.failing.clear();
    expect((await claimRequest(request.number, anna)).kind).toBe('won');
  });
});

describe('the chat the button was pressed in', () => {
  it('accepts a press from a chat the request was posted to', async () => {
    expect((await claimRequest(request.number, boris, { platform: 'vk', chatId: '2000000002' })).kind).toBe('won');
  });

  it('accepts a press from the HQ chat and from a chat that serves the district now', async () => {
    expect((await claimRequest(request.number, anna, HQ)).kind).toBe('won');

    const other = await requests.create({ draft, channel: 'telegram', requester, at: new Date() });
    await districtChats.bind({ district: 'Ленинский', platform: 'telegram', chatId: '-100333' });
    expect((await claimRequest(other.number, anna, { platform: 'telegram', chatId: '-100333' })).kind).toBe('won');
  });

  it('refuses a press from an unrelated chat and claims nothing', async () => {
    await districtChats.bind({ district: 'Центральный', platform: 'telegram', chatId: '-100111' });
    expect(await claimRequest(request.number, anna, { platform: 'telegram', chatId: '-100111' })).toEqual({ kind: 'wrong_chat' });
    // Same chat id on the other platform is another chat.
    expect(await claimRequest(request.number, anna, { platform: 'vk', chatId: '-100222' })).toEqual({ kind: 'wrong_chat' });
    expect((await requests.findByNumber(request.number))!.status).toBe('new');
    expect(telegram.calls).toEqual([]);
  });

  it('answers not_found for an unknown number pressed in a chat', async () => {
    expect(await claimRequest(404, anna, HQ)).toEqual({ kind: 'not_found' });
  });
});
