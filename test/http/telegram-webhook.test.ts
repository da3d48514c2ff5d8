import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, postTelegramWebhook, startCommandUpdate, SystemHarness } from '../support/harness.js';

const SECRET = 'webhook-secret-0123456789';
let h: SystemHarness;
beforeAll(async () => {
  // A local address that nothing listens on: the emulator records it and never needs to call it.
  h = await SystemHarness.start({ TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:9/', TELEGRAM_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await h?.stop();
});

const startUpdate = (updateId: number, userId: number) => startCommandUpdate(updateId, userId);
const post = (body: unknown, secret?: string) => postTelegramWebhook(h, body, secret);

describe('the HTTP side', () => {
  it('registers the webhook with its secret at start-up', () => {
    const [call] = h.emulator.callsOf('setWebhook');
    expect(call?.payload).toMatchObject({ url: 'http://127.0.0.1:9/telegram/webhook', secret_token: SECRET });
  });

  it('answers 401 to a webhook call without the right secret, and handles nothing', async () => {
    expect((await post(startUpdate(1, 701))).status).toBe(401);
    expect((await post(startUpdate(2, 701), 'wrong-secret-0123456789')).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.messagesTo(701)).toEqual([]);
  });

  it('handles an update posted with the right secret', async () => {
    expect((await post(startUpdate(3, 702), SECRET)).status).toBe(200);
    const [reply] = await h.waitForMessages(702, 0);
    expect(reply?.message.text).toMatch(/Здравствуйте/);
    expect(h.emulator.callsOf('sendMessage').at(-1)?.token).toBe(BOT_TOKEN);
  });

  it('serves /metrics only on its own listener, on 127.0.0.1, not on the public port', async () => {
    expect((await fetch(`${h.system!.httpUrl}/metrics`)).status).toBe(404);
    const metricsUrl = h.system!.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsUrl).not.toBe(h.system!.httpUrl);
    const scrape = await fetch(`${metricsUrl}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('help_requests{status="new"}');
  });

  it('reports liveness and readiness', async () => {
    const health = await fetch(`${h.system!.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${h.system!.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
