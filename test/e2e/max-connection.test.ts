import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSystem } from '../../src/main.js';
import { StartupError } from '../../src/startup-error.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { MAX_TOKEN, SystemHarness } from '../support/harness.js';
import { MaxApiFake } from '../support/max-api-fake.js';

// How the MAX bot connects: its webhook (the subscription registered at start-up, MAX's secret
// checked on every post), polling taking over from a subscription left behind, and a refused token.

const SECRET = 'max-webhook-secret-0123456789';

/** A port that was free a moment ago: the webhook's address must be known before the system listens. */
async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('MAX webhook mode', () => {
  let h: SystemHarness;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    h = await SystemHarness.start({ MAX_MODE: 'webhook', MAX_WEBHOOK_URL: url, MAX_WEBHOOK_SECRET: SECRET, HTTP_PORT: String(port) }, { max: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const post = (body: unknown, secret?: string) =>
    fetch(`${url}/max/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-max-bot-api-secret': secret } : {}) },
      body: JSON.stringify(body),
    });

  it('registers its address and secret with MAX at start-up, and takes the updates MAX posts there', async () => {
    expect(h.max.subscriptions()).toEqual([expect.objectContaining({ url: `${url}/max/webhook`, secret: SECRET })]);
    const vera = h.maxPerson(5101, 'Вера');
    const greeting = await vera.ask('Здравствуйте');
    expect(greeting.text).toMatch(/Здравствуйте/);
    // The bot answers MAX's post once the update is handled, after the greeting went out.
    const delivery = await h.max.waitFor(() => h.max.webhookDeliveries().at(-1), undefined, 'the record of the webhook delivery');
    expect(delivery).toMatchObject({ url: `${url}/max/webhook`, status: 200 });
    // No poll is asked for while updates come by webhook.
    expect(h.max.pollCount).toBe(0);
  });

  it('refuses a post without the secret or with a wrong one, and handles nothing of it', async () => {
    h.max.addUser({ id: 5102, firstName: 'Чужой' });
    const update = {
      update_type: 'bot_started',
      timestamp: Date.now(),
      chat_id: h.max.dialogIdOf(5102),
      user: { user_id: 5102, name: 'Чужой', first_name: 'Чужой', username: null, is_bot: false, last_activity_time: 0 },
      payload: null,
    };
    expect((await post(update)).status).toBe(401);
    expect((await post(update, `${SECRET.slice(0, -1)}x`)).status).toBe(401);
    expect((await post({ nothing: true }, SECRET)).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.max.messagesToUser(5102)).toEqual([]);
    // The same update with the secret is handled, and once when MAX posts it again.
    const first = await post(update, SECRET);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('ok');
    expect((await post(update, SECRET)).status).toBe(200);
    await h.max.waitFor(() => h.max.messagesToUser(5102)[0], undefined, 'the greeting after «Начать»');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.max.messagesToUser(5102)).toHaveLength(1);
  });
});

describe('MAX polling after a webhook', () => {
  let h: SystemHarness;
  beforeAll(async () => {
    h = await SystemHarness.start({}, { max: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('removes a subscription left behind, so that updates come to its polls', async () => {
    await h.stopBot();
    await fetch(`${h.max.baseUrl}/subscriptions`, {
      method: 'POST',
      headers: { authorization: MAX_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://old.example.org/max/webhook', secret: SECRET }),
    });
    expect(h.max.subscriptions()).toHaveLength(1);
    await h.startBot();
    expect(h.max.subscriptions()).toEqual([]);
    expect((await h.maxPerson(5201, 'Пётр').ask('Здравствуйте')).text).toMatch(/Здравствуйте/);
  });
});

describe('MAX start-up refused', () => {
  let database: TestDatabase;
  let fake: MaxApiFake;
  beforeAll(async () => {
    database = await startTestDatabase();
    fake = new MaxApiFake({ token: 'another-token-than-the-bot-has-0123' });
    await fake.start();
  });
  afterAll(async () => {
    await fake?.stop();
    await database?.stop();
  });

  it('a token MAX refuses stops start-up at once, naming MAX_TOKEN without the token', async () => {
    const config = loadConfig({
      MAX_TOKEN,
      MAX_API_BASE_URL: fake.baseUrl,
      MONGODB_URI: database.uri,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      METRICS_PORT: '0',
      DISTRICTS: 'Центральный',
      LOG_LEVEL: 'silent',
    });
    const failure = await startSystem(config, { logger: createLogger('silent') }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toMatch(/^MAX_TOKEN: the MAX Bot API at http:\/\/127\.0\.0\.1:\d+ refused the token \(401 verify\.token\)/);
    expect((failure as Error).message).not.toContain(MAX_TOKEN);
  });
});
