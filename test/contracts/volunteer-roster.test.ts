import { beforeEach, describe, expect, it } from 'vitest';
import type { PersonRef } from '../../src/domain/request.js';
import type { VolunteerRecord } from '../../src/domain/volunteer.js';
import type { VolunteerApplication, VolunteerRoster } from '../../src/services/ports.js';
import { FakeVolunteerRoster } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { minute, present } from './fixtures.js';

const ann: PersonRef = { platform: 'telegram', userId: '1' };
const bob: PersonRef = { platform: 'telegram', userId: '2' };
const cat: PersonRef = { platform: 'telegram', userId: '3' };
// Same id as Ann, another platform: another person.
const vika: PersonRef = { platform: 'vk', userId: '1' };
const coordinator: PersonRef = { platform: 'telegram', userId: 'c1' };

function application(person: PersonRef, at: Date, overrides: Partial<VolunteerApplication> = {}): VolunteerApplication {
  return { person, details: { name: `Имя ${person.userId}`, phone: '+79990000000' }, districts: ['north'], skills: ['shopping'], at, ...overrides };
}

function created(result: { record: VolunteerRecord } | { existing: VolunteerRecord }): VolunteerRecord {
  if (!('record' in result)) throw new Error('expected a new application, got an existing record');
  return result.record;
}

/** What the vetting services rely on from VolunteerRoster, stated once for every implementation. */
function describeVolunteerRosterContract(name: string, makeRoster: () => Promise<VolunteerRoster>) {
  describe(`VolunteerRoster contract: ${name}`, () => {
    let roster: VolunteerRoster;
    beforeEach(async () => {
      roster = await makeRoster();
    });

    it('files an application as a pending record numbered 1, 2… with the application as its history', async () => {
      const first = created(await roster.apply(application(ann, minute(1))));
      expect(first).toEqual({
        number: 1,
        person: ann,
        status: 'pending',
        details: { name: 'Имя 1', phone: '+79990000000' },
        districts: ['north'],
        skills: ['shopping'],
        appliedAt: minute(1),
        rulesAcceptedAt: minute(1),
        history: [{ status: 'pending', at: minute(1) }],
      });
      expect(created(await roster.apply(application(vika, minute(2)))).number).toBe(2);
      expect(await roster.find(ann)).toEqual(first);
      expect(await roster.findByNumber(1)).toEqual(first);
      expect((await roster.find(vika))?.person).toEqual(vika);
      expect(await roster.find(bob)).toBeNull();
      expect(await roster.findByNumber(3)).toBeNull();
    });

    it('gives a pending, approved or suspended person what they have, and changes nothing', async () => {
      const pending = created(await roster.apply(application(ann, minute(1))));
      expect(await roster.apply(application(ann, minute(2), { districts: ['south'] }))).toEqual({ existing: pending });
      expect(await roster.find(ann)).toEqual(pending);

      created(await roster.apply(application(bob, minute(3))));
      const approved = present(await roster.decide(2, ['pending'], { status: 'approved', at: minute(4), by: coordinator }));
      expect(await roster.apply(application(bob, minute(5), { details: { name: 'Другое', phone: '1' } }))).toEqual({ existing: approved });
      const suspended = present(await roster.decide(2, ['approved'], { status: 'suspended', at: minute(6), by: coordinator, reason: 'жалоба' }));
      expect(await roster.apply(application(bob, minute(7)))).toEqual({ existing: suspended });
      expect(await roster.find(bob)).toEqual(suspended);
      // No number was spent on those: the next person gets the next one.
      expect(created(await roster.apply(application(cat, minute(8)))).number).toBe(3);
    });

    it('files a fresh application over a rejected one, keeping its number and history', async () => {
      created(await roster.apply(application(ann, minute(1))));
      await roster.decide(1, ['pending'], { status: 'rejected', at: minute(2), by: coordinator, reason: 'не дозвонились' });
      const again = created(
        await roster.apply(
          application(ann, minute(3), { details: { name: 'Анна', phone: '+70000000001' }, districts: ['south', 'east'], skills: ['driving'] }),
        ),
      );
      expect(again).toEqual({
        number: 1,
        person: ann,
        status: 'pending',
        details: { name: 'Анна', phone: '+70000000001' },
        districts: ['south', 'east'],
        skills: ['driving'],
        appliedAt: minute(3),
        rulesAcceptedAt: minute(3),
        history: [
          { status: 'pending', at: minute(1) },
          { status: 'rejected', at: minute(2), by: coordinator, reason: 'не дозвонились' },
          { status: 'pending', at: minute(3) },
        ],
      });
      expect(await roster.find(ann)).toEqual(again);
      expect(created(await roster.apply(application(bob, minute(4)))).number).toBe(2);
    });

    it('decides only from the statuses given, appending the event; a second decision from the same ones is refused', async () => {
      created(await roster.apply(application(ann, minute(1))));
      expect(await roster.decide(1, ['approved'], { status: 'suspended', at: minute(2), by: coordinator })).toBeNull();
      const approved = present(await roster.decide(1, ['pending', 'rejected'], { status: 'approved', at: minute(3), by: coordinator }));
      expect(approved.status).toBe('approved');
      expect(approved.history).toEqual([
        { status: 'pending', at: minute(1) },
        { status: 'approved', at: minute(3), by: coordinator },
      ]);
      expect(await roster.decide(1, ['pending', 'rejected'], { status: 'approved', at: minute(4), by: coordinator })).toBeNull();
      expect(await roster.decide(1, ['pending'], { status: 'rejected', at: minute(4), by: coordinator, reason: 'поздно' })).toBeNull();
      expect(await roster.find(ann)).toEqual(approved);
      expect(await roster.decide(7, ['pending'], { status: 'approved', at: minute(5) })).toBeNull();

      const suspended = present(await roster.decide(1, ['approved'], { status: 'suspended', at: minute(6), by: coordinator, reason: 'жалоба' }));
      expect(suspended.history.at(-1)).toEqual({ status: 'suspended', at: minute(6), by: coordinator, reason: 'жалоба' });
      expect(await roster.findByNumber(1)).toEqual(suspended);
    });

    it('decides once however many equal decisions arrive at once', async () => {
      created(await roster.apply(application(ann, minute(1))));
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => roster.decide(1, ['pending'], { status: 'approved', at: minute(2 + i), by: coordinator })),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await roster.find(ann))?.history).toHaveLength(2);
    });

    it('lists by status and by district, newest application first, one page at a time with the total', async () => {
      // Filed in an order other than their times.
      created(await roster.apply(application(ann, minute(5), { districts: ['north', 'south'] })));
      created(await roster.apply(application(bob, minute(9), { districts: ['south'] })));
      created(await roster.apply(application(cat, minute(1), { districts: ['east'] })));
      created(await roster.apply(application(vika, minute(7), { districts: ['north'] })));
      await roster.decide(2, ['pending'], { status: 'approved', at: minute(10), by: coordinator });

      const numbers = async (query: Parameters<VolunteerRoster['list']>[0]) => {
        const { items, total } = await roster.list(query);
        return { numbers: items.map((r) => r.number), total };
      };
      expect(await numbers({ limit: 10 })).toEqual({ numbers: [2, 4, 1, 3], total: 4 });
      expect(await numbers({ status: 'pending', limit: 10 })).toEqual({ numbers: [4, 1, 3], total: 3 });
      expect(await numbers({ status: 'approved', limit: 10 })).toEqual({ numbers: [2], total: 1 });
      expect(await numbers({ status: 'suspended', limit: 10 })).toEqual({ numbers: [], total: 0 });
      expect(await numbers({ district: 'north', limit: 10 })).toEqual({ numbers: [4, 1], total: 2 });
      expect(await numbers({ district: 'south', limit: 10 })).toEqual({ numbers: [2, 1], total: 2 });
      expect(await numbers({ district: 'south', status: 'pending', limit: 10 })).toEqual({ numbers: [1], total: 1 });
      expect(await numbers({ district: 'west', limit: 10 })).toEqual({ numbers: [], total: 0 });
      expect(await numbers({ limit: 2 })).toEqual({ numbers: [2, 4], total: 4 });
      expect(await numbers({ limit: 2, offset: 2 })).toEqual({ numbers: [1, 3], total: 4 });
      expect(await numbers({ limit: 2, offset: 4 })).toEqual({ numbers: [], total: 4 });
      // The items are whole records.
      expect((await roster.list({ status: 'approved', limit: 1 })).items).toEqual([await roster.find(bob)]);
    });

    it('approves existing volunteers without an application, leaving those with a record as they are', async () => {
      const pending = created(await roster.apply(application(ann, minute(1))));
      created(await roster.apply(application(bob, minute(2))));
      const rejected = present(await roster.decide(2, ['pending'], { status: 'rejected', at: minute(3), by: coordinator }));

      expect(await roster.approveExisting([ann, cat, bob, vika], minute(10))).toBe(2);
      expect(await roster.find(ann)).toEqual(pending);
      expect(await roster.find(bob)).toEqual(rejected);
      const approvedCat = present(await roster.find(cat));
      expect(approvedCat).toEqual({
        number: 3,
        person: cat,
        status: 'approved',
        districts: [],
        skills: [],
        appliedAt: minute(10),
        history: [{ status: 'approved', at: minute(10) }],
      });
      // Numbered in the order given, none spent on those who had a record.
      expect(await roster.find(vika)).toMatchObject({ number: 4, status: 'approved' });

      expect(await roster.approveExisting([cat, vika], minute(11))).toBe(0);
      expect(await roster.approveExisting([], minute(12))).toBe(0);
      expect(await roster.find(cat)).toEqual(approvedCat);
      expect((await roster.list({ limit: 10 })).total).toBe(4);
    });

    it('forgets a person’s name and phone, once', async () => {
      const filed = created(await roster.apply(application(ann, minute(1))));
      created(await roster.apply(application(bob, minute(2))));
      expect(await roster.forgetDetails(ann)).toBe(true);
      expect(await roster.forgetDetails(ann)).toBe(false);
      expect(await roster.forgetDetails(cat)).toBe(false);
      const { details: _forgotten, ...rest } = filed;
      const forgotten = present(await roster.find(ann));
      expect(forgotten).toEqual(rest);
      expect('details' in forgotten).toBe(false);
      expect((await roster.find(bob))?.details).toEqual({ name: 'Имя 2', phone: '+79990000000' });
      // A volunteer recorded without an application has none to forget.
      await roster.approveExisting([cat], minute(3));
      expect(await roster.forgetDetails(cat)).toBe(false);
    });

    it('erases the name and phone of applications rejected before a moment, and of no other', async () => {
      const rejectedEarly = created(await roster.apply(application(ann, minute(1))));
      const rejectedLate = created(await roster.apply(application(bob, minute(2))));
      const pending = created(await roster.apply(application(cat, minute(3))));
      await roster.decide(rejectedEarly.number, ['pending'], { status: 'rejected', at: minute(10), reason: 'нет' });
      await roster.decide(rejectedLate.number, ['pending'], { status: 'rejected', at: minute(30), reason: 'нет' });
      expect(await roster.forgetRejectedBefore(minute(20))).toBe(1);
      expect((await roster.findByNumber(rejectedEarly.number))?.details).toBeUndefined();
      expect((await roster.findByNumber(rejectedEarly.number))?.status).toBe('rejected');
      expect((await roster.findByNumber(rejectedLate.number))?.details).toBeDefined();
      expect((await roster.findByNumber(pending.number))?.details).toBeDefined();
      // Nothing left to erase before that moment; a fresh application over the rejection is new again.
      expect(await roster.forgetRejectedBefore(minute(20))).toBe(0);
      created(await roster.apply(application(ann, minute(40))));
      expect(await roster.forgetRejectedBefore(minute(50))).toBe(1);
      expect((await roster.find(ann))?.details).toBeDefined();
    });

    it('keeps one record of a person however many applications of theirs arrive at once', async () => {
      const results = await Promise.all([roster.apply(application(ann, minute(1))), roster.apply(application(ann, minute(2)))]);
      expect(results.filter((r) => 'record' in r)).toHaveLength(1);
      expect(results.filter((r) => 'existing' in r)).toHaveLength(1);
      const { items, total } = await roster.list({ limit: 10 });
      expect(total).toBe(1);
      expect(items[0]?.person).toEqual(ann);
      expect(items[0]?.history).toHaveLength(1);
    });

    it('hands out copies: changing what it returned changes nothing stored', async () => {
      const record = created(await roster.apply(application(ann, minute(1))));
      record.districts.push('west');
      record.history.push({ status: 'approved', at: minute(2) });
      record.details!.name = 'Чужое';
      const stored = present(await roster.find(ann));
      expect(stored.districts).toEqual(['north']);
      expect(stored.history).toHaveLength(1);
      expect(stored.details?.name).toBe('Имя 1');
    });
  });
}

describeVolunteerRosterContract('in-memory fake', async () => new FakeVolunteerRoster());

const database = useContractDatabase();
describeVolunteerRosterContract('MongoDB', async () => (await database.fresh()).repositories.volunteerRoster);
