import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../src/db/database.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/db/embedded-server.js';

/**
 * A database for one test file: a real MongoDB when MONGODB_URI is set (each file gets a database of
 * its own, dropped afterwards), otherwise the in-process MongoDB-compatible server.
 */
export interface TestDatabase {
  uri: string;
  db: Database;
  /** Opens another connection to the same database, as a second bot process would. */
  connectAgain(): Promise<Database>;
  stop(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  let embedded: EmbeddedMongo | undefined;
  let uri: string;
  if (process.env.MONGODB_URI) {
    const base = new URL(process.env.MONGODB_URI);
    base.pathname = `/test-${randomUUID().slice(0, 8)}`;
    uri = base.toString();
  } else {
    embedded = await startEmbeddedMongo();
    uri = embedded.uri;
  }
  const db = await connectDatabase(uri);
  const extra: Database[] = [];
  return {
    uri,
    db,
    async connectAgain() {
      const again = await connectDatabase(uri);
      extra.push(again);
      return again;
    },
    async stop() {
      await Promise.all(extra.map((d) => d.close()));
      if (!embedded) await db.connection.dropDatabase();
      await db.close();
      await embedded?.stop();
    },
  };
}
