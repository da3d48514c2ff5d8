import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import type { Database } from '../../src/db/database.js';

// The whole project stands on one guarantee: a findOneAndUpdate whose filter names the expected
// state matches for exactly one of many simultaneous callers. A real MongoDB gives it; the embedded
// server is made to give it by src/db/embedded-server.ts. Whichever server runs, this checks it.
let t: TestDatabase;
let processes: Database[];
beforeAll(async () => {
  t = await startTestDatabase();
  processes = [t.db, await t.connectAgain(), await t.connectAgain()];
});
afterAll(async () => {
  await t.stop();
});

it('lets exactly one of 300 simultaneous conditional updates from three connections win, every round', async () => {
  const rounds = 10;
  const winners: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const collection = t.db.connection.collection(`atomicity_${round}`);
    const { insertedId } = await collection.insertOne({ status: 'new', takenBy: null });
    const attempts = Array.from({ length: 300 }, (_, i) =>
      processes[i % processes.length]!.connection.collection(`atomicity_${round}`).findOneAndUpdate(
        { _id: insertedId, status: 'new' },
        { $set: { status: 'claimed', takenBy: i } },
        { returnDocument: 'after' },
      ),
    );
    const results = await Promise.all(attempts);
    winners.push(results.filter((r) => r !== null).length);
    const stored = await collection.findOne({ _id: insertedId });
    expect(stored?.status).toBe('claimed');
  }
  expect(winners).toEqual(Array(rounds).fill(1));
});

it('hands out distinct counter values to 300 simultaneous $inc upserts', async () => {
  const counters = t.db.connection.collection('atomicity_counters');
  const values = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      processes[i % processes.length]!.connection.collection('atomicity_counters').findOneAndUpdate(
        { name: 'n' },
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      ),
    ),
  );
  const seqs = values.map((v) => v?.seq as number).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  expect(await counters.countDocuments({ name: 'n' })).toBe(1);
});
