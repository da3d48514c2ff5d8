import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { PeopleRepository } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;
let people: PeopleRepository;

beforeAll(async () => {
  t = await startTestDatabase();
  people = t.db.repositories.people;
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(async () => {
  await t.db.connection.collection('people').deleteMany({});
});

const ivan = { platform: 'telegram' as const, userId: '501' };
const T1 = new Date('2025-03-01T09:00:00Z');
const T2 = new Date('2025-03-01T10:00:00Z');

it('records a new person and returns null, then the entry as it was before', async () => {
  expect(await people.record({ person: ivan, username: 'Ivan_Petrov', displayName: 'Иван Петров (@Ivan_Petrov)', privately: false, at: T1 })).toBeNull();
  const before = await people.record({ person: ivan, username: 'Ivan_Petrov', displayName: 'Иван Петров (@Ivan_Petrov)', privately: true, at: T2 });
  expect(before).toEqual({ ...ivan, username: 'Ivan_Petrov', displayName: 'Иван Петров (@Ivan_Petrov)', lastSeenAt: T1 });
  expect(await people.find(ivan)).toEqual({ ...ivan, username: 'Ivan_Petrov', displayName: 'Иван Петров (@Ivan_Petrov)', lastSeenAt: T2, privateChatAt: T2 });
});

it('keeps when someone last wrote privately while later sightings are button presses in groups', async () => {
  await people.record({ person: ivan, privately: true, at: T1 });
  await people.record({ person: ivan, privately: false, at: T2 });
  expect(await people.find(ivan)).toMatchObject({ lastSeenAt: T2, privateChatAt: T1 });
});

it('finds a person by username whatever its case, and forgets a username they dropped', async () => {
  await people.record({ person: ivan, username: 'Ivan_Petrov', privately: true, at: T1 });
  expect(await people.findByUsername('telegram', 'ivan_petrov')).toMatchObject(ivan);
  expect(await people.findByUsername('vk', 'ivan_petrov')).toBeNull();
  await people.record({ person: ivan, username: null, privately: true, at: T2 });
  expect(await people.findByUsername('telegram', 'ivan_petrov')).toBeNull();
  expect((await people.find(ivan))?.username).toBeUndefined();
});

it('gives a username to whoever was seen with it last', async () => {
  const other = { platform: 'telegram' as const, userId: '777' };
  await people.record({ person: ivan, username: 'helper', privately: true, at: T1 });
  await people.record({ person: other, username: 'Helper', privately: true, at: T2 });
  expect(await people.findByUsername('telegram', '@helper'.slice(1))).toMatchObject(other);
});

it('leaves a stored name alone when a sighting carries none (VK messages do not)', async () => {
  const vkPerson = { platform: 'vk' as const, userId: '9900' };
  await people.record({ person: vkPerson, displayName: 'Ольга Тестова', privately: true, at: T1 });
  await people.record({ person: vkPerson, privately: true, at: T2 });
  expect(await people.find(vkPerson)).toMatchObject({ displayName: 'Ольга Тестова', lastSeenAt: T2 });
});

it('finds several people at once and keeps one document per person under concurrent sightings', async () => {
  const vkPerson = { platform: 'vk' as const, userId: '501' };
  await Promise.all(Array.from({ length: 20 }, (_, i) => people.record({ person: ivan, privately: i % 2 === 0, at: new Date(T1.getTime() + i) })));
  await people.record({ person: vkPerson, privately: true, at: T1 });
  expect(await t.db.connection.collection('people').countDocuments({ platform: 'telegram', userId: '501' })).toBe(1);
  const found = await people.findMany([ivan, vkPerson, { platform: 'telegram', userId: 'nobody' }]);
  expect(found.map((p) => `${p.platform}:${p.userId}`).sort()).toEqual(['telegram:501', 'vk:501']);
  expect(await people.findMany([])).toEqual([]);
});

it('stores no phone or other field a sighting does not name', async () => {
  await people.record({ person: ivan, username: 'ivan', displayName: 'Иван', privately: true, at: T1 });
  const raw = await t.db.connection.collection('people').findOne({ userId: '501' });
  expect(Object.keys(raw!).sort()).toEqual(['_id', 'displayName', 'lastSeenAt', 'platform', 'privateChatAt', 'userId', 'username', 'usernameKey']);
});
