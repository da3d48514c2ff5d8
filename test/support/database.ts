import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Stops the embedded server (an outage); its data is kept for `startServer`. Embedded only. */
  stopServer(): Promise<void>;
  /** Starts the embedded server again on the same port with the same data. */
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  let embedded: EmbeddedMongo | undefined;
  let persistPath: string | undefined;
  let serverDown = false;
  let uri: string;
  if (process.env.MONGODB_URI) {
    const base = new URL(process.env.MONGODB_URI);
    base.pathname = `/test-${randomUUID().slice(0, 8)}`;
    uri = base.toString();
  } else {
    persistPath = join(mkdtempSync(join(tmpdir(), 'embedded-mongo-')), 'data.json');
    embedded = await startEmbeddedMongo({ persistPath });
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
    async stopServer() {
      if (!embedded) throw new Error('only the embedded server can be stopped by a test');
      await embedded.stop();
      serverDown = true;
    },
    async startServer() {
      if (!embedded) throw new Error('only the embedded server can be started by a test');
      embedded = await startEmbeddedMongo({ port: embedded.port, persistPath: persistPath! });
      serverDown = false;
    },
    async stop() {
      await Promise.all(extra.map((d) => d.close()));
      if (!embedded) await db.connection.dropDatabase();
      await db.close();
      if (!serverDown) await embedded?.stop();
    },
  };
}
