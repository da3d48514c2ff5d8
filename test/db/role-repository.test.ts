import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { RoleRepository } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;
let roles: RoleRepository;

beforeAll(async () => {
  t = await startTestDatabase();
  roles = t.db.repositories.roles;
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(async () => {
  await t.db.connection.collection('roles').deleteMany({});
});

const admin = { platform: 'telegram' as const, userId: '900' };
const anna = { platform: 'telegram' as const, userId: '501' };
const AT = new Date('2025-03-01T09:00:00Z');

it('grants once, keeping the first grantor, and says when the role was there already', async () => {
  expect(await roles.grant(anna, admin, AT)).toBe(true);
  expect(await roles.grant(anna, { platform: 'telegram', userId: '901' }, new Date())).toBe(false);
  expect(await roles.isCoordinator(anna)).toBe(true);
  const raw = await t.db.connection.collection('roles').find({ userId: '501' }).toArray();
  expect(raw).toHaveLength(1);
  expect(raw[0]).toMatchObject({ platform: 'telegram', role: 'coordinator', grantedBy: admin, grantedAt: AT });
});

it('revokes once; the person is no coordinator afterwards', async () => {
  await roles.grant(anna, admin, AT);
  expect(await roles.revoke(anna)).toBe(true);
  expect(await roles.revoke(anna)).toBe(false);
  expect(await roles.isCoordinator(anna)).toBe(false);
});

it('tells platforms apart and lists the coordinators of one', async () => {
  await roles.grant(anna, admin, AT);
  await roles.grant({ platform: 'vk', userId: '501' }, { platform: 'vk', userId: '9900' }, AT);
  await roles.grant({ platform: 'telegram', userId: '502' }, admin, new Date(AT.getTime() + 1000));
  expect(await roles.listCoordinators('telegram')).toEqual([anna, { platform: 'telegram', userId: '502' }]);
  expect(await roles.listCoordinators('vk')).toEqual([{ platform: 'vk', userId: '501' }]);
  await roles.revoke({ platform: 'vk', userId: '501' });
  expect(await roles.isCoordinator(anna)).toBe(true);
});

it('keeps one document when the same grant comes from two places at once', async () => {
  const results = await Promise.all(Array.from({ length: 10 }, () => roles.grant(anna, admin, AT)));
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await t.db.connection.collection('roles').countDocuments({ userId: '501' })).toBe(1);
});
