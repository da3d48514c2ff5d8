import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOTLINE_KEY, PARTNER_KEY, startWebApp, type WebApp } from '../support/web-app.js';

// The intake API of partner lines, through app.inject: keys, bodies checked by the schema and by the
// scenario's own checks, replays of one externalId, and the OpenAPI document made from the schemas.

let w: WebApp;
beforeAll(async () => {
  w = await startWebApp();
});
afterAll(async () => {
  await w?.stop();
});
beforeEach(async () => {
  await Promise.all(['requests', 'counters'].map((name) => w.database.db.connection.collection(name).deleteMany({})));
  w.dispatched.length = 0;
});

const valid = (overrides: Record<string, unknown> = {}) => ({
  externalId: 'call-2025-0001',
  category: 'pensioner',
  age: 84,
  district: 'Ленинский',
  helpKind: 'medicine',
  prescription: 'has_prescription',
  description: 'Купить лекарства по рецепту, рецепт у соседки',
  name: 'Антонина Петровна',
  address: 'ул. Тестовая, д. 7, кв. 13',
  phone: '8 (913) 123-45-67',
  consent: true,
  ...overrides,
});

const post = (body: unknown, key: string | null = PARTNER_KEY, header: 'bearer' | 'x-api-key' = 'bearer') =>
  w.app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    headers: key === null ? {} : header === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key },
    payload: body as object,
  });

describe('keys', () => {
  it('refuses a call without a key, with an unknown key or a malformed header, and files nothing', async () => {
    for (const response of [
      await post(valid(), null),
      await post(valid(), 'not-the-key-0123456789abcdef'),
      await post(valid(), `${PARTNER_KEY}x`),
      await w.app.inject({ method: 'POST', url: '/api/v1/requests', headers: { authorization: `Basic ${PARTNER_KEY}` }, payload: valid() }),
      // The key is checked before the body is read: without one, a broken body is not even parsed.
      await w.app.inject({ method: 'POST', url: '/api/v1/requests', headers: { 'content-type': 'application/json' }, payload: '{"externalId": ' }),
    ]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(await w.repositories.requests.search({ skip: 0, limit: 0 })).toMatchObject({ total: 0 });
  });

  it("takes the key as X-API-Key too, and files under the key's own source", async () => {
    const response = await post(valid(), HOTLINE_KEY, 'x-api-key');
    expect(response.statusCode).toBe(201);
    expect((await w.repositories.requests.findByNumber(response.json().number))!.channel).toBe('api:hotline');
  });
});

describe('bodies', () => {
  it('answers 400 with every issue named, for shapes the schema refuses', async () => {
    const { age: _age, ...withoutAge } = valid();
    const cases: [unknown, string[]][] = [
      [withoutAge, ['age']],
      [valid({ age: '84' }), ['age']],
      [valid({ age: 130 }), ['age']],
      [valid({ district: 'Нарния' }), ['district']],
      [valid({ helpKind: 'taxi' }), ['helpKind']],
      [valid({ consent: false }), ['consent']],
      [valid({ externalId: 'has spaces' }), ['externalId']],
      [valid({ password: 'x' }), ['(body)']],
      [valid({ description: 'ок' }), ['description']],
      [[1, 2], ['(body)']],
    ];
    for (const [body, paths] of cases) {
      const response = await post(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      const answer = response.json();
      expect(answer.error).toBe('invalid_request');
      expect(answer.issues.map((i: { path: string }) => i.path)).toEqual(paths);
    }
  });

  it("answers 400 with the questionnaire's own words for an answer it refuses (a phone that is no phone)", async () => {
    const response = await post(valid({ phone: 'звоните вечером' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().issues).toEqual([{ path: 'phone', message: expect.stringMatching(/Не получилось распознать номер/) }]);
  });

  it("answers 400 in the API's shape for a body that is not JSON", async () => {
    const response = await w.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: { authorization: `Bearer ${PARTNER_KEY}`, 'content-type': 'application/json' },
      payload: '{"externalId": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('drops an answer to a question that does not apply, as the conversation would not ask it', async () => {
    const response = await post(valid({ helpKind: 'groceries', prescription: 'has_prescription' }));
    expect(response.statusCode).toBe(201);
    expect((await w.repositories.requests.findByNumber(response.json().number))!.extra).toEqual({});
  });
});

describe('filing and replays', () => {
  it('files a request like any intake: numbered, dispatched, channel of the line, no requester to write to', async () => {
    const response = await post(valid());
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({ number: 1, status: 'new', createdAt: expect.any(String), replayed: false, codeWord: expect.stringMatching(/^\S+ \d\d$/) });
    const stored = await w.repositories.requests.findByNumber(1);
    // The code word the line tells the person is the one the volunteer's card will show.
    expect(stored!.codeWord).toBe(body.codeWord);
    expect(stored).toMatchObject({
      channel: 'api:112',
      district: 'Ленинский',
      helpKind: 'medicine',
      extra: { prescription: 'has_prescription' },
      personal: { phone: '+79131234567', name: 'Антонина Петровна' },
      clientKey: { key: 'call-2025-0001' },
    });
    expect(stored!.requester).toBeUndefined();
    expect(stored!.history).toEqual([{ type: 'created', at: stored!.createdAt, channel: 'api:112' }]);
    expect(w.dispatched.map((r) => r.number)).toEqual([1]);
  });

  it('answers a replay with the first request and files nothing more; a changed body under a used id is a conflict', async () => {
    const first = await post(valid());
    // The same request, the phone written another way: the same answers, so a true replay.
    const replay = await post(valid({ phone: '+7 913 123 45 67' }));
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ ...first.json(), replayed: true });

    const conflict = await post(valid({ district: 'Центральный' }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'idempotency_conflict', number: first.json().number });

    // Another line's id space is its own.
    expect((await post(valid(), HOTLINE_KEY)).statusCode).toBe(201);
    expect(w.dispatched).toHaveLength(2);
    expect(await w.repositories.requests.search({ skip: 0, limit: 0 })).toMatchObject({ total: 2 });
  });

  it('files one request when ten calls with one externalId arrive at once', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(valid({ externalId: 'storm-1' }))));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().number)).size).toBe(1);
    expect(w.dispatched).toHaveLength(1);
  });
});

describe('OpenAPI', () => {
  it('documents the endpoint from the same schemas, with the configured choices', async () => {
    const response = await w.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'http://console.test' }]);
    const body = doc.components.schemas.NewRequest;
    expect(body.required).toEqual(
      expect.arrayContaining(['externalId', 'category', 'age', 'district', 'helpKind', 'description', 'name', 'address', 'phone', 'consent']),
    );
    expect(body.required).not.toContain('prescription');
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.district.enum).toEqual(['Центральный', 'Ленинский', 'Октябрьский', 'Заельцовский']);
    expect(body.properties.age).toMatchObject({ type: 'integer', minimum: 1, maximum: 120 });
    expect(body.properties.prescription.description).toMatch(/Only when helpKind is one of: medicine/);
    expect(Object.keys(doc.paths['/api/v1/requests'].post.responses)).toEqual(['200', '201', '400', '401', '409', '429']);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
