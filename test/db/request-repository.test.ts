import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { decide } from '../../src/domain/lifecycle.js';
import type { Volunteer } from '../../src/domain/request.js';
import type { NewRequest, RequestRepository } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { makeDraft } from '../support/fakes.js';

let t: TestDatabase;
let requests: RequestRepository;
// Two more connections to the same database, as two more bot processes would hold.
let others: Database[];

beforeAll(async () => {
  t = await startTestDatabase();
  requests = t.db.repositories.requests;
  others = [await t.connectAgain(), await t.connectAgain()];
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(async () => {
  // The counter is cleared too, so every test starts numbering at 1.
  await Promise.all(['requests', 'counters'].map((name) => t.db.connection.collection(name).deleteMany({})));
});

const AT = new Date('2025-03-01T09:00:00Z');
const requester = { platform: 'telegram' as const, userId: '1001', chatId: '1001' };

function newRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return { draft: makeDraft(), channel: 'telegram', requester, at: AT, ...overrides };
}

function volunteer(i: number, platform: Volunteer['platform'] = 'telegram'): Volunteer {
  return { platform, userId: `v${i}`, displayName: `Волонтёр ${i}` };
}

describe('create', () => {
  it('numbers requests sequentially from 1', async () => {
    const numbers = [];
    for (let i = 0; i < 3; i++) numbers.push((await requests.create(newRequest())).number);
    expect(numbers).toEqual([1, 2, 3]);
  });

  it('gives 50 concurrent creates 50 distinct consecutive numbers', async () => {
    // No unique index is enforced by the in-process server: only the atomic $inc keeps numbers unique.
    const created = await Promise.all(Array.from({ length: 50 }, () => requests.create(newRequest())));
    const numbers = created.map((r) => r.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await t.db.connection.collection('requests').countDocuments()).toBe(50);
    // One counter document: concurrent upserts of the first number must not have created two.
    expect(await t.db.connection.collection('counters').countDocuments()).toBe(1);
  });

  it('gives concurrent creates from three connections distinct consecutive numbers', async () => {
    const repos = [requests, ...others.map((o) => o.repositories.requests)];
    const created = await Promise.all(Array.from({ length: 60 }, (_, i) => repos[i % 3]!.create(newRequest())));
    const numbers = created.map((r) => r.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('never reuses a number, even of a request that is gone', async () => {
    const first = await requests.create(newRequest());
    await t.db.connection.collection('requests').deleteOne({ number: first.number });
    const second = await requests.create(newRequest());
    expect(second.number).toBe(first.number + 1);
  });

  it('stores a new request with its personal data, requester, channel and a created event', async () => {
    const draft = makeDraft();
    const vkRequester = { platform: 'vk' as const, userId: '555', chatId: '2000000555' };
    const created = await requests.create(newRequest({ draft, channel: 'vk', requester: vkRequester }));

    expect(created).toMatchObject({
      number: 1,
      status: 'new',
      channel: 'vk',
      requester: vkRequester,
      category: draft.category,
      age: draft.age,
      district: draft.district,
      helpKind: draft.helpKind,
      extra: draft.extra,
      personal: draft.personal,
      consentAt: AT,
      posts: [],
    });
    expect(created.volunteer).toBeUndefined();
    expect(created.claimedAt).toBeUndefined();
    expect(created.history).toEqual([{ type: 'created', at: AT, actor: { platform: 'vk', userId: '555' }, channel: 'vk' }]);
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('reads back exactly what create returned', async () => {
    const created = await requests.create(newRequest());
    const found = await requests.findByNumber(created.number);
    expect(found).toEqual(created);
    // Plain objects, not mongoose documents or Maps, cross the port.
    expect(found!.extra).not.toBeInstanceOf(Map);
    expect(Object.getPrototypeOf(found)).toBe(Object.prototype);
  });
});

describe('findByNumber', () => {
  it('returns null for an unknown number', async () => {
    await requests.create(newRequest());
    expect(await requests.findByNumber(999)).toBeNull();
  });
});

describe('claim', () => {
  it('gives a new request to the volunteer and records the claim', async () => {
    const { number } = await requests.create(newRequest());
    const at = new Date('2025-03-01T10:00:00Z');
    const claimed = await requests.claim(number, volunteer(1), at);

    expect(claimed).toMatchObject({ number, status: 'claimed', volunteer: volunteer(1), claimedAt: at, firstClaimedAt: at });
    expect(claimed!.history.map((h) => h.type)).toEqual(['created', 'claimed']);
    expect(claimed!.history[1]).toEqual({ type: 'claimed', at, actor: { platform: 'telegram', userId: 'v1' }, channel: 'telegram', volunteer: volunteer(1) });
    expect(await requests.findByNumber(number)).toEqual(claimed);
  });

  it('returns null for a request that is already claimed, and leaves it with its holder', async () => {
    const { number } = await requests.create(newRequest());
    await requests.claim(number, volunteer(1), AT);
    expect(await requests.claim(number, volunteer(2), AT)).toBeNull();
    // Not even the holder can claim it twice.
    expect(await requests.claim(number, volunteer(1), AT)).toBeNull();
    const stored = await requests.findByNumber(number);
    expect(stored!.volunteer).toEqual(volunteer(1));
    expect(stored!.history.filter((h) => h.type === 'claimed')).toHaveLength(1);
  });

  it('returns null for an unknown number', async () => {
    expect(await requests.claim(42, volunteer(1), AT)).toBeNull();
  });

  it('lets exactly one of 50 simultaneous volunteers win', async () => {
    const { number } = await requests.create(newRequest());
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => requests.claim(number, volunteer(i), AT)));
    await expectOneWinner(number, results);
  });

  it('lets exactly one of 50 simultaneous volunteers win across three connections', async () => {
    const { number } = await requests.create(newRequest());
    const repos = [requests, ...others.map((o) => o.repositories.requests)];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => repos[i % 3]!.claim(number, volunteer(i), AT)));
    await expectOneWinner(number, results);
  });

  async function expectOneWinner(number: number, results: Awaited<ReturnType<RequestRepository['claim']>>[]) {
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    const stored = await requests.findByNumber(number);
    expect(stored!.status).toBe('claimed');
    expect(stored!.volunteer).toEqual(winner.volunteer);
    expect(stored!.history.filter((h) => h.type === 'claimed')).toHaveLength(1);
    expect(stored!.history.find((h) => h.type === 'claimed')!.actor?.userId).toBe(winner.volunteer!.userId);
  }
});

describe('undoClaim', () => {
  it('does nothing when someone other than the holder undoes', async () => {
    const { number } = await requests.create(newRequest());
    const claimed = await requests.claim(number, volunteer(1), AT);

    expect(await requests.undoClaim(number, { platform: 'telegram', userId: 'v2' }, 'volunteer_unreachable', AT)).toBeNull();
    // Same user id on the other platform is a different person.
    expect(await requests.undoClaim(number, { platform: 'vk', userId: 'v1' }, 'volunteer_unreachable', AT)).toBeNull();
    expect(await requests.findByNumber(number)).toEqual(claimed);
  });

  it('returns null for a request nobody holds', async () => {
    const { number } = await requests.create(newRequest());
    expect(await requests.undoClaim(number, { platform: 'telegram', userId: 'v1' }, 'x', AT)).toBeNull();
    expect((await requests.findByNumber(number))!.history.map((h) => h.type)).toEqual(['created']);
  });

  it('gives the request back when the holder undoes, so another volunteer can claim it', async () => {
    const { number } = await requests.create(newRequest());
    await requests.claim(number, volunteer(1), AT);
    const undoneAt = new Date('2025-03-01T10:05:00Z');

    const undone = await requests.undoClaim(number, { platform: 'telegram', userId: 'v1' }, 'volunteer_unreachable', undoneAt);
    expect(undone).not.toBeNull();
    expect(undone!.status).toBe('new');
    expect(undone!.volunteer).toBeUndefined();
    expect(undone!.claimedAt).toBeUndefined();
    expect(undone!.history.at(-1)).toEqual({
      type: 'claim_undone',
      at: undoneAt,
      actor: { platform: 'telegram', userId: 'v1' },
      channel: 'telegram',
      note: 'volunteer_unreachable',
    });
    // The fields are really gone from the document, not just nulled.
    const raw = await t.db.connection.collection('requests').findOne({ number });
    expect(raw).not.toHaveProperty('volunteer');
    expect(raw).not.toHaveProperty('claimedAt');

    const again = await requests.claim(number, volunteer(2), AT);
    expect(again?.volunteer).toEqual(volunteer(2));
    expect(again!.history.map((h) => h.type)).toEqual(['created', 'claimed', 'claim_undone', 'claimed']);
  });
});

describe('addPost', () => {
  it('appends each post and a posted event', async () => {
    const { number } = await requests.create(newRequest());
    const district = { platform: 'telegram' as const, chatId: '-100123', messageId: '77', viaHeadquarters: false, round: 0 };
    const hq = { platform: 'vk' as const, chatId: '2000000001', messageId: '5', viaHeadquarters: true, round: 0 };
    await requests.addPost(number, district, new Date('2025-03-01T09:00:01Z'));
    await requests.addPost(number, hq, new Date('2025-03-01T09:00:02Z'));

    const stored = await requests.findByNumber(number);
    expect(stored!.posts).toEqual([district, hq]);
    expect(stored!.history.slice(1)).toEqual([
      { type: 'posted', at: new Date('2025-03-01T09:00:01Z'), channel: 'telegram', note: 'district' },
      { type: 'posted', at: new Date('2025-03-01T09:00:02Z'), channel: 'vk', note: 'headquarters' },
    ]);
  });

  it('keeps both posts when two are added at once (two platforms posting in parallel)', async () => {
    const { number } = await requests.create(newRequest());
    await Promise.all([
      requests.addPost(number, { platform: 'telegram', chatId: '-1', messageId: '1', viaHeadquarters: false, round: 0 }, AT),
      requests.addPost(number, { platform: 'vk', chatId: '2', messageId: '2', viaHeadquarters: false, round: 0 }, AT),
    ]);
    const stored = await requests.findByNumber(number);
    expect(stored!.posts.map((p) => p.platform).sort()).toEqual(['telegram', 'vk']);
    expect(stored!.history.filter((h) => h.type === 'posted')).toHaveLength(2);
  });
});

describe('listByRequester', () => {
  it("returns only that requester's requests, newest first, limited", async () => {
    const other = { platform: 'telegram' as const, userId: '2002', chatId: '2002' };
    // Same user id on VK is another person.
    const sameIdOnVk = { platform: 'vk' as const, userId: '1001', chatId: '1001' };
    for (let i = 0; i < 5; i++) {
      await requests.create(newRequest());
      await requests.create(newRequest({ requester: other }));
      await requests.create(newRequest({ requester: sameIdOnVk, channel: 'vk' }));
    }
    // Requests of the requester are numbered 1, 4, 7, 10, 13.
    const mine = await requests.listByRequester(requester, 3);
    expect(mine.map((r) => r.number)).toEqual([13, 10, 7]);
    expect(mine.every((r) => r.requester?.userId === '1001' && r.requester.platform === 'telegram')).toBe(true);

    const all = await requests.listByRequester(requester, 10);
    expect(all.map((r) => r.number)).toEqual([13, 10, 7, 4, 1]);
  });

  it('orders requests created within the same millisecond newest first', async () => {
    for (let i = 0; i < 6; i++) await requests.create(newRequest());
    // Busy bots do create requests within one millisecond; made certain here by equalising createdAt.
    await t.db.connection.collection('requests').updateMany({}, { $set: { createdAt: AT } });
    const mine = await requests.listByRequester(requester, 6);
    expect(mine.map((r) => r.number)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('returns an empty list for someone without requests', async () => {
    await requests.create(newRequest());
    expect(await requests.listByRequester({ platform: 'telegram', userId: 'nobody' }, 10)).toEqual([]);
  });
});

describe('requesterActivity', () => {
  it("counts the requester's open requests only, and gives the time of their latest one", async () => {
    const other = { platform: 'telegram' as const, userId: '2002', chatId: '2002' };
    const sameIdOnVk = { platform: 'vk' as const, userId: '1001', chatId: '1001' };
    expect(await requests.requesterActivity(requester)).toEqual({ open: 0, lastCreatedAt: null });
    const first = await requests.create(newRequest());
    await requests.create(newRequest({ requester: other }));
    await requests.create(newRequest({ requester: sameIdOnVk, channel: 'vk' }));
    const later = new Date(AT.getTime() + 60_000);
    await requests.create({ ...newRequest(), at: later });
    await t.db.connection.collection('requests').updateOne({ number: first.number }, { $set: { status: 'done' } });
    expect(await requests.requesterActivity(requester)).toEqual({ open: 1, lastCreatedAt: later });
  });
});

describe('applyTransition', () => {
  const coordinator = { person: { platform: 'telegram' as const, userId: '900' }, channel: 'telegram' as const, isCoordinator: true };
  const asHolder = (v: Volunteer) => ({ person: { platform: v.platform, userId: v.userId }, channel: v.platform, isCoordinator: false });

  it('stores an allowed change with its event, and the times it implies', async () => {
    const { number } = await requests.create(newRequest());
    const claimed = await requests.claim(number, volunteer(1), AT);
    const later = new Date('2025-03-01T12:00:00Z');
    const decision = decide(claimed!, { type: 'complete', comment: 'Всё привёз' }, asHolder(volunteer(1)), later);
    const done = await requests.applyTransition(number, decision.ok ? decision.transition : never());
    expect(done).toMatchObject({ status: 'done', volunteer: volunteer(1), closedAt: later, firstClaimedAt: AT });
    expect(done!.history.at(-1)).toEqual({
      type: 'done',
      at: later,
      actor: { platform: 'telegram', userId: 'v1' },
      channel: 'telegram',
      comment: 'Всё привёз',
      previousVolunteer: volunteer(1),
    });
    expect(await requests.findByNumber(number)).toEqual(done);
  });

  it('starts a new posting round on release and keeps the first claim time through a reassignment', async () => {
    const { number } = await requests.create(newRequest());
    const claimed = await requests.claim(number, volunteer(1), AT);
    const released = decide(claimed!, { type: 'release', reason: 'Заболел' }, asHolder(volunteer(1)), new Date('2025-03-01T10:00:00Z'));
    const back = await requests.applyTransition(number, released.ok ? released.transition : never());
    expect(back).toMatchObject({ status: 'new', round: 1 });
    expect(back).not.toHaveProperty('volunteer');
    expect(back).not.toHaveProperty('claimedAt');
    const assign = decide(back!, { type: 'assign', volunteer: volunteer(2) }, coordinator, new Date('2025-03-01T11:00:00Z'));
    const assigned = await requests.applyTransition(number, assign.ok ? assign.transition : never());
    expect(assigned).toMatchObject({ status: 'claimed', volunteer: volunteer(2), claimedAt: new Date('2025-03-01T11:00:00Z'), firstClaimedAt: AT, round: 1 });
  });

  it('refuses to store a change decided on a request that has changed since', async () => {
    const { number } = await requests.create(newRequest());
    const claimed = await requests.claim(number, volunteer(1), AT);
    const release = decide(claimed!, { type: 'release', reason: 'Не успеваю' }, asHolder(volunteer(1)), AT);
    const reassign = decide(claimed!, { type: 'assign', volunteer: volunteer(2) }, coordinator, AT);
    expect(await requests.applyTransition(number, reassign.ok ? reassign.transition : never())).not.toBeNull();
    // The release was decided when volunteer 1 held it; now volunteer 2 does.
    expect(await requests.applyTransition(number, release.ok ? release.transition : never())).toBeNull();
    expect(await requests.findByNumber(number)).toMatchObject({ status: 'claimed', volunteer: volunteer(2) });
  });

  it('leaves a volunteer releasing and a coordinator reassigning at once in one consistent state, every round', async () => {
    const outcomes = { releaseFirst: 0, reassignFirst: 0 };
    for (let round = 0; round < 20; round++) {
      const { number } = await requests.create(newRequest());
      const claimed = (await requests.claim(number, volunteer(1), AT))!;
      const release = decide(claimed, { type: 'release', reason: 'Не успеваю' }, asHolder(volunteer(1)), AT);
      const reassign = decide(claimed, { type: 'assign', volunteer: volunteer(2) }, coordinator, AT);
      // From two connections, as a volunteer's and a coordinator's updates would arrive.
      const [released, reassigned] = await Promise.all([
        others[0]!.repositories.requests.applyTransition(number, release.ok ? release.transition : never()),
        others[1]!.repositories.requests.applyTransition(number, reassign.ok ? reassign.transition : never()),
      ]);
      expect([released, reassigned].filter(Boolean)).toHaveLength(1);
      const stored = (await requests.findByNumber(number))!;
      const changes = stored.history.filter((e) => e.type === 'released' || e.type === 'assigned');
      expect(changes).toHaveLength(1);
      if (released) {
        outcomes.releaseFirst++;
        expect(stored).toMatchObject({ status: 'new', round: 1 });
        expect(stored.volunteer).toBeUndefined();
      } else {
        outcomes.reassignFirst++;
        expect(stored).toMatchObject({ status: 'claimed', volunteer: volunteer(2), round: 0 });
      }
    }
    console.log(`release vs reassign, 20 rounds: release won ${outcomes.releaseFirst}, reassign won ${outcomes.reassignFirst}, inconsistent 0`);
  });
});

describe('listOpen, listByVolunteer, listCreatedBetween', () => {
  async function seed() {
    const at = (h: number) => new Date(Date.UTC(2025, 2, 1, h));
    const made = [];
    for (const [i, district] of ['Ленинский', 'Центральный', 'Ленинский', 'Ленинский'].entries()) {
      made.push(await requests.create(newRequest({ draft: makeDraft({ district }), at: at(8 + i) })));
    }
    await requests.claim(made[2]!.number, volunteer(1), at(12));
    const claimedFour = await requests.claim(made[3]!.number, volunteer(1), at(13));
    const done = decide(
      claimedFour!,
      { type: 'complete' },
      { person: { platform: 'telegram', userId: 'v1' }, channel: 'telegram', isCoordinator: false },
      at(14),
    );
    await requests.applyTransition(made[3]!.number, done.ok ? done.transition : never());
    return made.map((r) => r.number);
  }

  it('lists open requests newest first, by district, status and age, a page at a time', async () => {
    const [n1, n2, n3] = await seed();
    expect(await requests.listOpen({ skip: 0, limit: 10 }).then((p) => [p.total, p.items.map((r) => r.number)])).toEqual([3, [n3, n2, n1]]);
    expect(await requests.listOpen({ district: 'Ленинский', skip: 0, limit: 10 }).then((p) => p.items.map((r) => r.number))).toEqual([n3, n1]);
    expect(await requests.listOpen({ status: 'new', skip: 0, limit: 10 }).then((p) => p.items.map((r) => r.number))).toEqual([n2, n1]);
    expect(
      await requests
        .listOpen({ status: 'new', createdBefore: new Date(Date.UTC(2025, 2, 1, 9)), skip: 0, limit: 10 })
        .then((p) => p.items.map((r) => r.number)),
    ).toEqual([n1]);
    expect(await requests.listOpen({ skip: 1, limit: 1 }).then((p) => [p.total, p.items.map((r) => r.number)])).toEqual([3, [n2]]);
  });

  it("lists a volunteer's claimed requests only", async () => {
    const [, , n3] = await seed();
    expect((await requests.listByVolunteer({ platform: 'telegram', userId: 'v1' }, 10)).map((r) => r.number)).toEqual([n3]);
    expect(await requests.listByVolunteer({ platform: 'vk', userId: 'v1' }, 10)).toEqual([]);
  });

  it('lists the requests created in a period, oldest first', async () => {
    const [n1, n2, n3, n4] = await seed();
    const all = await requests.listCreatedBetween(new Date(Date.UTC(2025, 2, 1)), new Date(Date.UTC(2025, 2, 2)));
    expect(all.map((r) => r.number)).toEqual([n1, n2, n3, n4]);
    const some = await requests.listCreatedBetween(new Date(Date.UTC(2025, 2, 1, 9)), new Date(Date.UTC(2025, 2, 1, 11)));
    expect(some.map((r) => r.number)).toEqual([n2, n3]);
  });
});

function never(): never {
  throw new Error('the rules refused a change the test expects to be allowed');
}
