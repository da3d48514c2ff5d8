import { APIError } from 'vk-io';
import { untilReachable, type Reach } from '../../src/connect-retry.js';
import { networkErrorCode, StartupError } from '../../src/startup-error.js';

/** VK's error codes no wait will change. */
const AUTHORIZATION_FAILED = 5;
const ACCESS_DENIED = 15;

/**
 * One start-up call to the VK API, tried until VK answers or `stop` aborts: an unreachable API is
 * waited out with a warning each time (vk-io itself tries a few times before it fails), a refused
 * token ends start-up.
 */
export function callVkAtStartup<T>(call: () => Promise<T>, stop: AbortSignal, reach: Reach): Promise<T> {
  return untilReachable(() => call(), {
    ...reach,
    service: 'the VK API',
    retryReason: (error) => (error instanceof APIError ? undefined : networkErrorCode(error)),
    refusal,
    stop,
  });
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
