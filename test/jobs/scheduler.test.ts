import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { nextAllowedMoment, quietHoursRule, quietHoursSchema } from '../../src/domain/quiet-hours.js';
import { createScheduler, JOBS_COLLECTION, type JobHandler, type Scheduler, type SchedulerDeps } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/logger.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { nightNow } from '../support/quiet-hours.js';
import { waitFor, waitForAsync } from '../support/wait.js';

// Real agenda against the MongoDB-compatible server the tests start (or MONGODB_URI): the clock is
// moved by configuration only, polling every 100 ms, jobs due a few hundred milliseconds ahead.

let t: TestDatabase;
const started: Scheduler[] = [];

beforeAll(async () => {
  t = await startTestDatabase();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop({ timeoutMs: 5_000 })));
  await t.db.connection.collection(JOBS_COLLECTION).deleteMany({});
});
afterAll(async () => {
  await t.stop();
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function captureLogger() {
  const lines: LogLine[] = [];
  // The system's own logger, with its serializers and redaction, its lines read back.
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

function makeScheduler(database: Database, overrides: Partial<SchedulerDeps> = {}): Scheduler {
  const scheduler = createScheduler({
    db: database.connection.db!,
    logger: pino({ level: 'silent' }),
    processName: `test:${randomUUID().slice(0, 8)}`,
    processEveryMs: 100,
    lockLifetimeMs: 10_000,
    requestersAllowedFrom: (at) => at,
    timeZone: 'Asia/Novosibirsk',
    retry: { attempts: 2, delayMs: 100 },
    ...overrides,
  });
  return scheduler;
}

async function start(scheduler: Scheduler): Promise<Scheduler> {
  await scheduler.start();
  started.push(scheduler);
  return scheduler;
}

/** A handler that counts its runs per unique key. */
function counting(runs: Map<string, number>, onRun?: (key: string) => void): JobHandler<{ requestNumber?: number }> {
  return async ({ uniqueKey }) => {
    const key = uniqueKey ?? '(recurring)';
    runs.set(key, (runs.get(key) ?? 0) + 1);
    onRun?.(key);
  };
}

const inMs = (ms: number) => new Date(Date.now() + ms);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jobs = () => t.db.connection.collection(JOBS_COLLECTION);

describe('one-time jobs', () => {
  it('fires a job scheduled 300 ms ahead once, not before its time', async () => {
    const scheduler = makeScheduler(t.db);
    const firedAt: number[] = [];
    scheduler.define('test.once', async () => void firedAt.push(Date.now()));
    await start(scheduler);
    const at = inMs(300);
    await scheduler.scheduleOnce('test.once', at, { requestNumber: 1 }, '1');

    await waitFor(() => firedAt.length > 0);
    await sleep(500);
    expect(firedAt).toHaveLength(1);
    expect(firedAt[0]).toBeGreaterThanOrEqual(at.getTime());
    const [stored] = await scheduler.list({ requestNumber: 1 });
    expect(stored).toMatchObject({ name: 'test.once', uniqueKey: '1', requestNumber: 1, nextRunAt: null, failCount: 0, running: false });
    console.log(`one job 300 ms ahead: ran once, ${firedAt[0]! - at.getTime()} ms after its time`);
  });

  it('keeps one job per key however often, and from however many processes, it is scheduled', async () => {
    const a = makeScheduler(t.db);
    const b = makeScheduler(await t.connectAgain());
    const runs = new Map<string, number>();
    for (const s of [a, b]) s.define('test.keyed', counting(runs));
    // Twenty simultaneous schedulings of one key from two processes, with different times.
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).scheduleOnce('test.keyed', inMs(300 + i * 10), { requestNumber: 2 }, '2:feedback')));
    await a.scheduleOnce('test.keyed', inMs(300), { requestNumber: 2 }, '2:feedback');
    expect(await jobs().countDocuments({ name: 'test.keyed', 'data.jobKey': '2:feedback' })).toBe(1);

    await Promise.all([start(a), start(b)]);
    await waitFor(() => runs.get('2:feedback'));
    // Scheduled again after it ran (a state change derived twice): the finished job stands, nothing runs.
    await b.scheduleOnce('test.keyed', inMs(0), { requestNumber: 2 }, '2:feedback');
    await sleep(600);
    expect(runs.get('2:feedback')).toBe(1);
    expect(await jobs().countDocuments({ name: 'test.keyed' })).toBe(1);

    // reschedule means it: the same key runs again.
    await a.reschedule('test.keyed', inMs(100), { requestNumber: 2 }, '2:feedback');
    await waitFor(() => runs.get('2:feedback') === 2);
    await sleep(400);
    expect(runs.get('2:feedback')).toBe(2);
    expect(await jobs().countDocuments({ name: 'test.keyed' })).toBe(1);
    console.log('one key scheduled 21 times from 2 processes: 1 job, 1 run; rescheduled: 1 more run');
  });

  it('moves a job to its new time when rescheduled before it ran', async () => {
    const scheduler = makeScheduler(t.db);
    const firedAt: number[] = [];
    scheduler.define('test.moved', async () => void firedAt.push(Date.now()));
    await start(scheduler);
    await scheduler.scheduleOnce('test.moved', inMs(200), { requestNumber: 3 }, '3');
    const later = inMs(900);
    await scheduler.reschedule('test.moved', later, { requestNumber: 3 }, '3');
    await waitFor(() => firedAt.length > 0);
    await sleep(300);
    expect(firedAt).toHaveLength(1);
    expect(firedAt[0]).toBeGreaterThanOrEqual(later.getTime());
  });

  it('runs a job again when its handler asks to', async () => {
    const scheduler = makeScheduler(t.db);
    let runs = 0;
    scheduler.define('test.again', async () => {
      runs++;
      return runs === 1 ? { runAgainAt: inMs(200) } : undefined;
    });
    await start(scheduler);
    await scheduler.scheduleOnce('test.again', inMs(0), { requestNumber: 4 }, '4');
    await waitFor(() => runs === 2);
    await sleep(400);
    expect(runs).toBe(2);
  });
});

describe('processes sharing the database', () => {
  it('survives a restart: a job locked ahead of its time by a stopped process runs in the next one', async () => {
    // Polls at 0 and 1000 ms; the second poll looks 1000 ms ahead and locks the job due at 1500 ms.
    const first = makeScheduler(t.db, { processEveryMs: 1_000 });
    const runsInFirst = new Map<string, number>();
    first.define('test.restart', counting(runsInFirst));
    await first.scheduleOnce('test.restart', inMs(1_500), { requestNumber: 5 }, '5');
    await start(first);
    // The first process polls ahead by its interval and locks the job before it is due ...
    const locked = await waitForAsync(async () => (await jobs().findOne({ 'data.jobKey': '5' }))?.lockedAt);
    expect(locked).toBeInstanceOf(Date);
    // ... and stops before that time, as a process being restarted does.
    await first.stop();
    started.splice(started.indexOf(first), 1);
    expect(runsInFirst.size).toBe(0);

    const again = await t.connectAgain();
    const second = makeScheduler(again);
    const runsInSecond = new Map<string, number>();
    second.define('test.restart', counting(runsInSecond));
    await start(second);
    await waitFor(() => runsInSecond.get('5'));
    await sleep(400);
    expect(runsInSecond.get('5')).toBe(1);
    expect(runsInFirst.size).toBe(0);
    console.log('restart: locked by the stopped process, run once by the next one');
  });

  it('runs each of 50 jobs due at once exactly once across two processes', async () => {
    const processes = [makeScheduler(t.db), makeScheduler(await t.connectAgain())];
    const runs = new Map<string, number>();
    const byProcess = [0, 0];
    processes.forEach((scheduler, index) => {
      scheduler.define(
        'test.shared',
        counting(runs, () => byProcess[index]!++),
        { concurrency: 10 },
      );
    });
    const at = inMs(300);
    await Promise.all(Array.from({ length: 50 }, (_, i) => processes[i % 2]!.scheduleOnce('test.shared', at, { requestNumber: 100 + i }, String(100 + i))));
    await Promise.all(processes.map(start));

    await waitFor(() => runs.size === 50);
    await sleep(1_000); // several more polls of both processes: a double would show now
    const total = [...runs.values()].reduce((sum, n) => sum + n, 0);
    const doubles = [...runs.values()].filter((n) => n > 1).length;
    console.log(`50 jobs, 2 processes: ${total} runs, ${doubles} doubles (process A ran ${byProcess[0]}, process B ran ${byProcess[1]})`);
    expect(runs.size).toBe(50);
    expect(doubles).toBe(0);
    expect(total).toBe(50);
  });

  it('runs a job again elsewhere after the process running it was killed half-way', async () => {
    await jobs().deleteMany({});
    const marks = t.db.connection.collection('crash_marks');
    await marks.deleteMany({});
    const survivor = makeScheduler(t.db);
    const runsInSurvivor = new Map<string, number>();
    // The lock lifetime that counts is the one of the process looking for expired locks.
    survivor.define('test.crash', counting(runsInSurvivor), { lockLifetimeMs: 1_000 });
    await survivor.scheduleOnce('test.crash', inMs(0), { requestNumber: 6 }, '6');

    const script = fileURLToPath(new URL('./crashing-process.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, t.uri, 'test.crash'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('started'), 20_000, 'the crashing process to say its scheduler started');
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    const killedAt = Date.now();

    await start(survivor);
    await waitFor(() => runsInSurvivor.get('6'));
    const rerunAfter = Date.now() - killedAt;
    await sleep(400);
    expect(await marks.countDocuments({})).toBe(1);
    expect(runsInSurvivor.get('6')).toBe(1);
    console.log(`crash: started in the killed process, run again by the other ${rerunAfter} ms later (lock lifetime 1000 ms)`);
  }, 60_000);

  it('keeps one recurring job for all processes and runs each occurrence once', async () => {
    const processes = [makeScheduler(t.db), makeScheduler(await t.connectAgain())];
    const runAt: number[] = [];
    for (const s of processes) s.define('test.recurring', async () => void runAt.push(Date.now()));
    await Promise.all(processes.map((s) => s.every('test.recurring', 300)));
    await Promise.all(processes.map((s) => s.every('test.recurring', 300))); // a restart defines it again
    expect(await jobs().countDocuments({ name: 'test.recurring' })).toBe(1);
    await Promise.all(processes.map(start));
    await waitFor(() => runAt.length >= 4);
    const gaps = runAt.slice(1).map((time, i) => time - runAt[i]!);
    console.log(`recurring every 300 ms, 2 processes: ${runAt.length} runs, gaps ${gaps.join(', ')} ms`);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
  });
});

describe("the daily report's kind of schedule", () => {
  it('reads a cron expression on the wall clock of the configured time zone', async () => {
    const scheduler = makeScheduler(t.db, { timeZone: 'Asia/Novosibirsk' });
    scheduler.define('test.daily', async () => {});
    const job = await scheduler.every('test.daily', '0 9 * * *');
    // 09:00 in Novosibirsk (UTC+7) is 02:00 UTC, within the next day.
    expect([job.nextRunAt!.getUTCHours(), job.nextRunAt!.getUTCMinutes()]).toEqual([2, 0]);
    expect(job.nextRunAt!.getTime() - Date.now()).toBeGreaterThan(0);
    expect(job.nextRunAt!.getTime() - Date.now()).toBeLessThanOrEqual(24 * 60 * 60_000);
  });
});

describe('cancelling', () => {
  it('removes every job of a request, also those a process has locked ahead of their time; they never run', async () => {
    // As above: locked at the poll 1000 ms in, due 500 ms later.
    const scheduler = makeScheduler(t.db, { processEveryMs: 1_000 });
    const runs = new Map<string, number>();
    for (const name of ['test.feedback', 'test.escalate', 'test.remind']) scheduler.define(name, counting(runs));
    const at = inMs(1_500);
    await scheduler.scheduleOnce('test.feedback', at, { requestNumber: 7 }, '7:feedback');
    await scheduler.scheduleOnce('test.escalate', at, { requestNumber: 7 }, '7:escalate');
    await scheduler.scheduleOnce('test.remind', at, { requestNumber: 7 }, '7:remind');
    await scheduler.scheduleOnce('test.feedback', at, { requestNumber: 8 }, '8:feedback');
    await start(scheduler);
    await waitForAsync(async () => (await jobs().countDocuments({ 'data.requestNumber': 7, lockedAt: { $ne: null } })) === 3);

    expect(await scheduler.cancelFor(7)).toBe(3);
    expect(await scheduler.list({ requestNumber: 7 })).toEqual([]);
    await waitFor(() => runs.get('8:feedback'));
    await sleep(500);
    expect([...runs.keys()]).toEqual(['8:feedback']);
  });

  it('refuses a query that names nothing rather than pretend to cancel', async () => {
    const scheduler = makeScheduler(t.db);
    await expect(scheduler.cancel({})).rejects.toThrow(/needs a name, a request number or a key/);
  });
});

describe('failures', () => {
  it('retries a failing job twice, then gives up; logs each failure per job without personal data', async () => {
    const { logger, lines } = captureLogger();
    const scheduler = makeScheduler(t.db, { logger, retry: { attempts: 2, delayMs: 100 } });
    let runs = 0;
    scheduler.define('test.failing', async () => {
      runs++;
      // The kind of error that quotes the offending value.
      throw Object.assign(new Error('Path `phone` is invalid (+79131234567).'), { name: 'ValidationError' });
    });
    let onceRuns = 0;
    scheduler.define(
      'test.failing-once',
      async () => {
        onceRuns++;
        throw new Error('the platform said no');
      },
      { retry: false },
    );
    await start(scheduler);
    await scheduler.scheduleOnce('test.failing', inMs(0), { requestNumber: 9 }, '9');
    await scheduler.scheduleOnce('test.failing-once', inMs(0), { requestNumber: 10 }, '10');

    await waitFor(() => lines.some((l) => l.msg === 'job failed for good' && l.job === 'test.failing'));
    await sleep(500);
    expect(runs).toBe(3);
    expect(onceRuns).toBe(1);

    const failures = lines.filter((l) => l.msg.startsWith('job failed') && l.job === 'test.failing');
    expect(failures.map((l) => [l.level, l.msg, l.request, l.attempt])).toEqual([
      [40, 'job failed; will retry', 9, 1],
      [40, 'job failed; will retry', 9, 2],
      [50, 'job failed for good', 9, 3],
    ]);
    expect(failures[0]!.err).toEqual({ type: 'ValidationError' });
    expect(lines.filter((l) => l.job === 'test.failing-once' && l.msg.startsWith('job failed'))).toMatchObject([
      { level: 50, msg: 'job failed for good', request: 10, attempt: 1, err: { type: 'Error', message: 'the platform said no' } },
    ]);
    expect(JSON.stringify(lines)).not.toContain('79131234567');

    const [failed] = await scheduler.list({ requestNumber: 9 });
    expect(failed).toMatchObject({ failCount: 3, failReason: 'ValidationError', nextRunAt: null });
    expect(JSON.stringify(await jobs().find({}).toArray())).not.toContain('79131234567');
    const [once] = await scheduler.list({ requestNumber: 10 });
    expect(once).toMatchObject({ failCount: 1, failReason: 'Error: the platform said no', nextRunAt: null });
  });

  it('refuses to schedule a kind of job nobody defined', async () => {
    const scheduler = makeScheduler(t.db);
    await expect(scheduler.scheduleOnce('test.undefined', inMs(0), {}, 'x')).rejects.toThrow(/not defined/);
  });
});

describe('quiet hours', () => {
  it("holds a job that writes to requesters until quiet hours end; a volunteers' job runs at once", async () => {
    const quietEnds = inMs(2_000);
    const scheduler = makeScheduler(t.db, { requestersAllowedFrom: (at) => new Date(Math.max(at.getTime(), quietEnds.getTime())) });
    const ranAt = new Map<string, number>();
    let seenQuietUntil: Date | undefined = new Date(0);
    scheduler.define('test.to-requester', async () => void ranAt.set('requester', Date.now()), { writesToRequesters: true });
    scheduler.define('test.to-volunteer', async ({ requestersQuietUntil }) => {
      ranAt.set('volunteer', Date.now());
      seenQuietUntil = requestersQuietUntil;
    });
    await start(scheduler);
    const at = inMs(100);
    await scheduler.scheduleOnce('test.to-requester', at, { requestNumber: 11 }, '11');
    await scheduler.scheduleOnce('test.to-volunteer', at, { requestNumber: 11 }, '11');

    await waitFor(() => ranAt.get('volunteer'));
    expect(ranAt.get('requester')).toBeUndefined();
    expect(seenQuietUntil).toEqual(quietEnds);
    await waitFor(() => ranAt.get('requester'));
    expect(ranAt.get('requester')).toBeGreaterThanOrEqual(quietEnds.getTime());
    expect(ranAt.get('volunteer')).toBeLessThan(quietEnds.getTime());
  });

  it('moves a requester job due in the configured night to the morning of the configured time zone', async () => {
    // A window around the present moment on Novosibirsk's wall clock: now is its night.
    const zone = 'Asia/Novosibirsk';
    const night = quietHoursSchema.parse(nightNow(zone));
    const scheduler = makeScheduler(t.db, { requestersAllowedFrom: quietHoursRule(night, zone).endOf, timeZone: zone });
    let runs = 0;
    scheduler.define('test.night', async () => void runs++, { writesToRequesters: true });
    await start(scheduler);
    await scheduler.scheduleOnce('test.night', inMs(0), { requestNumber: 12 }, '12');

    const held = await waitForAsync(async () => {
      const [job] = await scheduler.list({ requestNumber: 12 });
      return job?.lastFinishedAt ? job : undefined;
    });
    expect(runs).toBe(0);
    const morning = nextAllowedMoment(new Date(), night, zone);
    expect(Math.abs(held.nextRunAt!.getTime() - morning.getTime())).toBeLessThan(60_000);
    expect(held.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
  });
});

describe('stopping', () => {
  it('waits for a running job to finish and save before it returns', async () => {
    const scheduler = makeScheduler(t.db);
    let finished = false;
    scheduler.define('test.slow', async () => {
      await sleep(600);
      finished = true;
    });
    await start(scheduler);
    await scheduler.scheduleOnce('test.slow', inMs(0), { requestNumber: 13 }, '13');
    await waitForAsync(async () => (await scheduler.list({ requestNumber: 13 }))[0]?.running);
    const result = await scheduler.stop();
    started.splice(started.indexOf(scheduler), 1);
    expect(result).toEqual({ unfinished: 0 });
    expect(finished).toBe(true);
    const [stored] = await scheduler.list({ requestNumber: 13 });
    expect(stored).toMatchObject({ running: false, nextRunAt: null });
    expect(stored!.lastFinishedAt).toBeInstanceOf(Date);
  });

  it('gives up waiting after its timeout and says how many jobs were still running', async () => {
    const scheduler = makeScheduler(t.db);
    let finished = false;
    scheduler.define('test.slower', async () => {
      await sleep(1_000);
      finished = true;
    });
    await start(scheduler);
    await scheduler.scheduleOnce('test.slower', inMs(0), { requestNumber: 14 }, '14');
    await waitForAsync(async () => (await scheduler.list({ requestNumber: 14 }))[0]?.running);
    started.splice(started.indexOf(scheduler), 1);
    expect(await scheduler.stop({ timeoutMs: 100 })).toEqual({ unfinished: 1 });
    expect(finished).toBe(false);
    await waitFor(() => finished); // let it end before the next test clears the collection
    await sleep(100);
  });
});
