import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { KeyValueStore } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;
let store: KeyValueStore<unknown>;

beforeAll(async () => {
  t = await startTestDatabase();
  store = t.db.repositories.conversations;
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(async () => {
  await t.db.connection.collection('conversations').deleteMany({});
});

it('returns undefined for a key never written', async () => {
  expect(await store.read('telegram:404')).toBeUndefined();
});

it('writes, reads, overwrites and deletes a value', async () => {
  await store.write('telegram:1', { step: 'age', answers: { category: 'pensioner' } });
  expect(await store.read('telegram:1')).toEqual({ step: 'age', answers: { category: 'pensioner' } });

  // An overwrite replaces the value whole: keys absent from the new value must not survive.
  await store.write('telegram:1', { step: 'district' });
  expect(await store.read('telegram:1')).toEqual({ step: 'district' });
  expect(await t.db.connection.collection('conversations').countDocuments({ key: 'telegram:1' })).toBe(1);

  await store.delete('telegram:1');
  expect(await store.read('telegram:1')).toBeUndefined();
  expect(await t.db.connection.collection('conversations').countDocuments()).toBe(0);
});

it('keeps keys apart', async () => {
  await store.write('telegram:1', { n: 1 });
  await store.write('vk:1', { n: 2 });
  await store.delete('telegram:1');
  expect(await store.read('telegram:1')).toBeUndefined();
  expect(await store.read('vk:1')).toEqual({ n: 2 });
});

it('deleting a missing key is harmless', async () => {
  await expect(store.delete('nothing-here')).resolves.toBeUndefined();
});

it('round-trips nested objects, arrays, unicode and dates kept as strings', async () => {
  const value = {
    scenario: 'request-help',
    version: 3,
    history: ['category', 'age', 'district'],
    answers: { category: 'pensioner', age: 82, district: 'Заельцовский', note: 'ёлки-палки, «кавычки» — тире 🙂' },
    nested: { deep: { deeper: [{ a: 1 }, { b: [true, false, null] }] } },
    // Conversation state is JSON: dates travel as ISO strings and must come back as the same strings.
    startedAt: '2025-03-01T09:00:00.000Z',
    empty: {},
    emptyList: [],
    zero: 0,
    blank: '',
  };
  await store.write('vk:2000000001', value);
  const read = await store.read('vk:2000000001');
  expect(read).toEqual(value);
  expect(typeof (read as typeof value).startedAt).toBe('string');
  // minimize: false keeps empty objects instead of dropping them.
  expect(read).toHaveProperty('empty', {});
});

it('stores primitive and array values', async () => {
  await store.write('k:array', [1, 'two', { three: 3 }]);
  await store.write('k:string', 'просто строка');
  await store.write('k:number', 42);
  expect(await store.read('k:array')).toEqual([1, 'two', { three: 3 }]);
  expect(await store.read('k:string')).toBe('просто строка');
  expect(await store.read('k:number')).toBe(42);
});

it('sees a write made through another connection (another bot process)', async () => {
  const other = await t.connectAgain();
  await other.repositories.conversations.write('telegram:7', { step: 'phone' });
  expect(await store.read('telegram:7')).toEqual({ step: 'phone' });
});
