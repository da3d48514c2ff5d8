import { APIError } from 'vk-io';
import { untilReachable, type RetryPolicy } from '../../src/connect-retry.js';
import type { Logger } from '../../src/logger.js';
import { networkErrorCode, StartupError } from '../../src/startup-error.js';

/** VK's error codes no wait will change. */
const AUTHORIZATION_FAILED = 5;
const ACCESS_DENIED = 15;

export interface ReachVk {
  apiBaseUrl: string;
  policy: RetryPolicy;
  logger: Logger;
}

/**
 * One start-up call to the VK API, tried until VK answers or `stop` aborts: an unreachable API is
 * waited out with a warning each time (vk-io itself tries a few times before it fails), a refused
 * token ends start-up.
 */
export function callVkAtStartup<T>(call: () => Promise<T>, stop: AbortSignal, reach: ReachVk): Promise<T> {
  return untilReachable(
    async () => {
      try {
        return await call();
      } catch (error) {
        throw refusal(error) ?? error;
      }
    },
    {
      service: 'the VK API',
      endpoint: reach.apiBaseUrl,
      retryReason: (error) => (error instanceof APIError ? undefined : networkErrorCode(error)),
      policy: reach.policy,
      stop,
      logger: reach.logger,
    },
  );
}

function refusal(error: unknown): StartupError | undefined {
  if (!(error instanceof APIError)) return undefined;
  if (error.code === AUTHORIZATION_FAILED)
    return new StartupError(`VK_TOKEN: VK refused the token (${error.code}: ${error.message}); issue a community token again`);
  if (error.code === ACCESS_DENIED) {
    return new StartupError(`VK_TOKEN: the token may not act for community VK_GROUP_ID (${error.code}: ${error.message}); check both`);
  }
  return undefined;
}
