import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestStatus } from './domain/request.js';

/** What the metrics read from the system when scraped (counts in the database, shared by every process). */
export interface MetricSources {
  requestsByStatus: () => Promise<Record<RequestStatus, number>>;
  outbox: () => Promise<{ pending: number; failed: number }>;
}

export interface MetricsOptions {
  /**
   * How long what the sources counted is served again (default 5 s): each read is several counts in
   * the database, and two Prometheus servers (or a person reloading) must not multiply them.
   */
  sourcesCacheMs?: number;
  /** Milliseconds of the clock the cache ages by; tests move it. */
  now?: () => number;
}

/**
 * The process's Prometheus metrics, in a registry of its own (no global one): updates handled and how
 * long they took, scheduled job runs, and, read at scrape time, requests by status and the outbox.
 * The bots and the scheduler report through the small hooks below; nothing else knows prom-client.
 */
export function createMetrics(uncached: MetricSources, options: MetricsOptions = {}) {
  const cacheMs = options.sourcesCacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  const sources: MetricSources = {
    requestsByStatus: cachedFor(cacheMs, now, uncached.requestsByStatus),
    outbox: cachedFor(cacheMs, now, uncached.outbox),
  };
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const updates = new Counter({
    name: 'bot_updates_total',
    help: 'Incoming updates handled (Telegram updates, VK events), by platform and outcome',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const handling = new Histogram({
    name: 'bot_update_handling_seconds',
    help: 'Time to handle one incoming update, by platform',
    labelNames: ['platform'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'job_runs_total',
    help: 'Scheduled job runs in this process, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: 'job_run_seconds',
    help: 'Time a scheduled job run took, by job',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'help_requests',
    help: 'Help requests in the database, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await sources.requestsByStatus();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });
  const outboxGauge = (name: string, help: string, pick: (c: { pending: number; failed: number }) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(pick(await sources.outbox()));
      },
    });
  outboxGauge('outbox_pending_messages', 'Messages waiting in the outbox (every process shares it)', (c) => c.pending);
  outboxGauge('outbox_failed_messages', 'Messages the outbox gave up on (blocked bot, chat gone)', (c) => c.failed);

  /** Runs one update's handling, counting it and timing it; errors pass through unchanged. */
  async function timeUpdate<T>(platform: string, handle: () => Promise<T>): Promise<T> {
    const stop = handling.startTimer({ platform });
    try {
      const result = await handle();
      updates.inc({ platform, outcome: 'ok' });
      return result;
    } catch (error) {
      updates.inc({ platform, outcome: 'error' });
      throw error;
    } finally {
      stop();
    }
  }

  /** Wraps a job handler so that each run is counted and timed. */
  function timeJob<A extends unknown[], R>(job: string, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      const stop = jobSeconds.startTimer({ job });
      try {
        const result = await handler(...args);
        jobRuns.inc({ job, outcome: 'ok' });
        return result;
      } catch (error) {
        jobRuns.inc({ job, outcome: 'error' });
        throw error;
      } finally {
        stop();
      }
    };
  }

  return {
    timeUpdate,
    timeJob,
    contentType: registry.contentType,
    /** The metrics in Prometheus' text format. */
    render: () => registry.metrics(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * `read`, its answer shared for `ms`: by scrapes at once (the same promise) and by those soon after.
 * A failed read is not kept, so the next scrape tries again.
 */
function cachedFor<T>(ms: number, now: () => number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (last && now() - last.at < ms) return last.value;
    const entry = { at: now(), value: read() };
    last = entry;
    entry.value.catch(() => {
      if (last === entry) last = undefined;
    });
    return entry.value;
  };
}
