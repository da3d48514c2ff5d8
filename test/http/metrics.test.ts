import { expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';

// /metrics in Prometheus' text format: what the hooks counted, and what is read from the database
// at scrape time (requests by status, the outbox), next to the probes.

it('serves updates, their latency, job runs, requests by status and the outbox', async () => {
  let pending = 3;
  const metrics = createMetrics({
    requestsByStatus: async () => ({ new: 4, claimed: 2, done: 10, cancelled: 1 }),
    outbox: async () => ({ pending, failed: 1 }),
  });
  await metrics.timeUpdate('telegram', async () => undefined);
  await metrics.timeUpdate('telegram', async () => undefined);
  await expect(metrics.timeUpdate('vk', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  const job = metrics.timeJob('feedback', async (n: number) => n * 2);
  expect(await job(21)).toBe(42);
  await expect(metrics.timeJob('daily-report', async () => Promise.reject(new Error('down')))()).rejects.toThrow('down');

  const app = createHttpApp({ logger: createLogger('silent'), isReady: () => true, webhooks: [], metrics });
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
  // Read again at the next scrape, not cached.
  pending = 0;
  expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('outbox_pending_messages 0');
  expect(text).toContain('process_cpu_user_seconds_total');
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  await app.close();
});
