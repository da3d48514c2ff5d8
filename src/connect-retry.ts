import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.js';

/** How start-up waits for a service it cannot reach: each try is cut after a while, the pauses between them grow. */
export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 30_000, attemptTimeoutMs: 10_000 };

export interface ReachOptions {
  /** The service for people: "the Telegram Bot API". */
  service: string;
  /** Where it is looked for (never with a token in it); not `address`, which the log redacts as a person's. */
  endpoint: string;
  /** The reason to try again (a network failure's code), or undefined when the error is not one to wait out. */
  retryReason: (error: unknown) => string | undefined;
  /** The error to end start-up with when the service's answer is one no wait will change (a refused token); undefined otherwise. */
  refusal?: (error: unknown) => Error | undefined;
  policy: RetryPolicy;
  /** Ends the wait: the system is being stopped. */
  stop?: AbortSignal;
  logger: Logger;
}

/** Where a platform's API is and how start-up waits for it: what each of its start-up calls shares. */
export type Reach = Pick<ReachOptions, 'endpoint' | 'policy' | 'logger'>;

/**
 * Runs `attempt` until it succeeds. A failure worth waiting out is logged as a warning naming the
 * address, the reason and the next delay, and tried again after it, the delays doubling up to the
 * policy's longest; a refusal is thrown at once as the error `refusal` makes of it, any other
 * failure as it is. A silent retry loop looks like a hang.
 */
export async function untilReachable<T>(attempt: (signal: AbortSignal) => Promise<T>, options: ReachOptions): Promise<T> {
  const { service, endpoint, policy, stop, logger } = options;
  let delayMs = policy.firstDelayMs;
  for (let tries = 1; ; tries++) {
    stop?.throwIfAborted();
    const timeout = AbortSignal.timeout(policy.attemptTimeoutMs);
    const signal = stop ? AbortSignal.any([stop, timeout]) : timeout;
    try {
      // The attempt may not honour the signal (a library without one): the wait ends all the same.
      const result = await Promise.race([attempt(signal), aborted(signal)]);
      if (tries > 1) logger.info({ service, endpoint, tries }, `reached ${service} at ${endpoint}`);
      return result;
    } catch (error) {
      if (stop?.aborted) throw stop.reason;
      const refused = options.refusal?.(error);
      if (refused) throw refused;
      const reason = timeout.aborted ? 'ETIMEDOUT' : options.retryReason(error);
      if (!reason) throw error;
      logger.warn(
        { service, endpoint, code: reason, attempt: tries, retryInMs: delayMs },
        `cannot reach ${service} at ${endpoint} (${reason}); retrying in ${seconds(delayMs)}`,
      );
      await sleep(delayMs, undefined, stop ? { signal: stop } : {}).catch(() => stop?.throwIfAborted());
      delayMs = Math.min(delayMs * 2, policy.maxDelayMs);
    }
  }
}

/** A promise that rejects when the signal aborts, with its reason. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
