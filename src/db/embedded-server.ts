import { createServer } from 'node:net';

/** An in-process MongoDB-compatible server for development and tests, where no mongod exists. */
export interface EmbeddedMongo {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the pure-TypeScript wire-compatible server shipped by @push.rocks/smartmongo (a development
 * dependency). It keeps data in memory only and does not enforce unique indexes: the project relies
 * on atomic single-document updates instead, which this wrapper makes hold (see README, "The
 * embedded database").
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
  runCommandsOneAtATime(server);
  await server.start();
  // The server announces a topologyVersion but cannot stream hello replies (moreToCome): the driver's
  // streaming monitor then fails every few hundred milliseconds, clears the connection pool and fails
  // whatever is in flight. Polling monitors only ask plain hello questions.
  return { uri: `${server.getConnectionUri()}/help-requests?serverMonitoringMode=poll`, port, stop: () => server.stop() };
}

/**
 * The server's findAndModify reads the matching document, awaits, then writes it back: it relies on
 * no other command running in between. MongoDB makes every single-document write atomic and the
 * project stands on that (claims, request numbers), so the commands are run one at a time rather
 * than leaving the guarantee to how the event loop happens to schedule them.
 */
function runCommandsOneAtATime(server: object): void {
  const router = (server as { commandRouter?: { route(command: unknown): Promise<unknown> } }).commandRouter;
  if (!router) throw new Error('embedded MongoDB server: unknown version (no commandRouter), cannot make its writes atomic');
  const route = router.route.bind(router);
  let tail: Promise<unknown> = Promise.resolve();
  router.route = (command) => {
    const result = tail.then(() => route(command));
    tail = result.catch(() => undefined);
    return result;
  };
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
