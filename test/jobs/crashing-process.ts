// A bot process for the crash test of test/jobs/scheduler.test.ts: it takes the job, marks that it
// started, and hangs until the test kills it with SIGKILL (no shutdown, no unlock: a real crash).
import { pino } from 'pino';
import { connectDatabase } from '../../src/db/database.js';
import { createScheduler } from '../../src/jobs/scheduler.js';

const [uri, jobName] = process.argv.slice(2);
if (!uri || !jobName) throw new Error('usage: crashing-process.ts <mongodb uri> <job name>');
const db = await connectDatabase(uri);
const scheduler = createScheduler({
  db: db.connection.db!,
  logger: pino({ level: 'silent' }),
  processName: `crashing:${process.pid}`,
  processEveryMs: 100,
  lockLifetimeMs: 60_000,
  requestersAllowedFrom: (at) => at,
  timeZone: 'Europe/Moscow',
});
scheduler.define(jobName, async () => {
  await db.connection.collection('crash_marks').insertOne({ pid: process.pid, at: new Date() });
  process.stdout.write('started\n');
  await new Promise(() => {});
});
await scheduler.start();
