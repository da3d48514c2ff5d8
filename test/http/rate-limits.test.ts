import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { form, HOTLINE_KEY, PARTNER_KEY, startWebApp, type WebApp } from '../support/web-app.js';

// Limits on abuse of the public HTTP side, with the limits the configuration gives by default: a
// wrong partner key is refused with 429 after a few tries from one address, one key files only so
// many requests a minute, and the console's sign-in is limited per address. Every refusal says when
// to come back (Retry-After).

const defaults = loadConfig({ BOT_TOKEN: '123:abc' });
const limits = {
  partnerApi: {
    perKey: defaults.PARTNER_API_LIMIT_PER_KEY,
    perAddress: defaults.PARTNER_API_LIMIT_PER_ADDRESS,
    wrongKeysPerAddress: defaults.PARTNER_API_WRONG_KEYS_PER_ADDRESS,
  },
  signIn: defaults.CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS,
};

let w: WebApp;
beforeAll(async () => {
  w = await startWebApp({ limits });
});
afterAll(async () => {
  await w?.stop();
});

let filed = 0;
const body = () => ({
  externalId: `limit-${++filed}`,
  category: 'pensioner',
  age: 84,
  district: 'Ленинский',
  helpKind: 'groceries',
  description: 'Купить хлеб и молоко',
  name: 'Антонина Петровна',
  address: 'ул. Тестовая, д. 7, кв. 13',
  phone: '8 (913) 123-45-67',
  consent: true,
});
const post = (key: string, remoteAddress: string) =>
  w.app.inject({ method: 'POST', url: '/api/v1/requests', remoteAddress, headers: { authorization: `Bearer ${key}` }, payload: body() });
const tally = (codes: number[]) => {
  const all: Record<number, number> = {};
  for (const code of codes) all[code] = (all[code] ?? 0) + 1;
  return all;
};

describe('the partner API', () => {
  it('has sensible defaults: 30 filings a minute per key, 60 calls a minute per address, 10 wrong keys per address in 15 minutes', () => {
    expect(limits.partnerApi).toEqual({
      perKey: { max: 30, windowMs: 60_000 },
      perAddress: { max: 60, windowMs: 60_000 },
      wrongKeysPerAddress: { max: 10, windowMs: 900_000 },
    });
    expect(limits.signIn).toEqual({ max: 20, windowMs: 900_000 });
  });

  it('answers 300 wrong keys from one address with 10 × 401, then 429 with Retry-After', async () => {
    const responses = [];
    for (let i = 0; i < 300; i++) responses.push(await post(`guess-${i}-0123456789abcdef0123`, '203.0.113.7'));
    const codes = responses.map((r) => r.statusCode);
    expect(tally(codes)).toEqual({ 401: 10, 429: 290 });
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    // The 11th is held back by the wrong keys' 15 minutes; from the 61st on, the address's minute is full too.
    expect(Number(responses[10]!.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(responses[299]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(responses[299]!.json()).toMatchObject({ error: 'rate_limited' });
    // Another address is not held back by it.
    expect((await post('another-guess-0123456789abcdef', '203.0.113.8')).statusCode).toBe(401);
  });

  it('does not lock a partner out because someone behind the same address (a shared proxy) guesses keys', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 15; i++) codes.push((await post(`guess-${i}-0123456789abcdef0123`, '203.0.113.9')).statusCode);
    expect(tally(codes)).toEqual({ 401: 10, 429: 5 });
    expect((await post(PARTNER_KEY, '203.0.113.9')).statusCode).toBe(201);
  });

  it('files 30 requests a minute from one key, wherever they come from, then answers 429 with Retry-After; another key is not held back', async () => {
    const codes: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 300; i++) {
      // From many addresses, so that only the key's own limit can bite.
      last = await post(HOTLINE_KEY, `198.51.100.${i % 200}`);
      codes.push(last.statusCode);
    }
    expect(tally(codes)).toEqual({ 201: 30, 429: 270 });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(last!.json()).toEqual({ error: 'rate_limited', message: expect.stringMatching(/retry after \d+ s/) });
    expect((await post(PARTNER_KEY, '198.51.100.250')).statusCode).toBe(201);
  });

  it('answers 300 filings from one key and one address with 30 × 201, then 429', async () => {
    const fresh = await startWebApp({ limits });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 300; i++) {
        codes.push(
          (
            await fresh.app.inject({
              method: 'POST',
              url: '/api/v1/requests',
              remoteAddress: '192.0.2.1',
              headers: { authorization: `Bearer ${PARTNER_KEY}` },
              payload: body(),
            })
          ).statusCode,
        );
      }
      expect(tally(codes)).toEqual({ 201: 30, 429: 270 });
    } finally {
      await fresh.stop();
    }
  });

  it('limits calls per address whatever their key: 60 a minute', async () => {
    const codes: number[] = [];
    // Alternating two right keys and a few wrong ones, from one address.
    for (let i = 0; i < 70; i++)
      codes.push((await post(i % 10 === 9 ? `wrong-${i}-0123456789abcdef` : i % 2 ? PARTNER_KEY : HOTLINE_KEY, '192.0.2.99')).statusCode);
    expect(codes.slice(60).every((c) => c === 429)).toBe(true);
  });

  it('documents the refusal', async () => {
    const doc = (await w.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.paths['/api/v1/requests'].post.responses['429']).toMatchObject({ headers: { 'Retry-After': expect.any(Object) } });
  });
});

describe("the console's sign-in", () => {
  it('takes 20 attempts in 15 minutes from one address, then answers 429 with Retry-After and a page that says why', async () => {
    const attempt = () => {
      const { payload, headers } = form({ token: 'x'.repeat(43) });
      return w.app.inject({ method: 'POST', url: '/console/login', remoteAddress: '203.0.113.50', payload, headers });
    };
    const codes: number[] = [];
    let last: Awaited<ReturnType<typeof attempt>> | undefined;
    for (let i = 0; i < 25; i++) {
      last = await attempt();
      codes.push(last.statusCode);
    }
    expect(tally(codes)).toEqual({ 400: 20, 429: 5 });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(800);
    expect(last!.body).toContain('Слишком много попыток входа');
    expect(last!.headers['content-security-policy']).toBeDefined();
    // Someone else signs in meanwhile.
    const link = await w.web.access.issueLink({ platform: 'telegram', userId: '900' }, 'Координатор');
    const { payload, headers } = form({ token: new URL(link!.url).searchParams.get('token')! });
    expect((await w.app.inject({ method: 'POST', url: '/console/login', remoteAddress: '203.0.113.51', payload, headers })).statusCode).toBe(303);
  });
});
