import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';

describe('health probes', () => {
  it('says not ready while the database is not connected, and alive all the same', async () => {
    let ready = false;
    const app = createHttpApp({ logger: createLogger('silent'), isReady: () => ready, webhooks: [] });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'not ready', waitingFor: ['database'] });
    ready = true;
    const up = await app.inject({ method: 'GET', url: '/readyz' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: 'ready' });
    await app.close();
  });

  it('names the platforms still connecting, after the database when both are not ready', async () => {
    let database = false;
    let waiting = ['telegram', 'vk'];
    const app = createHttpApp({ logger: createLogger('silent'), isReady: () => database, platformsWaiting: () => waiting, webhooks: [] });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'not ready', waitingFor: ['database', 'telegram', 'vk'] });
    database = true;
    waiting = ['vk'];
    const one = await app.inject({ method: 'GET', url: '/readyz' });
    expect(one.statusCode).toBe(503);
    expect(one.json()).toEqual({ status: 'not ready', waitingFor: ['vk'] });
    waiting = [];
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await app.close();
  });
});
