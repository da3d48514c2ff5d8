import { describe, expect, it } from 'vitest';
import { untilReachable } from '../src/connect-retry.js';
import { createLogger } from '../src/logger.js';

const options = {
  service: 'the test API',
  endpoint: 'http://127.0.0.1:1',
  policy: { firstDelayMs: 1, maxDelayMs: 2, attemptTimeoutMs: 1000 },
  logger: createLogger('silent'),
};
const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const retryReason = (error: unknown) => (error === unreachable ? 'ECONNREFUSED' : undefined);

describe('untilReachable', () => {
  it('waits out a failure worth waiting out, then returns what the attempt gives', async () => {
    let tries = 0;
    const result = await untilReachable(async () => (++tries < 3 ? Promise.reject(unreachable) : 'reached'), { ...options, retryReason });
    expect(result).toBe('reached');
    expect(tries).toBe(3);
  });

  it('throws any other failure at once, as it is', async () => {
    const other = new Error('bad request');
    let tries = 0;
    const attempt = async () => {
      tries++;
      throw other;
    };
    await expect(untilReachable(attempt, { ...options, retryReason })).rejects.toBe(other);
    expect(tries).toBe(1);
  });

  it('throws a refusal at once as the error `refusal` makes of it, even one it would otherwise retry', async () => {
    const ended = new Error('the token is refused');
    let tries = 0;
    const attempt = async () => {
      tries++;
      throw unreachable;
    };
    await expect(untilReachable(attempt, { ...options, retryReason, refusal: (error) => (error === unreachable ? ended : undefined) })).rejects.toBe(ended);
    expect(tries).toBe(1);
  });
});
