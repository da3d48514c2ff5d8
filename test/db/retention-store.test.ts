import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decide } from '../../src/domain/lifecycle.js';
import { createRetention } from '../../src/services/retention.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { makeDraft } from '../support/fakes.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await t?.stop();
});

const DAY = 86_400_000;
const holder = { platform: 'telegram' as const, userId: 'v1', displayName: 'Иван' };

it('erases the personal data and free text of requests closed before the period, keeps the rest, and logs counts only', async () => {
  const { requests, retention, feedback, outbox, conversations, updates } = t.db.repositories;
  const now = new Date('2025-06-01T00:00:00Z');
  const requester = { platform: 'telegram' as const, userId: '5', chatId: '5' };
  const file = (at: Date) => requests.create({ draft: makeDraft(), channel: 'telegram', requester, at });

  // Done 100 days ago, with comments and a rated, commented feedback: past the 90 days.
  const old = await file(new Date(now.getTime() - 101 * DAY));
  const claimed = await requests.claim(old.number, holder, new Date(now.getTime() - 101 * DAY));
  const done = decide(
    claimed!,
    { type: 'complete', comment: 'Зинаида Петровна довольна' },
    { person: { platform: 'telegram', userId: 'v1' }, channel: 'telegram', isCoordinator: false },
    new Date(now.getTime() - 100 * DAY),
  );
  await requests.applyTransition(old.number, done.ok ? done.transition : never());
  await feedback.rate(old.number, requester, 5, new Date(now.getTime() - 99 * DAY));
  await feedback.addComment(old.number, requester, 'Спасибо Ивану, ул. Садовая');
  await outbox.enqueue(
    [
      {
        key: `event:${old.number}:3:requester`,
        message: { kind: 'text', platform: 'telegram', chatId: '5', text: 'Заявка выполнена', requestNumber: old.number },
      },
    ],
    new Date(now.getTime() - 100 * DAY),
  );
  // Delivered long ago: the message names the chat and is erased with the request.
  await outbox.markSent((await outbox.lease('w', new Date(now.getTime() - 100 * DAY), 60_000, []))!.key, 'w', new Date(now.getTime() - 100 * DAY));
  // Done 10 days ago, and one still open for 200 days: neither is touched.
  const recent = await file(new Date(now.getTime() - 11 * DAY));
  const recentClaim = await requests.claim(recent.number, holder, new Date(now.getTime() - 11 * DAY));
  const recentDone = decide(
    recentClaim!,
    { type: 'complete' },
    { person: { platform: 'telegram', userId: 'v1' }, channel: 'telegram', isCoordinator: false },
    new Date(now.getTime() - 10 * DAY),
  );
  await requests.applyTransition(recent.number, recentDone.ok ? recentDone.transition : never());
  const open = await file(new Date(now.getTime() - 200 * DAY));
  // A questionnaire abandoned long ago and one in progress.
  await conversations.write('telegram:abandoned', { answers: { name: 'Зинаида' } });
  await t.db.connection.collection('conversations').updateOne({ key: 'telegram:abandoned' }, { $set: { updatedAt: new Date(now.getTime() - 8 * DAY) } });
  await conversations.write('telegram:fresh', { answers: { age: 80 } });
  await t.db.connection.collection('conversations').updateOne({ key: 'telegram:fresh' }, { $set: { updatedAt: new Date(now.getTime() - DAY) } });
  await updates.firstSeen('telegram:1:1', new Date(now.getTime() - 3 * DAY));

  const logged: string[] = [];
  const cancelled: number[] = [];
  const sweep = createRetention({
    store: retention,
    requests,
    // The open request is 200 days old, but this test is about closed ones: the open limit is far.
    expire: async () => ({ kind: 'not_found' }),
    cancelJobsOf: async (n) => cancelled.push(n),
    protectedPeople: async () => [],
    periods: { closedMs: 90 * DAY, withdrawnMs: 30 * DAY, openLimitMs: 1000 * DAY, abandonedConversationMs: 7 * DAY, peopleMs: 180 * DAY },
    logger: pino({ level: 'info' }, { write: (line: string) => void logged.push(line) }),
    now: () => now,
  });
  expect(await sweep()).toEqual({ expired: 0, requests: 1, messages: 0, conversations: 1, updates: 1, people: 0 });
  console.log(`retention: erased 1 request of 3, 1 conversation of 2, 1 handled update; jobs cancelled for ${cancelled.join(', ')}`);

  const erased = (await requests.findByNumber(old.number))!;
  expect(erased.personal).toEqual({ name: '', address: '', phone: '', description: '' });
  expect(erased.history.some((e) => e.comment)).toBe(false);
  expect(erased.feedback).toEqual({ rating: 5, at: new Date(now.getTime() - 99 * DAY) });
  expect(erased.personalErasedAt).toBeInstanceOf(Date);
  // What statistics need stays.
  expect(erased).toMatchObject({ status: 'done', district: old.district, helpKind: old.helpKind, ageBand: '80+', category: old.category });
  expect(erased.history.map((e) => e.type)).toEqual(['created', 'claimed', 'done']);
  expect(cancelled).toEqual([old.number]);
  expect(await t.db.connection.collection('outbox').countDocuments({ requestNumber: old.number })).toBe(0);

  expect((await requests.findByNumber(recent.number))!.personal).toEqual(recent.personal);
  expect((await requests.findByNumber(open.number))!.personal).toEqual(open.personal);
  expect(await conversations.read('telegram:abandoned')).toBeUndefined();
  expect(await conversations.read('telegram:fresh')).toEqual({ answers: { age: 80 } });
  for (const value of Object.values(makeDraft().personal)) expect(logged.join('')).not.toContain(value);

  // A second sweep finds nothing more.
  expect(await sweep()).toEqual({ expired: 0, requests: 0, messages: 0, conversations: 0, updates: 0, people: 0 });
});

function never(): never {
  throw new Error('the rules refused a change the test expects to be allowed');
}
