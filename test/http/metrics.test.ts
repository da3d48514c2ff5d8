import { expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { createMetricsApp } from '../../src/http/metrics-app.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';

// /metrics in Prometheus' text format, on a listener of its own: what the hooks counted, and what is
// read from the database at scrape time (requests by status, the outbox), a few seconds cached.

it('serves updates, their latency, job runs, requests by status and the outbox', async () => {
  const metrics = createMetrics({
    requestsByStatus: async () => ({ new: 4, claimed: 2, done: 10, cancelled: 1 }),
    outbox: async () => ({ pending: 3, failed: 1 }),
  });
  await metrics.timeUpdate('telegram', async () => undefined);
  await metrics.timeUpdate('telegram', async () => undefined);
  await expect(metrics.timeUpdate('vk', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  const job = metrics.timeJob('feedback', async (n: number) => n * 2);
  expect(await job(21)).toBe(42);
  await expect(metrics.timeJob('daily-report', async () => Promise.reject(new Error('down')))()).rejects.toThrow('down');

  const app = createMetricsApp({ logger: createLogger('silent'), metrics });
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = response.body;
  for (const line of [
    'bot_updates_total{platform="telegram",outcome="ok"} 2',
    'bot_updates_total{platform="vk",outcome="error"} 1',
    'bot_update_handling_seconds_count{platform="telegram"} 2',
    'job_runs_total{job="feedback",outcome="ok"} 1',
    'job_runs_total{job="daily-report",outcome="error"} 1',
    'job_run_seconds_count{job="feedback"} 1',
    'help_requests{status="new"} 4',
    'help_requests{status="done"} 10',
    'outbox_pending_messages 3',
    'outbox_failed_messages 1',
  ]) {
    expect(text).toContain(line);
  }
  expect(text).toContain('process_cpu_user_seconds_total');
  // Nothing else is served there.
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(404);
  await app.close();
});

it('counts in the database once for scrapes within a few seconds, and again after', async () => {
  let clock = 1_000_000;
  const reads = { requests: 0, outbox: 0 };
  let pending = 3;
  const metrics = createMetrics(
    {
      requestsByStatus: async () => {
        reads.requests++;
        return { new: 4, claimed: 2, done: 10, cancelled: 1 };
      },
      outbox: async () => {
        reads.outbox++;
        return { pending, failed: 1 };
      },
    },
    { sourcesCacheMs: 5_000, now: () => clock },
  );
  const app = createMetricsApp({ logger: createLogger('silent'), metrics });
  const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;

  expect(await scrape()).toContain('outbox_pending_messages 3');
  pending = 0;
  clock += 4_000;
  // Two scrapers at once (a pair of Prometheus servers), and one more a moment later: one read.
  const [a, b] = await Promise.all([scrape(), scrape()]);
  expect(a).toContain('outbox_pending_messages 3');
  expect(b).toContain('outbox_pending_messages 3');
  expect(reads).toEqual({ requests: 1, outbox: 1 });

  clock += 1_001;
  expect(await scrape()).toContain('outbox_pending_messages 0');
  expect(reads).toEqual({ requests: 2, outbox: 2 });
  await app.close();
});

it('reads again at the next scrape after a failed read, rather than keep the failure', async () => {
  let fail = true;
  const metrics = createMetrics(
    {
      requestsByStatus: async () => ({ new: 1, claimed: 0, done: 0, cancelled: 0 }),
      outbox: async () => {
        if (fail) throw new Error('database away');
        return { pending: 7, failed: 0 };
      },
    },
    { sourcesCacheMs: 60_000, now: () => 0 },
  );
  const app = createMetricsApp({ logger: createLogger('silent'), metrics });
  expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(500);
  fail = false;
  expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('outbox_pending_messages 7');
  await app.close();
});

it('is not served on the public HTTP server', async () => {
  const app = createHttpApp({ logger: createLogger('silent'), isReady: () => true, webhooks: [] });
  expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  await app.close();
});
