import { beforeEach, describe, expect, it } from 'vitest';
import type { HelpRequest, Volunteer } from '../../src/domain/request.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createClaimRequest } from '../../src/services/claim-request.js';
import { createIsCoordinator } from '../../src/services/coordinators.js';
import { createVolunteerVetting } from '../../src/services/volunteer-vetting.js';
import { createTestDelivery } from '../support/delivery.js';
import {
  FakeDistrictChatRepository,
  FakeOutbox,
  FakeRequestRepository,
  FakeApplicationViewLog,
  FakeVolunteerRoster,
  makeDraft,
  RecordingLogger,
  RecordingMessenger,
  steppingClock,
} from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

/**
 * How many database round trips a press of «Взять заявку» waits for, one after another. Every
 * repository call is counted with the number of calls that had finished when it began: calls made
 * side by side begin at the same count, so the distinct counts are the sequential round trips.
 */
class RoundTrips {
  private finished = 0;
  private readonly starts: number[] = [];

  /** The object with each method counted. */
  wrap<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (object, name, receiver) => {
        const value = Reflect.get(object, name, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          this.starts.push(this.finished);
          // A round trip takes a turn of the event loop, as a real one does.
          await new Promise((resolve) => setImmediate(resolve));
          try {
            return await value.apply(object, args);
          } finally {
            this.finished++;
          }
        };
      },
    });
  }

  reset(): void {
    this.starts.length = 0;
  }

  get sequential(): number {
    return new Set(this.starts).size;
  }
}

const HQ = { platform: 'telegram' as const, chatId: '-100999' };
const GROUP = { platform: 'telegram' as const, chatId: '-100222' };
const requester = { platform: 'telegram' as const, userId: '1001', chatId: '1001' };
const volunteer = (userId: string): Volunteer => ({ platform: 'telegram', userId, displayName: `В${userId}` });

let requests: FakeRequestRepository;
let roster: FakeVolunteerRoster;
let districtChats: FakeDistrictChatRepository;
let delivery: ReturnType<typeof createTestDelivery>;
let request: HelpRequest;

async function newPostedRequest(): Promise<HelpRequest> {
  const filed = await requests.create({ draft: makeDraft({ district: 'Ленинский' }), channel: 'telegram', requester, at: new Date() });
  await requests.addPost(filed.number, { ...GROUP, messageId: String(filed.number), viaHeadquarters: false, round: 0 }, new Date());
  return filed;
}

async function approve(userId: string): Promise<void> {
  await roster.approveExisting([{ platform: 'telegram', userId }], new Date());
}

/** The claim of one presser, its every database call counted by `trips` (the stores are shared). */
function claimCountedBy(trips: RoundTrips) {
  // The granted coordinators are a database lookup too.
  const isCoordinator = createIsCoordinator({ telegram: ['900'] }, trips.wrap({ granted: async () => false }).granted);
  const logger = new RecordingLogger();
  const vetting = createVolunteerVetting({
    roster: trips.wrap(roster),
    views: new FakeApplicationViewLog(),
    isCoordinator,
    outbox: new FakeOutbox(),
    wake: () => undefined,
    headquartersChats: [HQ],
    requireApproval: true,
    decisionText: () => '',
    logger,
    now: () => new Date(),
  });
  return createClaimRequest({
    requests: trips.wrap(requests),
    districtChats: trips.wrap(districtChats),
    headquartersChats: [HQ],
    afterChange: delivery.afterChange,
    details: delivery.details,
    maxHeld: 2,
    mayClaim: (v) => vetting.mayClaim(v),
    logger,
    now: steppingClock(),
  });
}

/** One press, and the sequential round trips it waited for. */
async function press(number: number, userId: string) {
  const trips = new RoundTrips();
  const outcome = await claimCountedBy(trips)(number, volunteer(userId), GROUP);
  return { outcome, trips: trips.sequential };
}

beforeEach(async () => {
  requests = new FakeRequestRepository();
  roster = new FakeVolunteerRoster();
  districtChats = new FakeDistrictChatRepository();
  delivery = createTestDelivery({
    requests,
    districtChats,
    messengers: { telegram: new RecordingMessenger('telegram') },
    headquartersChats: [HQ],
    texts: createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario),
    catalog: catalogs.ru,
    logger: new RecordingLogger(),
    now: steppingClock(),
  });
  request = await newPostedRequest();
});

describe('the database round trips of a press that cannot win', () => {
  it('is one for a request already taken and a presser at the limit, two for a presser not approved (who may be a coordinator)', async () => {
    await approve('1');
    await approve('2');
    expect((await press(request.number, '1')).outcome.kind).toBe('won');
    expect(await press(request.number, '2')).toEqual({ outcome: { kind: 'taken' }, trips: 1 });

    const fresh = await newPostedRequest();
    expect(await press(fresh.number, '3')).toEqual({ outcome: { kind: 'not_approved', status: 'none' }, trips: 2 });

    // Volunteer 1 takes a second request and is then at the limit of two.
    expect((await press(fresh.number, '1')).outcome.kind).toBe('won');
    const third = await newPostedRequest();
    expect(await press(third.number, '1')).toEqual({ outcome: { kind: 'too_many', max: 2 }, trips: 1 });
  });

  it('is two for a press that loses the race: the reads side by side, then the claim another press won', async () => {
    const pressers = ['1', '2', '3', '4', '5'];
    for (const id of pressers) await approve(id);
    const presses = await Promise.all(pressers.map((id) => press(request.number, id)));
    const losers = presses.filter((p) => p.outcome.kind !== 'won');
    expect(presses.filter((p) => p.outcome.kind === 'won')).toHaveLength(1);
    expect(losers.map((p) => p.outcome.kind)).toEqual(['taken', 'taken', 'taken', 'taken']);
    for (const loser of losers) expect(loser.trips).toBeLessThanOrEqual(2);
    const stored = await requests.findByNumber(request.number);
    expect(stored?.history.filter((e) => e.type === 'claimed')).toHaveLength(1);
  });
});
