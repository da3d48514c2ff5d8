import { beforeEach, describe, expect, it } from 'vitest';
import type { Outbox, OutboxEntry, OutboxMessage } from '../../src/services/ports.js';
import { FakeOutbox } from '../support/fakes.js';
import { useContractDatabase } from './database.js';
import { minute, present } from './fixtures.js';

const LEASE_MS = 60_000;

/** What the outbox worker relies on from Outbox, stated once for every implementation. */
function describeOutboxContract(name: string, makeOutbox: () => Promise<Outbox>) {
  describe(`Outbox contract: ${name}`, () => {
    let outbox: Outbox;
    beforeEach(async () => {
      outbox = await makeOutbox();
    });

    const text = (chatId: string, body = 'привет'): OutboxMessage => ({ kind: 'text', platform: 'telegram', chatId, text: body });
    const leaseAll = async (at: Date) => {
      const leased: OutboxEntry[] = [];
      for (let entry = await outbox.lease('w1', at, LEASE_MS, []); entry; entry = await outbox.lease('w1', at, LEASE_MS, [])) leased.push(entry);
      return leased;
    };

    it('hands back every kind of message as it was enqueued, earliest due first, with the attempts counted', async () => {
      const messages: OutboxMessage[] = [
        { kind: 'post', platform: 'telegram', chatId: '-100', requestNumber: 1, viaHeadquarters: true, round: 2 },
        { kind: 'post', platform: 'telegram', chatId: '-100', requestNumber: 1, viaHeadquarters: false, round: 2, reminder: true },
        { kind: 'sync', platform: 'vk', chatId: '2000000001', requestNumber: 1, round: 1 },
        { kind: 'task', platform: 'telegram', chatId: '11', requestNumber: 1, volunteerId: '11', note: 'назначил координатор' },
        { kind: 'task', platform: 'vk', chatId: '12', requestNumber: 2, volunteerId: '12' },
        { kind: 'withdraw', platform: 'vk', chatId: '12', requestNumber: 2, viewerId: '12' },
        { kind: 'feedback', platform: 'telegram', chatId: '5', requestNumber: 1, reminder: true },
        { kind: 'application', platform: 'vk', chatId: '2000000009', volunteerNumber: 7 },
        {
          kind: 'chart',
          platform: 'telegram',
          chatId: '-200',
          caption: 'За неделю',
          columns: [
            [1, 2],
            [0, 3],
          ],
        },
        { kind: 'text', platform: 'vk', chatId: '6', text: 'Заявка принята', requestNumber: 3, toRequester: 'taken' },
        { kind: 'text', platform: 'telegram', chatId: '7', text: 'Общее сообщение' },
      ];
      // Enqueued in reverse, each due a minute earlier than the one enqueued before it.
      await outbox.enqueue(messages.map((message, i) => ({ key: `k${i}`, message, notBefore: minute(i) })).reverse(), minute(0));
      const leased = await leaseAll(minute(10));
      expect(leased).toEqual(messages.map((message, i) => ({ key: `k${i}`, message, attempts: 1 })));
    });

    it('leaves a key already there as it is, so enqueueing twice sends once', async () => {
      await outbox.enqueue([{ key: 'k', message: text('1', 'первое') }], minute(0));
      await outbox.enqueue([{ key: 'k', message: text('1', 'второе') }], minute(0));
      const entry = present(await outbox.lease('w1', minute(1), LEASE_MS, []));
      expect(entry.message).toEqual(text('1', 'первое'));
      await outbox.markSent(entry.key, 'w1', minute(1));
      await outbox.enqueue([{ key: 'k', message: text('1', 'третье') }], minute(2));
      expect(await outbox.lease('w1', minute(3), LEASE_MS, [])).toBeNull();
      expect(await outbox.counts()).toEqual({ pending: 0, failed: 0, sent: 1 });
    });

    it('holds a message until it is due: at `at`, or at its own notBefore', async () => {
      await outbox.enqueue(
        [
          { key: 'now', message: text('1') },
          { key: 'morning', message: text('2'), notBefore: minute(60) },
        ],
        minute(10),
      );
      expect(await outbox.lease('w1', minute(9), LEASE_MS, [])).toBeNull();
      expect(present(await outbox.lease('w1', minute(10), LEASE_MS, [])).key).toBe('now');
      await outbox.markSent('now', 'w1', minute(10));
      expect(await outbox.lease('w1', minute(59), LEASE_MS, [])).toBeNull();
      expect(present(await outbox.lease('w1', minute(60), LEASE_MS, [])).key).toBe('morning');
    });

    it('skips the excluded chats, named platform:chat', async () => {
      await outbox.enqueue(
        [
          { key: 'a', message: text('1') },
          { key: 'b', message: { ...text('1'), platform: 'vk' } },
        ],
        minute(0),
      );
      expect(present(await outbox.lease('w1', minute(1), LEASE_MS, ['telegram:1'])).key).toBe('b');
      expect(await outbox.lease('w1', minute(1), LEASE_MS, ['telegram:1'])).toBeNull();
    });

    it('leases a message to one worker until the lease runs out, then to another, whose mark alone counts', async () => {
      await outbox.enqueue([{ key: 'k', message: text('1') }], minute(0));
      expect(present(await outbox.lease('w1', minute(0), LEASE_MS, [])).attempts).toBe(1);
      expect(await outbox.lease('w2', new Date(minute(1).getTime() - 1), LEASE_MS, [])).toBeNull();
      const takenOver = present(await outbox.lease('w2', minute(1), LEASE_MS, []));
      expect(takenOver).toMatchObject({ key: 'k', attempts: 2 });
      // The first worker woke up late: its marks are ignored.
      await outbox.markFailed('k', 'w1', 'gone', minute(2));
      await outbox.markSent('k', 'w1', minute(2));
      expect(await outbox.counts()).toEqual({ pending: 1, failed: 0, sent: 0 });
      await outbox.markSent('k', 'w2', minute(2));
      expect(await outbox.counts()).toEqual({ pending: 0, failed: 0, sent: 1 });
    });

    it('gives each due message to exactly one of many workers leasing at once', async () => {
      await outbox.enqueue(
        ['a', 'b', 'c'].map((key) => ({ key, message: text(key) })),
        minute(0),
      );
      const leased = await Promise.all(Array.from({ length: 8 }, (_, i) => outbox.lease(`w${i}`, minute(1), LEASE_MS, [])));
      const keys = leased.filter((e): e is OutboxEntry => e !== null).map((e) => e.key);
      expect(keys.sort()).toEqual(['a', 'b', 'c']);
    });

    it('puts a message back until the time given, and gives up on one for good', async () => {
      await outbox.enqueue(
        [
          { key: 'retry', message: text('1') },
          { key: 'fail', message: text('2') },
        ],
        minute(0),
      );
      const first = present(await outbox.lease('w1', minute(1), LEASE_MS, []));
      const second = present(await outbox.lease('w1', minute(1), LEASE_MS, []));
      const [retry, fail] = first.key === 'retry' ? [first, second] : [second, first];
      await outbox.retryLater(retry.key, 'w1', minute(30), 'timeout');
      await outbox.markFailed(fail.key, 'w1', 'chat not found', minute(1));
      expect(await outbox.counts()).toEqual({ pending: 1, failed: 1, sent: 0 });
      expect(await outbox.lease('w1', minute(29), LEASE_MS, [])).toBeNull();
      expect(present(await outbox.lease('w1', minute(30), LEASE_MS, []))).toMatchObject({ key: 'retry', attempts: 2 });
      await outbox.markSent('retry', 'w1', minute(30));
      // The failed one is never due again.
      expect(await outbox.lease('w1', minute(600), LEASE_MS, [])).toBeNull();
    });

    it('counts a leased message as pending, and ignores marks of keys it never had', async () => {
      await outbox.enqueue(
        [
          { key: 'a', message: text('1') },
          { key: 'b', message: text('2') },
        ],
        minute(0),
      );
      await outbox.lease('w1', minute(0), LEASE_MS, []);
      expect(await outbox.counts()).toEqual({ pending: 2, failed: 0, sent: 0 });
      await outbox.markSent('unknown', 'w1', minute(1));
      await outbox.retryLater('unknown', 'w1', minute(1));
      await outbox.markFailed('unknown', 'w1', 'gone', minute(1));
      expect(await outbox.counts()).toEqual({ pending: 2, failed: 0, sent: 0 });
    });
  });
}

describeOutboxContract('in-memory fake', async () => new FakeOutbox());

const database = useContractDatabase();
describeOutboxContract('MongoDB', async () => (await database.fresh()).repositories.outbox);
