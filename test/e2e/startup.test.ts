import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSystem } from '../../src/main.js';
import { StartupError } from '../../src/startup-error.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { BOT_TOKEN } from '../support/harness.js';
import { waitFor, WAIT_MS } from '../support/wait.js';

// Start-up as a person running `npm start` lives it when something around the process is wrong:
// the real system, started as main starts it, against a port nothing listens on, an API that refuses
// the token, a port already taken and a database that is not there.

/** The log, as JSON lines, written by the real logger to a stream the test reads. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

/** A port that was free a moment ago and that nothing listens on now. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function configWith(env: Record<string, string>) {
  return loadConfig({
    BOT_TOKEN,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    DISTRICTS: 'Центральный,Ленинский',
    ...env,
  });
}

/** What a promise settled with, without waiting for it. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; error?: unknown } = { settled: false };
  promise.then(
    () => {
      state.settled = true;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

let database: TestDatabase;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(async () => {
  await database?.stop();
});

describe('start-up with Telegram unreachable', () => {
  it('serves /healthz, names telegram in /readyz, says which address it cannot reach with growing delays, and stops when told', async () => {
    const apiRoot = `http://127.0.0.1:${await closedPort()}`;
    const { logger, lines } = capturedLog();
    const stopping = new AbortController();
    let httpUrl: string | undefined;
    const starting = startSystem(configWith({ TELEGRAM_API_ROOT: apiRoot, MONGODB_URI: database.uri }), {
      logger,
      signal: stopping.signal,
      connectRetry: { firstDelayMs: 50, maxDelayMs: 400 },
      onListening: (addresses) => {
        httpUrl = addresses.httpUrl;
      },
    });
    const state = track(starting);

    const url = await waitFor(() => httpUrl, WAIT_MS, 'the HTTP server to listen while Telegram is unreachable');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const readiness = await fetch(`${url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'not ready', waitingFor: ['telegram'] });

    const retries = () => lines.filter((line) => String(line.msg).startsWith('cannot reach'));
    await waitFor(
      () => retries().length >= 3,
      WAIT_MS,
      () => `three «cannot reach» warnings; the log had: ${lines.map((l) => l.msg).join(' | ')}`,
    );
    const [first, second, third] = retries();
    expect(first).toMatchObject({ level: 40, endpoint: apiRoot, code: 'ECONNREFUSED', attempt: 1, retryInMs: 50 });
    expect(first!.msg).toBe(`cannot reach the Telegram Bot API at ${apiRoot} (ECONNREFUSED); retrying in 50 ms`);
    expect(second).toMatchObject({ attempt: 2, retryInMs: 100 });
    expect(third).toMatchObject({ attempt: 3, retryInMs: 200 });
    // The token is part of every Bot API address: it must not reach the log with the failures.
    expect(JSON.stringify(lines)).not.toContain(BOT_TOKEN);
    expect(state.settled).toBe(false);

    stopping.abort();
    await waitFor(() => state.settled, 5000, 'start-up to end after it was stopped');
    expect(state.error).toBe(stopping.signal.reason);
    // What start-up had opened is closed: the port answers no more.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('start-up refused or blocked', () => {
  let refusing: Server;
  let refusingRoot: string;
  beforeAll(async () => {
    // A Bot API that knows no such token, answering as Telegram does.
    refusing = createServer((_request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    refusingRoot = `http://127.0.0.1:${(refusing.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => refusing.close(resolve));
  });

  it('a token Telegram refuses stops start-up at once, naming BOT_TOKEN', async () => {
    const { logger } = capturedLog();
    const failure = await startSystem(configWith({ TELEGRAM_API_ROOT: refusingRoot, MONGODB_URI: database.uri }), { logger }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toMatch(/^BOT_TOKEN: the Telegram Bot API at http:\/\/127\.0\.0\.1:\d+ refused the token \(401 Unauthorized\)/);
    expect((failure as Error).message).not.toContain(BOT_TOKEN);
  });

  it('an HTTP_PORT another process listens on stops start-up, naming HTTP_PORT', async () => {
    const taken = createTcpServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const { logger } = capturedLog();
      const config = configWith({ TELEGRAM_API_ROOT: refusingRoot, MONGODB_URI: database.uri, HTTP_PORT: String(port) });
      const failure = await startSystem(config, { logger }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StartupError);
      expect((failure as Error).message).toBe(`HTTP_PORT: port ${port} is already in use on 127.0.0.1; stop what listens there or choose another port`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a MONGODB_URI nothing answers at stops start-up, naming MONGODB_URI without the password', async () => {
    const port = await closedPort();
    const { logger } = capturedLog();
    const uri = `mongodb://helper:s3cret-Pa55@127.0.0.1:${port}/help-requests?serverSelectionTimeoutMS=1500`;
    const failure = await startSystem(configWith({ TELEGRAM_API_ROOT: refusingRoot, MONGODB_URI: uri }), { logger }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StartupError);
    const { message } = failure as Error;
    expect(message).toBe(
      `MONGODB_URI: cannot reach the database at mongodb://127.0.0.1:${port}/help-requests (ECONNREFUSED); check the address and that MongoDB runs`,
    );
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('helper');
  });
});
