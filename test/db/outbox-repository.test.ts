import { createVettingTexts } from '../../src/messages/vetting-texts.js';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { quietHoursRule } from '../../src/domain/quiet-hours.js';
import { createOutboxWorker } from '../../src/services/outbox-worker.js';
import type { OutboxMessage } from '../../src/services/ports.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createTaskDetails } from '../../src/services/task-details.js';
import { createRequestEffects } from '../../src/services/request-effects.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeDistrictChatRepository, RecordingLogger, RecordingMessenger } from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';
import { drawReportChart } from '../../src/messages/report-chart.js';

let t: TestDatabase;
let processes: Database[];
beforeAll(async () => {
  t = await startTestDatabase();
  processes = [t.db, await t.connectAgain(), await t.connectAgain()];
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  await t.db.connection.collection('outbox').deleteMany({});
  await t.db.connection.collection('chat_pacing').deleteMany({});
});

const text = (chatId: string, text: string): OutboxMessage => ({ kind: 'text', platform: 'telegram', chatId, text });

it('keeps the first message of a key and leases each message to one worker at a time', async () => {
  const { outbox } = t.db.repositories;
  const now = new Date();
  await outbox.enqueue([{ key: 'k1', message: text('1', 'first') }], now);
  await outbox.enqueue([{ key: 'k1', message: text('1', 'second') }], now);
  const leases = await Promise.all(processes.map((p, i) => p.repositories.outbox.lease(`w${i}`, now, 60_000, [])));
  const won = leases.filter((l) => l !== null);
  expect(won).toHaveLength(1);
  expect(won[0]).toMatchObject({ key: 'k1', attempts: 1, message: { text: 'first' } });
});

it('keeps what a message is for the requester, so the night policy applies when it is delivered', async () => {
  const { outbox } = t.db.repositories;
  const now = new Date();
  const news: OutboxMessage = { kind: 'text', platform: 'vk', chatId: '77', text: 'Заявку №5 взял волонтёр', requestNumber: 5, toRequester: 'taken' };
  await outbox.enqueue([{ key: 'news', message: news }], now);
  expect((await outbox.lease('w', now, 1000, []))?.message).toEqual(news);
});

it('hands a message held by a worker that died to another once the lease runs out', async () => {
  const { outbox } = t.db.repositories;
  const start = new Date();
  await outbox.enqueue([{ key: 'k2', message: text('1', 'hello') }], start);
  expect(await outbox.lease('dead', start, 1000, [])).not.toBeNull();
  expect(await outbox.lease('alive', new Date(start.getTime() + 500), 1000, [])).toBeNull();
  const taken = await outbox.lease('alive', new Date(start.getTime() + 1001), 1000, []);
  expect(taken).toMatchObject({ key: 'k2', attempts: 2 });
  // The dead worker waking up cannot mark what is no longer its own.
  await outbox.markSent('k2', 'dead', new Date());
  await outbox.markSent('k2', 'alive', new Date());
  expect(await outbox.counts()).toEqual({ pending: 0, failed: 0, sent: 1 });
});

it('skips excluded chats and messages not yet due, oldest first', async () => {
  const { outbox } = t.db.repositories;
  const now = new Date();
  await outbox.enqueue([{ key: 'later', message: text('1', 'later') }], new Date(now.getTime() + 60_000));
  await outbox.enqueue([{ key: 'busy', message: text('2', 'busy chat') }], new Date(now.getTime() - 2000));
  await outbox.enqueue([{ key: 'due', message: text('3', 'due') }], new Date(now.getTime() - 1000));
  expect((await outbox.lease('w', now, 1000, ['telegram:2']))?.key).toBe('due');
  expect(await outbox.lease('w', now, 1000, ['telegram:2'])).toBeNull();
  expect((await outbox.lease('w', now, 1000, []))?.key).toBe('busy');
});

it('gives each chat one slot per interval, shared by three processes', async () => {
  const now = new Date();
  const results = await Promise.all(processes.flatMap((p) => [1, 2, 3].map(() => p.repositories.pacing.reserve('telegram:-100', 3000, now))));
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  const refused = results.find((r) => !r.ok);
  expect(refused && !refused.ok && refused.nextAt.getTime()).toBe(now.getTime() + 3000);
  expect((await t.db.repositories.pacing.reserve('telegram:-100', 3000, new Date(now.getTime() + 3000))).ok).toBe(true);
  await t.db.repositories.pacing.holdUntil('telegram:-100', new Date(now.getTime() + 60_000));
  expect((await t.db.repositories.pacing.reserve('telegram:-100', 3000, new Date(now.getTime() + 10_000))).ok).toBe(false);
});

it('delivers 150 messages exactly once with three processes sharing the outbox', async () => {
  const messenger = new RecordingMessenger('telegram');
  const logger = new RecordingLogger();
  const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
  const now = () => new Date();
  const entries = Array.from({ length: 150 }, (_, i) => ({ key: `m${i}`, message: text(String(1000 + (i % 30)), `message ${i}`) }));
  await t.db.repositories.outbox.enqueue(entries, new Date());
  const workers = processes.map((p, i) =>
    createOutboxWorker({
      outbox: p.repositories.outbox,
      pacing: p.repositories.pacing,
      requests: p.repositories.requests,
      effects: createRequestEffects({
        requests: p.repositories.requests,
        districtChats: new FakeDistrictChatRepository(),
        headquartersChats: [],
        outbox: p.repositories.outbox,
        texts,
        now,
      }),
      details: createTaskDetails({
        requests: p.repositories.requests,
        accessLog: p.repositories.accessLog,
        outbox: p.repositories.outbox,
        messengers: { telegram: messenger },
        now,
      }),
      accessLog: p.repositories.accessLog,
      volunteers: p.repositories.volunteerRoster,
      vettingTexts: createVettingTexts(catalogs.ru, undefined, texts),
      drawReportChart,
      bindings: { moved: async () => undefined, lost: async () => false, posted: async () => undefined },
      messengers: { telegram: messenger },
      headquartersChats: [],
      catalog: catalogs.ru,
      limits: {
        groupIntervalMs: { telegram: 0, vk: 0, max: 0 },
        privateIntervalMs: { telegram: 5, vk: 5, max: 5 },
        perSecond: { telegram: 10_000, vk: 10_000, max: 10_000 },
      },
      logger,
      now,
      quietHours: quietHoursRule(null, 'UTC'),
      workerId: `process-${i}`,
      concurrency: 3,
      idleMs: 10,
    }),
  );
  for (const w of workers) w.start();
  await t.db.repositories.outbox.counts().then(async function wait(counts): Promise<void> {
    if (counts.sent === 150) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return wait(await t.db.repositories.outbox.counts());
  });
  await Promise.all(workers.map((w) => w.stop()));
  const sent = messenger
    .texts()
    .map((m) => m.text)
    .sort();
  expect(sent).toEqual(entries.map((e) => (e.message as { text: string }).text).sort());
  console.log(`three processes: ${entries.length} enqueued, ${sent.length} sent, ${new Set(sent).size} distinct, ${entries.length - new Set(sent).size} lost`);
}, 60_000);
