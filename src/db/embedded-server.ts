import { createServer } from 'node:net';

/** An in-process MongoDB-compatible server for development and tests, where no mongod exists. */
export interface EmbeddedMongo {
  uri: string;
  stop(): Promise<void>;
}

/**
 * Starts the pure-TypeScript wire-compatible server shipped by @push.rocks/smartmongo (a development
 * dependency). It keeps data in memory only and does not enforce unique indexes: the project relies
 * on atomic single-document updates instead (see README, "The embedded database").
 */
export async function startEmbeddedMongo(options: { port?: number } = {}): Promise<EmbeddedMongo> {
  let CongoServer: typeof import('@push.rocks/smartmongo/dist_ts/congodb/index.js').CongoServer;
  try {
    ({ CongoServer } = await import('@push.rocks/smartmongo/dist_ts/congodb/index.js'));
  } catch {
    throw new Error('MONGODB_URI is not set and the embedded development database is not installed (npm install without --omit=dev)');
  }
  // The server reports port 0 back as is, so a free port is found first.
  const port = options.port || (await findFreePort());
  const server = new CongoServer({ port, host: '127.0.0.1' });
  await server.start();
  return { uri: `${server.getConnectionUri()}/help-requests`, stop: () => server.stop() };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
