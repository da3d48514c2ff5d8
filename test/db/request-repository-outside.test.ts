import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { ClientKey } from '../../src/domain/request.js';
import type { NewRequest, RequestRepository } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { makeDraft } from '../support/fakes.js';

// Requests that come from outside the messengers (a phone call taken in the web console, a partner
// line's API): no requester chat, a client key that makes a retry return the first request, and
// the board's filters.

let t: TestDatabase;
let requests: RequestRepository;
let other: Database;

beforeAll(async () => {
  t = await startTestDatabase();
  requests = t.db.repositories.requests;
  other = await t.connectAgain();
});
afterAll(async () => {
  await t?.stop();
});
beforeEach(async () => {
  await Promise.all(['requests', 'counters'].map((name) => t.db.connection.collection(name).deleteMany({})));
});

const AT = new Date('2025-03-01T09:00:00Z');
const operator = { platform: 'telegram' as const, userId: '77', displayName: 'Оператор Анна' };

function fromPartner(key: string, overrides: Partial<NewRequest & { clientKey: ClientKey }> = {}) {
  return { draft: makeDraft(), channel: 'api:112' as const, at: AT, clientKey: { key, fingerprint: 'f1' }, ...overrides };
}

describe('requests without a messenger requester', () => {
  it('stores a phone request with the operator who took it and no requester', async () => {
    const stored = await requests.create({ draft: makeDraft(), channel: 'phone', takenBy: operator, at: AT });
    const read = await requests.findByNumber(stored.number);
    expect(read).toMatchObject({ channel: 'phone', takenBy: operator, status: 'new' });
    expect(read!.requester).toBeUndefined();
    expect(read!.history).toEqual([{ type: 'created', at: AT, actor: { platform: 'telegram', userId: '77' }, channel: 'phone' }]);
  });

  it('refuses a channel it does not know', async () => {
    await expect(requests.create({ draft: makeDraft(), channel: 'fax' as never, at: AT })).rejects.toThrow(/channel/);
  });
});

describe('createOnce', () => {
  it('returns the first request for the same key and spends no number on a replay', async () => {
    const first = await requests.createOnce(fromPartner('abc-1'));
    const again = await requests.createOnce(fromPartner('abc-1', { clientKey: { key: 'abc-1', fingerprint: 'other' } }));
    expect(first).toMatchObject({ created: true, request: { number: 1, channel: 'api:112', clientKey: { key: 'abc-1', fingerprint: 'f1' } } });
    expect(again.created).toBe(false);
    // The stored fingerprint is the first one's, so the caller can tell a different body under a used key.
    expect(again.request).toMatchObject({ number: 1, clientKey: { fingerprint: 'f1' } });
    expect((await requests.createOnce(fromPartner('abc-2'))).request.number).toBe(2);
    expect(first.request.requester).toBeUndefined();
    expect(first.request.history[0]).toEqual({ type: 'created', at: AT, channel: 'api:112' });
    // The service's clock, as create has it (the sweep for lost messages reads updatedAt).
    expect(first.request.createdAt).toEqual(AT);
    expect((await t.db.connection.collection('requests').findOne({ number: 1 }))!.updatedAt).toEqual(AT);
  });

  it('keeps keys apart per channel', async () => {
    const a = await requests.createOnce(fromPartner('same'));
    const b = await requests.createOnce(fromPartner('same', { channel: 'api:hotline' }));
    expect(a.created && b.created).toBe(true);
    expect(a.request.number).not.toBe(b.request.number);
  });

  it('stores one request when 20 submissions of one key race from two connections', async () => {
    const repos = [requests, other.repositories.requests];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => repos[i % 2]!.createOnce(fromPartner('storm'))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.request.number)).size).toBe(1);
    expect(await t.db.connection.collection('requests').countDocuments({ clientKey: 'storm' })).toBe(1);
  });
});

describe('search', () => {
  it('filters by status, district, kind of help, channel and creation time, newest first, with a total', async () => {
    const at = (day: number) => new Date(Date.UTC(2025, 2, day, 10));
    await requests.create({
      draft: makeDraft({ district: 'Ленинский' }),
      channel: 'telegram',
      requester: { platform: 'telegram', userId: '1', chatId: '1' },
      at: at(1),
    });
    await requests.create({ draft: makeDraft({ district: 'Центральный', helpKind: 'medicine' }), channel: 'phone', takenBy: operator, at: at(2) });
    await requests.create({ draft: makeDraft({ district: 'Ленинский', helpKind: 'medicine' }), channel: 'phone', takenBy: operator, at: at(3) });
    await requests.claim(3, { platform: 'telegram', userId: 'v', displayName: 'В' }, at(4));

    const numbers = async (query: Parameters<RequestRepository['search']>[0]) => (await requests.search(query)).items.map((r) => r.number);
    expect(await numbers({ skip: 0, limit: 10 })).toEqual([3, 2, 1]);
    expect(await numbers({ district: 'Ленинский', skip: 0, limit: 10 })).toEqual([3, 1]);
    expect(await numbers({ helpKind: 'medicine', channel: 'phone', skip: 0, limit: 10 })).toEqual([3, 2]);
    expect(await numbers({ statuses: ['new'], skip: 0, limit: 10 })).toEqual([2, 1]);
    expect(await numbers({ createdFrom: at(2), createdTo: at(3), skip: 0, limit: 10 })).toEqual([2]);
    expect(await requests.search({ skip: 1, limit: 1 })).toMatchObject({ total: 3, items: [{ number: 2 }] });
    expect(await requests.search({ statuses: ['new', 'claimed'], skip: 0, limit: 0 })).toEqual({ items: [], total: 3 });
  });
});
