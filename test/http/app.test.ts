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
    expect(down.json()).toEqual({ status: 'not ready' });
    ready = true;
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await app.close();
  });
});
