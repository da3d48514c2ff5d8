import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, backoffStrategies, type Job } from 'agenda';
import type { Db } from 'mongodb';
import type { Logger } from '../logger.js';
import { describeError } from '../services/describe-error.js';

/** The collection agenda keeps jobs in, shared by every bot process (agenda's default name, which its tools expect). */
export const JOBS_COLLECTION = 'agendaJobs';

/**
 * What a job carries. Only request numbers and keys: never a name, phone or address, because a job
 * document outlives the personal data it would copy (the retention sweep purges requests, not jobs).
 * `jobKey` is reserved: the scheduler keeps the unique key there.
 */
export type JobData = { requestNumber?: number; jobKey?: never };

/** What a handler is given for one run. */
export interface JobContext<D extends JobData> {
  readonly name: string;
  readonly data: D;
  /** The key the job was scheduled under; undefined for recurring jobs. */
  readonly uniqueKey: string | undefined;
  /** 1 on the first run, 2 on the first retry after a failure, … (a rerun after a crash keeps its number). */
  readonly attempt: number;
  /** A child of the process logger bound to `{ job, request }`. */
  readonly log: Logger;
  /** Undefined when requesters may be written to now; otherwise the moment they may (the end of quiet hours). */
  readonly requestersQuietUntil: Date | undefined;
  /** Renews the job's lock; a job running longer than its lock lifetime must call it, or another process may start it too. */
  touch(): Promise<void>;
}

/** A handler may ask to be run again later (the request is not ready yet, or a part waits for the morning). */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is the common case, and `undefined` would not accept it.
export type JobOutcome = void | { runAgainAt: Date };

/**
 * Runs one job. It must be idempotent: after a crash half-way, or a reschedule racing a run, it runs
 * again; whatever it sends goes through the outbox under keys naming the request and the step, so a
 * second run enqueues nothing new.
 */
export type JobHandler<D extends JobData> = (context: JobContext<D>) => Promise<JobOutcome>;

/** Retries after a failure: `attempts` more runs, the first `delayMs` later, each next one twice as late. */
export interface RetryPolicy {
  attempts: number;
  delayMs: number;
}

/** How a kind of job runs. */
export interface JobOptions {
  /** How many jobs of this kind one process runs at once (default 5). */
  concurrency?: number;
  /** After this long without finishing or `touch()`, the job counts as dead and may be run again elsewhere. */
  lockLifetimeMs?: number;
  /** Retries after a failure; false for none. Defaults to the scheduler's policy. */
  retry?: RetryPolicy | false;
  /**
   * The job writes to requesters what the night policy holds until morning (the rating question):
   * during quiet hours it is not run but moved to their end. Jobs that write only to volunteers and
   * coordinators, or news that goes at once, leave this off and run at any hour.
   */
  writesToRequesters?: boolean;
}

/** Which jobs a query means; at least one field must be given. */
export interface JobQuery {
  name?: string;
  requestNumber?: number;
  uniqueKey?: string;
}

/** A stored job, as listed. */
export interface ScheduledJob {
  name: string;
  uniqueKey: string | undefined;
  requestNumber: number | undefined;
  /** Null once a one-time job has run (or failed for good). */
  nextRunAt: Date | null;
  lastRunAt: Date | undefined;
  lastFinishedAt: Date | undefined;
  failCount: number;
  failReason: string | undefined;
  running: boolean;
}

/** Scheduled work shared by every bot process through MongoDB. */
export interface Scheduler {
  /** Declares a kind of job and how to run it; every process that runs jobs defines every kind before `start()`. */
  define<D extends JobData>(name: string, handler: JobHandler<D>, options?: JobOptions): void;
  /**
   * Schedules a one-time job under (name, uniqueKey) unless one exists already: scheduling the same
   * key again, from this or another process, keeps the first job as it is (also once it has run).
   */
  scheduleOnce<D extends JobData>(name: string, at: Date, data: D, uniqueKey: string): Promise<ScheduledJob>;
  /**
   * Moves the job (name, uniqueKey) to a new time with new data, creating it if missing, even if it
   * ran already. It removes the old document, then inserts: a crash in between leaves no job, which
   * the caller's recovery (deriving a request's effects again) schedules anew.
   */
  reschedule<D extends JobData>(name: string, at: Date, data: D, uniqueKey: string): Promise<ScheduledJob>;
  /** A recurring job: `interval` is milliseconds or a cron expression read on the wall clock of `timeZone`. */
  every(name: string, interval: number | string, options?: { timeZone?: string }): Promise<ScheduledJob>;
  /** Removes the jobs a query names; a run already under way finishes, but nothing of them runs again. */
  cancel(query: JobQuery): Promise<number>;
  /** Removes every job of a request (it was cancelled, or its data purged). */
  cancelFor(requestNumber: number): Promise<number>;
  /** The stored jobs a query names, by next run (finished ones, having none, first). */
  list(query: JobQuery): Promise<ScheduledJob[]>;
  /** Makes sure the collection's indexes exist, then polls for due jobs. */
  start(): Promise<void>;
  /**
   * Takes no more jobs, hands back jobs locked but not started (other processes take them at once),
   * and waits up to `timeoutMs` for running ones to finish and save their state.
   */
  stop(options?: { timeoutMs?: number }): Promise<{ unfinished: number }>;
}

export interface SchedulerDeps {
  /** The database of the mongoose connection: agenda shares its connection pool. */
  db: Db;
  logger: Logger;
  /** Identifies this process in the jobs it locks (host:pid:random). */
  processName: string;
  processEveryMs: number;
  lockLifetimeMs: number;
  /** The earliest moment at or after a given one when requesters may be written to (QuietHoursRule.endOf). */
  requestersAllowedFrom: (at: Date) => Date;
  /** The time zone cron expressions of recurring jobs are read in. */
  timeZone: string;
  /** Default retries of every kind of job. */
  retry?: RetryPolicy;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, delayMs: 60_000 };
const DUPLICATE_KEY = 11000;

/** Wraps agenda 6 over the shared MongoDB database: keyed one-time jobs, recurring jobs, quiet hours, graceful stop. */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const agenda = new Agenda({
    // The database object of the mongoose connection, so jobs use its pool; the backend then never closes it.
    backend: new QuietMongoBackend({ mongo: deps.db, collection: JOBS_COLLECTION, ensureIndex: false }),
    name: deps.processName,
    processEvery: deps.processEveryMs,
    defaultLockLifetime: deps.lockLifetimeMs,
    // Finished keyed jobs stay as the record that they ran: scheduleOnce of the same key after a crash must not run them again.
    removeOnComplete: false,
  });
  const log = deps.logger;
  const defaultRetry = deps.retry ?? DEFAULT_RETRY;
  // Jobs whose handler was entered, until agenda has saved their final state ('complete').
  const running = new Map<string, () => void>();
  const settled = new Map<string, Promise<void>>();
  let stopping = false;

  agenda.on('complete', (job: Job) => {
    const id = String(job.attrs._id);
    running.get(id)?.();
  });
  agenda.on('error', (error: Error) => {
    // A job cancelled after this process had locked it: its first save misses, so it does not run. Expected.
    if (/does not exist anymore/.test(error.message)) log.debug('job scheduler: a locked job was cancelled before it ran');
    // Otherwise a lock or save of agenda itself failed, mostly the database being away; the next poll tries again.
    else log.warn({ err: describeError(error) }, 'job scheduler: database operation failed');
  });

  function requireDefined(name: string): void {
    if (!agenda.definitions[name]) throw new Error(`job ${name} is not defined`);
  }

  async function saveKeyed<D extends JobData>(name: string, at: Date, data: D, uniqueKey: string, keepExisting: boolean): Promise<ScheduledJob> {
    requireDefined(name);
    if ('jobKey' in data) throw new Error("job data must not carry jobKey: it is the scheduler's");
    const save = () =>
      agenda
        .create(name, { ...data, jobKey: uniqueKey })
        .unique({ 'data.jobKey': uniqueKey }, { insertOnly: keepExisting })
        .schedule(at)
        .save();
    try {
      return toScheduled((await save()).attrs);
    } catch (error) {
      // A real MongoDB may let two simultaneous upserts of one key race to insert; the unique index
      // refuses the second, and doing it again finds the first.
      if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
      return toScheduled((await save()).attrs);
    }
  }

  return {
    define(name, handler, options = {}) {
      const retry = options.retry === undefined ? defaultRetry : options.retry;
      agenda.define(name, (job: Job<Record<string, unknown>>) => run(job, handler as JobHandler<JobData>, options), {
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        ...(options.lockLifetimeMs ? { lockLifetime: options.lockLifetimeMs } : {}),
        ...(retry ? { backoff: backoffStrategies.exponential({ delay: retry.delayMs, factor: 2, maxRetries: retry.attempts }) } : {}),
      });
    },

    scheduleOnce: (name, at, data, uniqueKey) => saveKeyed(name, at, data, uniqueKey, true),

    async reschedule(name, at, data, uniqueKey) {
      // Remove and insert rather than update in place: agenda's final save of a run under way would
      // overwrite an updated time with its own, while a removed document makes that save miss (and
      // stops the old run from starting if it had only been locked). The new job is a new document.
      await agenda.cancel({ name, data: { jobKey: uniqueKey } });
      return saveKeyed(name, at, data, uniqueKey, false);
    },

    async every(name, interval, options = {}) {
      requireDefined(name);
      const job = await agenda.every(interval, name, undefined, { timezone: options.timeZone ?? deps.timeZone });
      return toScheduled(job.attrs);
    },

    async cancel(query) {
      return agenda.cancel(toRemoveOptions(query));
    },

    async cancelFor(requestNumber) {
      return agenda.cancel(toRemoveOptions({ requestNumber }));
    },

    async list(query) {
      const { name, data } = toRemoveOptions(query);
      const { jobs } = await agenda.queryJobs({ ...(name ? { name } : {}), ...(data ? { data } : {}), sort: { nextRunAt: 'asc' } });
      return jobs.map((attrs) => toScheduled(attrs));
    },

    async start() {
      await ensureIndexes(deps.db);
      stopping = false;
      await agenda.start();
      log.info({ processEveryMs: deps.processEveryMs, kinds: Object.keys(agenda.definitions) }, 'job scheduler started');
    },

    async stop({ timeoutMs = 30_000 } = {}) {
      stopping = true;
      // agenda.stop clears the poll, makes runs not yet started give up, and unlocks the jobs this
      // process had locked ahead of their time. Running jobs keep their locks and finish below.
      await agenda.stop(false);
      const waiting = [...settled.values()];
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.all(waiting).then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      const unfinished = timedOut ? settled.size : 0;
      if (unfinished) log.warn({ unfinished }, 'job scheduler stopped with jobs still running; another process runs them again after their lock lifetime');
      else log.info('job scheduler stopped');
      return { unfinished };
    },
  };

  async function run(job: Job<Record<string, unknown>>, handler: JobHandler<JobData>, options: JobOptions): Promise<void> {
    const id = String(job.attrs._id);
    settled.set(
      id,
      new Promise<void>((resolve) => {
        running.set(id, () => {
          running.delete(id);
          settled.delete(id);
          resolve();
        });
      }),
    );
    const { jobKey, ...data } = job.attrs.data ?? {};
    const request = requestNumberOf(job);
    const jobLog = log.child({ job: job.attrs.name, ...(request !== undefined ? { request } : {}) });
    if (stopping) {
      // Locked and started just as the process was stopping: leave it due now for another process.
      job.attrs.nextRunAt = new Date();
      return;
    }
    const now = new Date();
    const allowedFrom = deps.requestersAllowedFrom(now);
    const quietUntil = allowedFrom.getTime() > now.getTime() ? allowedFrom : undefined;
    if (options.writesToRequesters && quietUntil) {
      // Quiet hours: moved, not run. For a recurring job this replaces one occurrence's time.
      job.attrs.nextRunAt = quietUntil;
      jobLog.debug({ until: quietUntil }, 'job held until quiet hours end');
      return;
    }
    const attempt = (job.attrs.failCount ?? 0) + 1;
    jobLog.debug({ attempt }, 'job started');
    let outcome: JobOutcome;
    try {
      outcome = await handler({
        name: job.attrs.name,
        data: data as JobData,
        uniqueKey: typeof jobKey === 'string' ? jobKey : undefined,
        attempt,
        log: jobLog,
        requestersQuietUntil: quietUntil,
        touch: () => job.touch(),
      });
    } catch (error) {
      const retry = options.retry === undefined ? defaultRetry : options.retry;
      // The same rule agenda's backoff applies (its attempt is the failure count, this one included).
      const willRetry = retry !== false && attempt <= retry.attempts;
      jobLog[willRetry ? 'warn' : 'error']({ err: describeError(error), attempt, willRetry }, willRetry ? 'job failed; will retry' : 'job failed for good');
      // agenda stores the message as failReason in the job document: only what describeError would log.
      throw new JobFailedError(error);
    }
    if (outcome?.runAgainAt) {
      // agenda saves attrs.nextRunAt after the handler returns; a one-time job would otherwise end here.
      job.attrs.nextRunAt = outcome.runAgainAt;
      jobLog.debug({ at: outcome.runAgainAt }, 'job will run again');
    } else {
      jobLog.debug({ attempt }, 'job done');
    }
  }
}

/** A handler's failure as stored in the job document: no message that could quote personal data. */
export class JobFailedError extends Error {
  constructor(cause: unknown) {
    const described = describeError(cause);
    super(typeof described.message === 'string' ? `${String(described.type)}: ${described.message}` : String(described.type));
    this.name = 'JobFailedError';
  }
}

/**
 * agenda's constructor connects its backend and does not catch a failure: an index creation failing
 * there would be an unhandled rejection, which ends the process. So connecting does no I/O here
 * (`ensureIndex: false`, and no job-event log collection: logging goes to pino), and the indexes are
 * created by `start()`, whose caller sees a failure.
 */
class QuietMongoBackend extends MongoBackend {
  override async connect(): Promise<void> {
    await this.repository.connect();
  }
}

/**
 * The indexes the scheduler relies on. agenda's own, for finding and locking the next due job. Then
 * two unique ones: agenda's upserts by key (scheduleOnce, every) are atomic on a real MongoDB only
 * if a unique index backs them, or two simultaneous upserts may both insert. The embedded
 * development server ignores `unique` but runs commands one at a time, which makes the same upserts
 * atomic there. And one for cancelFor, which looks jobs up by request number.
 */
async function ensureIndexes(db: Db): Promise<void> {
  const jobs = db.collection(JOBS_COLLECTION);
  await jobs.createIndex({ name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 }, { name: 'findAndLockNextJobIndex' });
  await jobs.createIndex(
    { name: 1, 'data.jobKey': 1 },
    { name: 'uniqueKeyedJob', unique: true, partialFilterExpression: { 'data.jobKey': { $exists: true } } },
  );
  await jobs.createIndex({ name: 1, type: 1 }, { name: 'uniqueRecurringJob', unique: true, partialFilterExpression: { type: 'single' } });
  await jobs.createIndex({ 'data.requestNumber': 1 }, { name: 'jobsOfRequest' });
}

function toRemoveOptions(query: JobQuery): { name?: string; data?: Record<string, unknown> } {
  const data = {
    ...(query.requestNumber !== undefined ? { requestNumber: query.requestNumber } : {}),
    ...(query.uniqueKey !== undefined ? { jobKey: query.uniqueKey } : {}),
  };
  const options = { ...(query.name ? { name: query.name } : {}), ...(Object.keys(data).length ? { data } : {}) };
  // agenda treats an empty query as "nothing"; say so rather than let a caller believe jobs were removed.
  if (!options.name && !options.data) throw new Error('a job query needs a name, a request number or a key');
  return options;
}

function requestNumberOf(job: { attrs: { data?: unknown } }): number | undefined {
  const value = (job.attrs.data as { requestNumber?: unknown } | undefined)?.requestNumber;
  return typeof value === 'number' ? value : undefined;
}

function toScheduled(attrs: {
  name: string;
  data?: unknown;
  nextRunAt?: Date | null;
  lastRunAt?: Date;
  lastFinishedAt?: Date;
  lockedAt?: Date;
  failCount?: number;
  failReason?: string;
}): ScheduledJob {
  const data = (attrs.data ?? {}) as { jobKey?: unknown; requestNumber?: unknown };
  return {
    name: attrs.name,
    uniqueKey: typeof data.jobKey === 'string' ? data.jobKey : undefined,
    requestNumber: typeof data.requestNumber === 'number' ? data.requestNumber : undefined,
    nextRunAt: attrs.nextRunAt ?? null,
    lastRunAt: attrs.lastRunAt ?? undefined,
    lastFinishedAt: attrs.lastFinishedAt ?? undefined,
    failCount: attrs.failCount ?? 0,
    failReason: attrs.failReason ?? undefined,
    running: Boolean(attrs.lockedAt && attrs.lastRunAt && (!attrs.lastFinishedAt || attrs.lastRunAt > attrs.lastFinishedAt)),
  };
}
