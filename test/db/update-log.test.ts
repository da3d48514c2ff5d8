import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProcessedUpdateModel, PROCESSED_UPDATE_TTL_SECONDS } from '../../src/db/models/processed-update-model.js';
import { createMongoUpdateLog } from '../../src/db/repositories/update-log.js';
import type { UpdateLog } from '../../src/services/update-log.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

// Three connections stand for three bot processes receiving the same redelivered update.
let t: TestDatabase;
let logs: UpdateLog[];
beforeAll(async () => {
  t = await startTestDatabase();
  const connections = [t.db.connection, (await t.connectAgain()).connection, (await t.connectAgain()).connection];
  logs = await Promise.all(
    connections.map(async (connection) => {
      const model = createProcessedUpdateModel(connection);
      await model.createIndexes();
      return createMongoUpdateLog(model);
    }),
  );
});
afterAll(async () => {
  await t?.stop();
});

const AT = new Date('2025-03-01T09:00:00Z');

it('says "first" to exactly one of 50 simultaneous calls with one key from three connections', async () => {
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => logs[i % logs.length]!.firstSeen('telegram:1:1001', AT)));
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await t.db.connection.collection('processed_updates').countDocuments({ key: 'telegram:1:1001' })).toBe(1);
});

it('says "seen" to every later call with the key', async () => {
  await logs[0]!.firstSeen('vk:2:message_event:abc', AT);
  expect(await logs[1]!.firstSeen('vk:2:message_event:abc', new Date(AT.getTime() + 60_000))).toBe(false);
  expect(await logs[2]!.firstSeen('vk:2:message_event:abc', AT)).toBe(false);
});

it('says "first" to each of many different keys, also simultaneously', async () => {
  const keys = Array.from({ length: 30 }, (_, i) => `telegram:1:${2000 + i}`);
  const results = await Promise.all(keys.map((key, i) => logs[i % logs.length]!.firstSeen(key, AT)));
  expect(results).toEqual(keys.map(() => true));
});

it('keeps when the key was first seen, with a TTL index on it and a unique one on the key', async () => {
  await logs[0]!.firstSeen('telegram:1:3000', AT);
  await logs[1]!.firstSeen('telegram:1:3000', new Date(AT.getTime() + 5_000));
  const stored = await t.db.connection.collection('processed_updates').findOne({ key: 'telegram:1:3000' });
  expect(stored?.at).toEqual(AT);

  // The embedded server stores index definitions without enforcing them; a real MongoDB enforces both.
  const indexes = await t.db.connection.collection('processed_updates').indexes();
  expect(indexes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ key: { key: 1 }, unique: true }),
      expect.objectContaining({ key: { at: 1 }, expireAfterSeconds: PROCESSED_UPDATE_TTL_SECONDS }),
    ]),
  );
});
