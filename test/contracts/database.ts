import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The test database for one contract file: started once, and emptied before each repository is
 * handed out, so every contract test starts from nothing, as a new fake does.
 */
export function useContractDatabase(): { fresh(): Promise<Database> } {
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    t = await startTestDatabase();
  });
  afterAll(async () => {
    await t?.stop();
  });
  return {
    async fresh() {
      if (!t) throw new Error('the contract database is not started yet');
      const collections = await t.db.connection.db!.collections();
      // The counters go too, so request numbers start again as a new fake's do.
      await Promise.all(collections.map((c) => c.deleteMany({})));
      return t.db;
    },
  };
}
