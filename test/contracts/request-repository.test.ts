import { beforeEach, describe, expect, it } from 'vitest';
import type { HelpRequest, PersonRef } from '../../src/domain/request.js';
import type { NewRequest, RequestRepository } from '../../src/services/ports.js';
import { FakeRequestRepository, makeDraft } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { actorOf, allowed, COORDINATOR, FAR_FUTURE, LONG_AGO, minute, present, requester, volunteer } from './fixtures.js';

/** A request repository and the one write outside its port the contract needs: a requester's rating. */
interface RequestRepositorySubject {
  requests: RequestRepository;
  rate(number: number, by: PersonRef, rating: number, at: Date): Promise<void>;
}

/** What the services rely on from RequestRepository, stated once for every implementation. */
function describeRequestRepositoryContract(name: string, makeSubject: () => Promise<RequestRepositorySubject>) {
  describe(`RequestRepository contract: ${name}`, () => {
    let requests: RequestRepository;
    let rate: RequestRepositorySubject['rate'];
    beforeEach(async () => {
      ({ requests, rate } = await makeSubject());
    });

    const alice = requester(1);
    const filed = (overrides: Partial<NewRequest> = {}) =>
      requests.create({ draft: makeDraft(), channel: 'telegram', requester: alice, at: minute(0), ...overrides });
    const claimed = async (at: Date, by = volunteer(1), overrides: Partial<NewRequest> = {}) => {
      const request = await filed({ at, ...overrides });
      return present(await requests.claim(request.number, by, at), 'claim');
    };
    const done = async (at: Date, by = volunteer(1)) => {
      const request = await claimed(at, by);
      return present(await requests.applyTransition(request.number, allowed(request, { type: 'complete' }, actorOf(by), at)), 'done request');
    };

    describe('create and findByNumber', () => {
      it('stores the answers, the service time and a created event, and finds the request by its number', async () => {
        const draft = makeDraft();
        const created = await requests.create({ draft, channel: 'telegram', requester: alice, at: minute(5) });
        expect(created).toEqual({
          id: expect.any(String),
          number: expect.any(Number),
          status: 'new',
          channel: 'telegram',
          requester: alice,
          category: draft.category,
          age: draft.age,
          ageBand: '80+',
          district: draft.district,
          helpKind: draft.helpKind,
          extra: draft.extra,
          personal: draft.personal,
          consentAt: minute(5),
          round: 0,
          announcedUpTo: 0,
          posts: [],
          history: [{ type: 'created', at: minute(5), actor: { platform: 'telegram', userId: alice.userId }, channel: 'telegram' }],
          createdAt: minute(5),
        });
        expect(await requests.findByNumber(created.number)).toEqual(created);
      });

      it('stores a phone request with the operator who took it and no requester', async () => {
        const operator = { platform: 'vk' as const, userId: 'op1', displayName: 'Оператор' };
        const created = await requests.create({ draft: makeDraft(), channel: 'phone', takenBy: operator, at: minute(1) });
        expect(created).not.toHaveProperty('requester');
        expect(created.takenBy).toEqual(operator);
        expect(created.history).toEqual([{ type: 'created', at: minute(1), actor: { platform: 'vk', userId: 'op1' }, channel: 'phone' }]);
      });

      it('hands out distinct, rising numbers, also to twenty requests filed at once', async () => {
        const first = await filed();
        const second = await filed();
        expect(second.number).toBeGreaterThan(first.number);
        const together = await Promise.all(Array.from({ length: 20 }, () => filed()));
        expect(new Set([first, second, ...together].map((r) => r.number)).size).toBe(22);
        expect(new Set([first, second, ...together].map((r) => r.id)).size).toBe(22);
      });

      it('answers null for a number it never handed out', async () => {
        await filed();
        expect(await requests.findByNumber(999)).toBeNull();
      });

      it('returns copies: changing what came back does not change what is stored', async () => {
        const created = await filed();
        created.personal.name = 'changed';
        created.history.push({ type: 'posted', at: minute(9) });
        const found = present(await requests.findByNumber(created.number));
        found.extra.changed = 'yes';
        const again = present(await requests.findByNumber(created.number));
        expect(again.personal.name).toBe(makeDraft().personal.name);
        expect(again.history).toHaveLength(1);
        expect(again.extra).toEqual(makeDraft().extra);
      });
    });

    describe('createOnce', () => {
      const key = { key: 'form-1', fingerprint: 'digest-1' };
      const once = (at = minute(0), channel: NewRequest['channel'] = 'web') => requests.createOnce({ draft: makeDraft(), channel, at, clientKey: key });

      it('stores a request with its client key once; the same key again returns that request', async () => {
        const first = await once(minute(0));
        expect(first.created).toBe(true);
        expect(first.request.clientKey).toEqual(key);
        const replay = await once(minute(3));
        expect(replay).toEqual({ request: first.request, created: false });
        expect((await requests.search({ skip: 0, limit: 10 })).total).toBe(1);
      });

      it('keeps keys apart per channel', async () => {
        const web = await once(minute(0), 'web');
        const api = await once(minute(0), 'api:partner');
        expect(api.created).toBe(true);
        expect(api.request.number).not.toBe(web.request.number);
      });

      it('stores one request however many with the same key arrive at once', async () => {
        const results = await Promise.all(Array.from({ length: 10 }, () => once()));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.request.number)).size).toBe(1);
        expect((await requests.search({ skip: 0, limit: 10 })).total).toBe(1);
      });
    });

    describe('claim', () => {
      it('gives a new request to the volunteer, recording when and by whom', async () => {
        const request = await filed();
        const taken = present(await requests.claim(request.number, volunteer(1), minute(2)));
        expect(taken).toMatchObject({ status: 'claimed', volunteer: volunteer(1), claimedAt: minute(2), firstClaimedAt: minute(2) });
        expect(taken.history.at(-1)).toEqual({
          type: 'claimed',
          at: minute(2),
          actor: { platform: 'telegram', userId: 'v1' },
          channel: 'telegram',
          volunteer: volunteer(1),
        });
        expect(await requests.findByNumber(request.number)).toEqual(taken);
      });

      it('has exactly one winner of ten presses at once', async () => {
        const request = await filed();
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => requests.claim(request.number, volunteer(i), minute(1))));
        const winners = results.filter((r): r is HelpRequest => r !== null);
        expect(winners).toHaveLength(1);
        const stored = present(await requests.findByNumber(request.number));
        expect(stored.volunteer).toEqual(winners[0]!.volunteer);
        expect(stored.history.filter((e) => e.type === 'claimed')).toHaveLength(1);
      });

      it('keeps the earliest claim time as the first, whatever order claims are stored in', async () => {
        const request = await claimed(minute(5));
        present(await requests.undoClaim(request.number, volunteer(1), 'unreachable', minute(6)));
        const again = present(await requests.claim(request.number, volunteer(2), minute(3)));
        expect(again).toMatchObject({ claimedAt: minute(3), firstClaimedAt: minute(3) });
      });

      it('answers null for a request that is not new, or not there', async () => {
        const request = await claimed(minute(1));
        expect(await requests.claim(request.number, volunteer(2), minute(2))).toBeNull();
        expect(present(await requests.findByNumber(request.number)).volunteer).toEqual(volunteer(1));
        expect(await requests.claim(999, volunteer(2), minute(2))).toBeNull();
      });
    });

    describe('undoClaim', () => {
      it('gives the request back when the volunteer still holds it, keeping the first claim time', async () => {
        const request = await claimed(minute(1));
        const undone = present(await requests.undoClaim(request.number, volunteer(1), 'unreachable', minute(2)));
        expect(undone.status).toBe('new');
        expect(undone).not.toHaveProperty('volunteer');
        expect(undone).not.toHaveProperty('claimedAt');
        expect(undone.firstClaimedAt).toEqual(minute(1));
        expect(undone.history.at(-1)).toEqual({
          type: 'claim_undone',
          at: minute(2),
          actor: { platform: 'telegram', userId: 'v1' },
          channel: 'telegram',
          note: 'unreachable',
        });
      });

      it('answers null when someone else holds it, nobody does, or it is not there', async () => {
        const request = await claimed(minute(1));
        expect(await requests.undoClaim(request.number, volunteer(2), 'unreachable', minute(2))).toBeNull();
        expect(present(await requests.findByNumber(request.number)).status).toBe('claimed');
        const fresh = await filed();
        expect(await requests.undoClaim(fresh.number, volunteer(1), 'unreachable', minute(2))).toBeNull();
        expect(await requests.undoClaim(999, volunteer(1), 'unreachable', minute(2))).toBeNull();
      });
    });

    describe('applyTransition', () => {
      it('stores a release: back to new, nobody holds it, one round further, the event appended', async () => {
        const request = await claimed(minute(1));
        const released = present(
          await requests.applyTransition(request.number, allowed(request, { type: 'release', reason: 'заболел' }, actorOf(volunteer(1)), minute(3))),
        );
        expect(released).toMatchObject({ status: 'new', round: 1, firstClaimedAt: minute(1) });
        expect(released).not.toHaveProperty('volunteer');
        expect(released).not.toHaveProperty('claimedAt');
        expect(released.history.map((e) => e.type)).toEqual(['created', 'claimed', 'released']);
        expect(released.history.at(-1)).toMatchObject({ type: 'released', at: minute(3), comment: 'заболел', previousVolunteer: volunteer(1) });
        expect(await requests.findByNumber(request.number)).toEqual(released);
      });

      it('records when a request closed, and a later comment does not move it', async () => {
        const request = await claimed(minute(1));
        const closed = present(await requests.applyTransition(request.number, allowed(request, { type: 'complete' }, actorOf(volunteer(1)), minute(4))));
        expect(closed).toMatchObject({ status: 'done', volunteer: volunteer(1), closedAt: minute(4) });
        const commented = present(
          await requests.applyTransition(request.number, allowed(closed, { type: 'comment', comment: 'всё купили' }, actorOf(volunteer(1)), minute(6))),
        );
        expect(commented).toMatchObject({ status: 'done', closedAt: minute(4) });
        expect(commented.history.at(-1)).toMatchObject({ type: 'commented', at: minute(6), comment: 'всё купили' });
      });

      it('stores an assignment as a claim at the event time, keeping the first claim time on reassignment', async () => {
        const request = await filed();
        const assigned = present(
          await requests.applyTransition(request.number, allowed(request, { type: 'assign', volunteer: volunteer(1) }, COORDINATOR, minute(2))),
        );
        expect(assigned).toMatchObject({ status: 'claimed', volunteer: volunteer(1), claimedAt: minute(2), firstClaimedAt: minute(2) });
        const reassigned = present(
          await requests.applyTransition(request.number, allowed(assigned, { type: 'assign', volunteer: volunteer(2) }, COORDINATOR, minute(5))),
        );
        expect(reassigned).toMatchObject({ status: 'claimed', volunteer: volunteer(2), claimedAt: minute(5), firstClaimedAt: minute(2) });
      });

      it('answers null and changes nothing when the request is no longer as the rules saw it', async () => {
        const request = await claimed(minute(1));
        const release = allowed(request, { type: 'release', reason: 'заболел' }, actorOf(volunteer(1)), minute(3));
        present(await requests.applyTransition(request.number, release));
        const before = await requests.findByNumber(request.number);
        expect(await requests.applyTransition(request.number, release)).toBeNull();
        expect(await requests.findByNumber(request.number)).toEqual(before);
        expect(await requests.applyTransition(999, release)).toBeNull();
      });

      it('lets exactly one of two changes decided on the same state land', async () => {
        const request = await claimed(minute(1));
        const release = allowed(request, { type: 'release', reason: 'заболел' }, actorOf(volunteer(1)), minute(3));
        const reassign = allowed(request, { type: 'assign', volunteer: volunteer(2) }, COORDINATOR, minute(3));
        const results = await Promise.all([requests.applyTransition(request.number, release), requests.applyTransition(request.number, reassign)]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(present(await requests.findByNumber(request.number)).history).toHaveLength(3);
      });
    });

    describe('search', () => {
      it('filters by every field given, newest first with the number breaking ties, one page and the total', async () => {
        const a = await filed({ at: minute(10) });
        const b = await filed({ at: minute(20), draft: makeDraft({ district: 'Кировский' }) });
        const c = await filed({ at: minute(20) });
        const d = await claimed(minute(30));
        const phone = await requests.create({
          draft: makeDraft({ helpKind: 'groceries' }),
          channel: 'phone',
          takenBy: { ...volunteer(9), displayName: 'Оператор' },
          at: minute(40),
        });
        const numbers = (result: { items: HelpRequest[] }) => result.items.map((r) => r.number);

        const all = await requests.search({ skip: 0, limit: 10 });
        expect(numbers(all)).toEqual([phone.number, d.number, c.number, b.number, a.number]);
        expect(all.total).toBe(5);
        expect(numbers(await requests.search({ statuses: ['claimed'], skip: 0, limit: 10 }))).toEqual([d.number]);
        expect(numbers(await requests.search({ statuses: ['new', 'claimed'], district: 'Кировский', skip: 0, limit: 10 }))).toEqual([b.number]);
        expect(numbers(await requests.search({ helpKind: 'groceries', skip: 0, limit: 10 }))).toEqual([phone.number]);
        expect(numbers(await requests.search({ channel: 'telegram', skip: 0, limit: 10 }))).toEqual([d.number, c.number, b.number, a.number]);
        // Created at or after the start, before the end.
        expect(numbers(await requests.search({ createdFrom: minute(20), createdTo: minute(30), skip: 0, limit: 10 }))).toEqual([c.number, b.number]);
        const page = await requests.search({ skip: 1, limit: 2 });
        expect(numbers(page)).toEqual([d.number, c.number]);
        expect(page.total).toBe(5);
        expect(await requests.search({ statuses: ['done'], skip: 0, limit: 10 })).toEqual({ items: [], total: 0 });
        expect(await requests.search({ skip: 0, limit: 0 })).toEqual({ items: [], total: 5 });
      });
    });

    describe('listOpen', () => {
      it('lists new and claimed requests, newest first, by district, status and age, one page and the total', async () => {
        const a = await filed({ at: minute(10) });
        const b = await claimed(minute(20));
        const c = await filed({ at: minute(30), draft: makeDraft({ district: 'Кировский' }) });
        await done(minute(40));
        const numbers = (result: { items: HelpRequest[] }) => result.items.map((r) => r.number);

        const open = await requests.listOpen({ skip: 0, limit: 10 });
        expect(numbers(open)).toEqual([c.number, b.number, a.number]);
        expect(open.total).toBe(3);
        expect(numbers(await requests.listOpen({ status: 'new', skip: 0, limit: 10 }))).toEqual([c.number, a.number]);
        expect(numbers(await requests.listOpen({ district: makeDraft().district, skip: 0, limit: 10 }))).toEqual([b.number, a.number]);
        // Created before the moment, not at it.
        expect(numbers(await requests.listOpen({ createdBefore: minute(20), skip: 0, limit: 10 }))).toEqual([a.number]);
        const page = await requests.listOpen({ skip: 1, limit: 1 });
        expect(numbers(page)).toEqual([b.number]);
        expect(page.total).toBe(3);
      });
    });

    describe('listByVolunteer', () => {
      it('lists what a volunteer holds now, oldest claim first, up to the limit', async () => {
        const later = await claimed(minute(30));
        const earlier = await claimed(minute(10));
        await claimed(minute(20), volunteer(2));
        await done(minute(5));
        const vkNamesake = await claimed(minute(1), volunteer(1, 'vk'));
        expect((await requests.listByVolunteer(volunteer(1), 10)).map((r) => r.number)).toEqual([earlier.number, later.number]);
        expect((await requests.listByVolunteer(volunteer(1), 1)).map((r) => r.number)).toEqual([earlier.number]);
        expect((await requests.listByVolunteer(volunteer(1, 'vk'), 10)).map((r) => r.number)).toEqual([vkNamesake.number]);
        expect(await requests.listByVolunteer(volunteer(7), 10)).toEqual([]);
      });
    });

    describe('findWithHeld', () => {
      it('reads a request and what a volunteer holds in one go, as findByNumber and listByVolunteer do', async () => {
        const later = await claimed(minute(30));
        const earlier = await claimed(minute(10));
        const theirs = await claimed(minute(20), volunteer(2));
        await claimed(minute(1), volunteer(1, 'vk'));
        const open = await filed({ at: minute(40) });
        const pair = await requests.findWithHeld(open.number, volunteer(1), 10);
        expect(pair.request?.number).toBe(open.number);
        expect(pair.held.map((r) => r.number)).toEqual([earlier.number, later.number]);
        // The request may be one they hold, or someone else's.
        expect((await requests.findWithHeld(later.number, volunteer(1), 1)).held.map((r) => r.number)).toEqual([earlier.number]);
        expect((await requests.findWithHeld(theirs.number, volunteer(1), 10)).request?.volunteer?.userId).toBe(volunteer(2).userId);
        expect(await requests.findWithHeld(999_999, volunteer(7), 10)).toEqual({ request: null, held: [] });
      });
    });

    describe('countClaimsSince', () => {
      it('counts the claims a volunteer kept since a moment, whatever became of them, less those given back at once', async () => {
        await claimed(minute(5));
        await claimed(minute(10));
        await done(minute(20));
        const undone = await claimed(minute(25));
        await requests.undoClaim(undone.number, volunteer(1), 'volunteer_unreachable', minute(25));
        await claimed(minute(15), volunteer(2));
        await claimed(minute(15), volunteer(1, 'vk'));
        // From minute 10: the one still held and the one done; not the one before, nor the one given back.
        expect(await requests.countClaimsSince(volunteer(1), minute(10))).toBe(2);
        expect(await requests.countClaimsSince(volunteer(1), minute(0))).toBe(3);
        expect(await requests.countClaimsSince(volunteer(1, 'vk'), minute(0))).toBe(1);
        expect(await requests.countClaimsSince(volunteer(7), minute(0))).toBe(0);
      });
    });

    describe('listCreatedBetween', () => {
      it('lists requests created at or after the start and before the end, oldest first', async () => {
        const late = await filed({ at: minute(20) });
        const onStart = await filed({ at: minute(10) });
        await filed({ at: minute(9) });
        await filed({ at: minute(30) });
        expect((await requests.listCreatedBetween(minute(10), minute(30))).map((r) => r.number)).toEqual([onStart.number, late.number]);
        expect(await requests.listCreatedBetween(minute(100), minute(200))).toEqual([]);
      });
    });

    describe('listTouchedBetween', () => {
      it('lists requests with an event or a rating in [from, to), by number', async () => {
        const ratedLater = await done(minute(0));
        await rate(ratedLater.number, alice, 5, minute(60));
        const claimedInside = await claimed(minute(50));
        await filed({ at: minute(61) });
        const createdOnStart = await filed({ at: minute(45) });
        await filed({ at: minute(10) });
        expect((await requests.listTouchedBetween(minute(45), minute(61))).map((r) => r.number)).toEqual([
          ratedLater.number,
          claimedInside.number,
          createdOnStart.number,
        ]);
        expect(await requests.listTouchedBetween(minute(100), minute(200))).toEqual([]);
      });
    });

    describe('markRequesterUnreachable', () => {
      it("records the first time the requester's chat could not be written to, and only for their chat", async () => {
        const request = await filed();
        await requests.markRequesterUnreachable(request.number, 'someone-else', minute(1));
        expect(present(await requests.findByNumber(request.number))).not.toHaveProperty('requesterUnreachableAt');
        await requests.markRequesterUnreachable(request.number, alice.chatId, minute(2));
        await requests.markRequesterUnreachable(request.number, alice.chatId, minute(3));
        expect(present(await requests.findByNumber(request.number)).requesterUnreachableAt).toEqual(minute(2));
        await expect(requests.markRequesterUnreachable(999, alice.chatId, minute(3))).resolves.toBeUndefined();
      });
    });

    describe('addPost', () => {
      it('remembers each post and records where it went', async () => {
        const request = await filed();
        await requests.addPost(request.number, { platform: 'telegram', chatId: '-100', messageId: '7', viaHeadquarters: false, round: 0 }, minute(1));
        await requests.addPost(request.number, { platform: 'vk', chatId: '2000000001', messageId: '8', viaHeadquarters: true, round: 0 }, minute(2));
        const stored = present(await requests.findByNumber(request.number));
        expect(stored.posts).toEqual([
          { platform: 'telegram', chatId: '-100', messageId: '7', viaHeadquarters: false, round: 0 },
          { platform: 'vk', chatId: '2000000001', messageId: '8', viaHeadquarters: true, round: 0 },
        ]);
        expect(stored.history.slice(1)).toEqual([
          { type: 'posted', at: minute(1), channel: 'telegram', note: 'district' },
          { type: 'posted', at: minute(2), channel: 'vk', note: 'headquarters' },
        ]);
        await expect(
          requests.addPost(999, { platform: 'telegram', chatId: '-100', messageId: '9', viaHeadquarters: false, round: 0 }, minute(3)),
        ).resolves.toBeUndefined();
      });
    });

    describe('listByRequester and requesterActivity', () => {
      it("lists a requester's own requests newest first, the number breaking ties, up to the limit", async () => {
        const first = await filed({ at: minute(10) });
        const second = await filed({ at: minute(20) });
        const third = await filed({ at: minute(20) });
        await filed({ at: minute(30), requester: requester(2) });
        await filed({ at: minute(30), requester: { ...alice, platform: 'vk' } });
        expect((await requests.listByRequester(alice, 10)).map((r) => r.number)).toEqual([third.number, second.number, first.number]);
        expect((await requests.listByRequester(alice, 2)).map((r) => r.number)).toEqual([third.number, second.number]);
        expect(await requests.listByRequester(requester(7), 10)).toEqual([]);
      });

      it('counts the open ones and tells when the last was filed', async () => {
        expect(await requests.requesterActivity(alice)).toEqual({ open: 0, lastCreatedAt: null });
        await done(minute(50));
        await claimed(minute(10));
        await filed({ at: minute(30) });
        await filed({ at: minute(90), requester: requester(2) });
        expect(await requests.requesterActivity(alice)).toEqual({ open: 2, lastCreatedAt: minute(50) });
      });
    });

    describe('effects mark', () => {
      // Bounds before and after every write only: MongoDB dates a change to a stored request by its own
      // clock (mongoose's updatedAt), not the service's, so a bound between two changes would test the
      // machine's clock.
      const markedNumbers = async (before = FAR_FUTURE) => (await requests.listMarkedForEffects(before, 100)).map((r) => r.number).sort((x, y) => x - y);

      it('marks every change until its messages are in the outbox, and lists only changes before the moment given', async () => {
        const request = await filed();
        const other = await filed();
        expect(await markedNumbers()).toEqual([request.number, other.number]);
        expect(await markedNumbers(LONG_AGO)).toEqual([]);
        expect(await requests.listMarkedForEffects(FAR_FUTURE, 1)).toHaveLength(1);

        await requests.clearEffectsMark(request.number, 1);
        expect(await markedNumbers()).toEqual([other.number]);
        expect(present(await requests.findByNumber(request.number)).announcedUpTo).toBe(1);
        await requests.claim(request.number, volunteer(1), minute(1));
        expect(await markedNumbers()).toEqual([request.number, other.number]);
      });

      it('keeps the mark when the request changed after the messages were worked out, and never lowers what was announced', async () => {
        const request = await filed();
        await requests.claim(request.number, volunteer(1), minute(1));
        // The messages of the creation (one event) reach the outbox after the claim was stored.
        await requests.clearEffectsMark(request.number, 1);
        expect(await markedNumbers()).toEqual([request.number]);
        expect(present(await requests.findByNumber(request.number)).announcedUpTo).toBe(1);
        await requests.clearEffectsMark(request.number, 2);
        await requests.clearEffectsMark(request.number, 1);
        expect(await markedNumbers()).toEqual([]);
        expect(present(await requests.findByNumber(request.number)).announcedUpTo).toBe(2);
        await expect(requests.clearEffectsMark(999, 1)).resolves.toBeUndefined();
      });
    });
  });
}

describeRequestRepositoryContract('in-memory fake', async () => {
  const requests = new FakeRequestRepository();
  return { requests, rate: async (number, _by, rating, at) => requests.setFeedback(number, { rating, at }) };
});

const database = useContractDatabase();
describeRequestRepositoryContract('MongoDB', async () => {
  const { repositories } = await database.fresh();
  return {
    requests: repositories.requests,
    rate: async (number, by, rating, at) => {
      present(await repositories.feedback.rate(number, by, rating, at), 'rating');
    },
  };
});
