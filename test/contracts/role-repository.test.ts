import { beforeEach, describe, expect, it } from 'vitest';
import type { RoleRepository } from '../../src/services/ports.js';
import { FakeRoleRepository } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { minute } from './fixtures.js';

const granter = { platform: 'telegram' as const, userId: 'root' };
const ann = { platform: 'telegram' as const, userId: '1' };
const bob = { platform: 'telegram' as const, userId: '2' };
const vika = { platform: 'vk' as const, userId: '1' };

/** What the coordinator and console services rely on from RoleRepository, stated once for every implementation. */
function describeRoleRepositoryContract(name: string, makeRepo: () => Promise<RoleRepository>) {
  describe(`RoleRepository contract: ${name}`, () => {
    let roles: RoleRepository;
    beforeEach(async () => {
      roles = await makeRepo();
    });

    it('grants the coordinator role unless another is named; a second grant is refused and the first time kept', async () => {
      expect(await roles.grant(ann, granter, minute(1))).toBe(true);
      expect(await roles.grant(ann, granter, minute(2))).toBe(false);
      expect(await roles.isCoordinator(ann)).toBe(true);
      expect(await roles.hasRole(ann, 'coordinator')).toBe(true);
      expect(await roles.hasRole(ann, 'operator')).toBe(false);
      expect(await roles.listGranted('coordinator')).toEqual([{ ...ann, grantedAt: minute(1) }]);
    });

    it('keeps the roles apart: an operator is no coordinator', async () => {
      expect(await roles.grant(bob, granter, minute(1), 'operator')).toBe(true);
      expect(await roles.isCoordinator(bob)).toBe(false);
      expect(await roles.hasRole(bob, 'operator')).toBe(true);
      expect(await roles.listGranted('coordinator')).toEqual([]);
      expect(await roles.listCoordinators('telegram')).toEqual([]);
      // The same person may hold both.
      expect(await roles.grant(bob, granter, minute(2))).toBe(true);
      expect(await roles.revoke(bob, 'operator')).toBe(true);
      expect(await roles.isCoordinator(bob)).toBe(true);
      expect(await roles.hasRole(bob, 'operator')).toBe(false);
    });

    it('revokes the role named (coordinator unless named); false when the person did not have it', async () => {
      await roles.grant(ann, granter, minute(1));
      expect(await roles.revoke(ann, 'operator')).toBe(false);
      expect(await roles.revoke(ann)).toBe(true);
      expect(await roles.revoke(ann)).toBe(false);
      expect(await roles.isCoordinator(ann)).toBe(false);
      // Granted anew, it counts from the new grant.
      expect(await roles.grant(ann, granter, minute(9))).toBe(true);
      expect(await roles.listGranted('coordinator')).toEqual([{ ...ann, grantedAt: minute(9) }]);
    });

    it('lists the coordinators of one platform and everyone granted a role, earliest grant first', async () => {
      // Granted in an order other than their times: a grant may carry an earlier time than the last one.
      await roles.grant(bob, granter, minute(5));
      await roles.grant(vika, granter, minute(3));
      await roles.grant(ann, granter, minute(1));
      await roles.grant({ platform: 'telegram', userId: '3' }, granter, minute(2), 'operator');
      expect(await roles.listCoordinators('telegram')).toEqual([ann, bob]);
      expect(await roles.listCoordinators('vk')).toEqual([vika]);
      expect(await roles.listGranted('coordinator')).toEqual([
        { ...ann, grantedAt: minute(1) },
        { ...vika, grantedAt: minute(3) },
        { ...bob, grantedAt: minute(5) },
      ]);
      expect(await roles.listGranted('operator')).toEqual([{ platform: 'telegram', userId: '3', grantedAt: minute(2) }]);
    });

    it('tells people apart by platform and id', async () => {
      await roles.grant(ann, granter, minute(1));
      expect(await roles.isCoordinator(vika)).toBe(false);
      expect(await roles.isCoordinator(bob)).toBe(false);
    });

    it('grants once however many grants of the same arrive at once', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => roles.grant(ann, granter, minute(i))));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await roles.listGranted('coordinator')).toHaveLength(1);
    });
  });
}

describeRoleRepositoryContract('in-memory fake', async () => new FakeRoleRepository());

const database = useContractDatabase();
describeRoleRepositoryContract('MongoDB', async () => (await database.fresh()).repositories.roles);
