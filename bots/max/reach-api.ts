import { MaxError } from '@maxhub/max-bot-api';
import { untilReachable, type Reach } from '../../src/connect-retry.js';
import { networkErrorCode, StartupError } from '../../src/startup-error.js';

/**
 * One start-up call to the MAX Bot API (who the bot is, its subscriptions), tried until MAX answers
 * or `stop` aborts: an unreachable or busy API is waited out with a warning each time, a refused
 * token ends start-up.
 */
export function callMaxAtStartup<T>(call: () => Promise<T>, stop: AbortSignal, reach: Reach): Promise<T> {
  return untilReachable(() => call(), {
    ...reach,
    service: 'the MAX Bot API',
    retryReason: (error) =>
      error instanceof MaxError ? (error.status >= 500 || error.status === 429 ? `HTTP ${error.status}` : undefined) : networkErrorCode(error),
    refusal: (error) => refusal(error, reach.endpoint),
    stop,
  });
}

function refusal(error: unknown, baseUrl: string): StartupError | undefined {
  if (!(error instanceof MaxError) || error.status !== 401) return undefined;
  return new StartupError(
    `MAX_TOKEN: the MAX Bot API at ${baseUrl} refused the token (401 ${error.code}); copy it again from the bot's settings on business.max.ru`,
  );
}
