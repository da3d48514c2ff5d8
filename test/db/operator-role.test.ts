import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RoleRepository } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

// The operator role lives next to the coordinator role in the same collection, one document per
// person and role, so granting or revoking one never touches the other.

let t: TestDatabase;
let roles: RoleRepository;
beforeAll(async () => {
  t = await startTestDatabase();
  roles = t.db.repositories.roles;
});
afterAll(async () => {
  await t?.stop();
});

const admin = { platform: 'telegram' as const, userId: '900' };
const olga = { platform: 'telegram' as const, userId: '701' };
const vkOleg = { platform: 'vk' as const, userId: '702' };

it('grants and revokes the operator role apart from the coordinator role', async () => {
  expect(await roles.grant(olga, admin, new Date('2025-03-01T09:00:00Z'), 'operator')).toBe(true);
  expect(await roles.grant(olga, admin, new Date(), 'operator')).toBe(false);
  expect(await roles.grant(vkOleg, admin, new Date('2025-03-02T09:00:00Z'), 'operator')).toBe(true);
  expect(await roles.hasRole(olga, 'operator')).toBe(true);
  expect(await roles.isCoordinator(olga)).toBe(false);
  expect(await roles.hasRole(olga, 'coordinator')).toBe(false);
  expect(await roles.listGranted('operator')).toEqual([
    { ...olga, grantedAt: new Date('2025-03-01T09:00:00Z') },
    { ...vkOleg, grantedAt: new Date('2025-03-02T09:00:00Z') },
  ]);

  // Made a coordinator too, she keeps both; revoking one (coordinator by default) leaves the other.
  expect(await roles.grant(olga, admin, new Date())).toBe(true);
  expect(await roles.isCoordinator(olga)).toBe(true);
  expect(await roles.revoke(olga)).toBe(true);
  expect(await roles.hasRole(olga, 'operator')).toBe(true);
  expect(await roles.revoke(olga, 'operator')).toBe(true);
  expect(await roles.revoke(olga, 'operator')).toBe(false);
  expect(await roles.listGranted('operator')).toEqual([{ ...vkOleg, grantedAt: new Date('2025-03-02T09:00:00Z') }]);
});
