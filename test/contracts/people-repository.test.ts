import { beforeEach, describe, expect, it } from 'vitest';
import type { KnownPerson, PeopleRepository } from '../../src/services/ports.js';
import { FakePeopleRepository } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { minute, present } from './fixtures.js';

const ann = { platform: 'telegram' as const, userId: '1' };
const bob = { platform: 'telegram' as const, userId: '2' };

/** What the people registry's users rely on from PeopleRepository, stated once for every implementation. */
function describePeopleRepositoryContract(name: string, makeRepo: () => Promise<PeopleRepository>) {
  describe(`PeopleRepository contract: ${name}`, () => {
    let people: PeopleRepository;
    beforeEach(async () => {
      people = await makeRepo();
    });

    const byKey = (list: KnownPerson[]) => [...list].sort((a, b) => `${a.platform}:${a.userId}`.localeCompare(`${b.platform}:${b.userId}`));

    it('records someone new (null: nobody before) and finds them; null for someone never seen', async () => {
      expect(await people.record({ person: ann, username: 'Ann_K', displayName: 'Анна', privately: true, at: minute(1) })).toBeNull();
      expect(await people.find(ann)).toEqual({ ...ann, username: 'Ann_K', displayName: 'Анна', lastSeenAt: minute(1), privateChatAt: minute(1) });
      expect(await people.find(bob)).toBeNull();
      expect(await people.find({ ...ann, platform: 'vk' })).toBeNull();
    });

    it('returns the entry as it was before each sighting, and keeps what a sighting does not show', async () => {
      await people.record({ person: ann, username: 'ann', displayName: 'Анна', privately: true, at: minute(1) });
      const before = await people.record({ person: ann, privately: false, at: minute(5) });
      expect(before).toEqual({ ...ann, username: 'ann', displayName: 'Анна', lastSeenAt: minute(1), privateChatAt: minute(1) });
      expect(await people.find(ann)).toEqual({ ...ann, username: 'ann', displayName: 'Анна', lastSeenAt: minute(5), privateChatAt: minute(1) });
      await people.record({ person: ann, username: 'ann_new', displayName: 'Анна К.', privately: true, at: minute(9) });
      expect(await people.find(ann)).toEqual({ ...ann, username: 'ann_new', displayName: 'Анна К.', lastSeenAt: minute(9), privateChatAt: minute(9) });
    });

    it('forgets the username when a sighting shows none (null)', async () => {
      await people.record({ person: ann, username: 'ann', privately: false, at: minute(1) });
      await people.record({ person: ann, username: null, privately: false, at: minute(2) });
      expect(await people.find(ann)).toEqual({ ...ann, lastSeenAt: minute(2) });
      expect(await people.findByUsername('telegram', 'ann')).toBeNull();
    });

    it('finds by username whatever its case, on that platform, the one seen last holding it', async () => {
      await people.record({ person: ann, username: 'Shared', privately: false, at: minute(5) });
      await people.record({ person: bob, username: 'shared', privately: false, at: minute(3) });
      await people.record({ person: { platform: 'vk', userId: '3' }, username: 'SHARED', privately: false, at: minute(9) });
      expect(present(await people.findByUsername('telegram', 'sHaReD')).userId).toBe('1');
      await people.record({ person: bob, privately: false, at: minute(7) });
      expect(present(await people.findByUsername('telegram', 'shared')).userId).toBe('2');
      expect(present(await people.findByUsername('vk', 'shared')).userId).toBe('3');
      expect(await people.findByUsername('telegram', 'nobody')).toBeNull();
    });

    it('finds many at once, only those it knows, in any order', async () => {
      await people.record({ person: ann, privately: false, at: minute(1) });
      await people.record({ person: bob, displayName: 'Борис', privately: false, at: minute(2) });
      const found = await people.findMany([bob, { platform: 'vk', userId: '1' }, ann, { platform: 'telegram', userId: '9' }]);
      expect(byKey(found)).toEqual([
        { ...ann, lastSeenAt: minute(1) },
        { ...bob, displayName: 'Борис', lastSeenAt: minute(2) },
      ]);
      expect(await people.findMany([])).toEqual([]);
    });

    it('returns copies: changing what came back does not change what is stored', async () => {
      await people.record({ person: ann, username: 'ann', privately: false, at: minute(1) });
      const found = present(await people.find(ann));
      found.username = 'changed';
      found.lastSeenAt.setTime(0);
      expect(await people.find(ann)).toEqual({ ...ann, username: 'ann', lastSeenAt: minute(1) });
    });
  });
}

describePeopleRepositoryContract('in-memory fake', async () => new FakePeopleRepository());

const database = useContractDatabase();
describePeopleRepositoryContract('MongoDB', async () => (await database.fresh()).repositories.people);
