import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../src/db/database.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/db/embedded-server.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * A database for one test file: a real MongoDB when MONGODB_URI is set (each file gets a database of
 * its own, dropped afterwards), otherwise the in-process MongoDB-compatible server.
 */
export interface TestDatabase {
  uri: string;
  db: Database;
  /** Opens another connection to the same database, as a second bot process would. */
  connectAgain(): Promise<Database>;
  /** Makes the database unreachable (connections dropped and refused); only with `{ outages: true }`. */
  cutNetwork(): void;
  /** Makes it reachable again; the server kept its data all along. */
  restoreNetwork(): void;
  stop(): Promise<void>;
}

/** Whether outages can be staged: the database must be one host the proxy can stand in front of. */
export function canStageOutages(): boolean {
  const uri = process.env.MONGODB_URI;
  return !uri || (uri.startsWith('mongodb://') && !new URL(uri).host.includes(','));
}

/**
 * Starts (or names) the test database. With `outages`, every connection goes through a TCP proxy
 * the test can cut, as a network failure or a database restart would.
 */
export async function startTestDatabase(options: { outages?: boolean } = {}): Promise<TestDatabase> {
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
  let proxy: TcpProxy | undefined;
  if (options.outages) {
    if (!canStageOutages()) throw new Error('outages need a single-host mongodb:// URI');
    const direct = new URL(uri);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 27017) });
    direct.host = `${proxy.host}:${proxy.port}`;
    // A replica set member would name its real address and the driver would go round the proxy.
    direct.searchParams.set('directConnection', 'true');
    uri = direct.toString();
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
    cutNetwork() {
      if (!proxy) throw new Error('start the test database with { outages: true } to stage an outage');
      proxy.cut();
    },
    restoreNetwork() {
      if (!proxy) throw new Error('start the test database with { outages: true } to stage an outage');
      proxy.restore();
    },
    async stop() {
      proxy?.restore();
      await Promise.all(extra.map((d) => d.close()));
      if (!embedded) await db.connection.dropDatabase();
      await db.close();
      await proxy?.close();
      await embedded?.stop();
    },
  };
}
