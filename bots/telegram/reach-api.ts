import { type Api, GrammyError, HttpError } from 'grammy';
import { untilReachable, type RetryPolicy } from '../../src/connect-retry.js';
import type { Logger } from '../../src/logger.js';
import { networkErrorCode, StartupError } from '../../src/startup-error.js';

/** grammY types its signals by the abort-controller package it ships for older runtimes; Node's own is the same thing. */
type TelegramSignal = NonNullable<Parameters<Api['getMe']>[0]>;

export interface ReachTelegram {
  apiRoot: string;
  policy: RetryPolicy;
  logger: Logger;
}

/**
 * One start-up call to the Bot API (getMe, setWebhook), tried until Telegram answers or `stop`
 * aborts: an unreachable API is waited out with a warning each time, a refused token ends start-up.
 * The client given must not retry on its own, or the warnings would never be reached.
 */
export function callTelegramAtStartup<T>(call: (signal: TelegramSignal) => Promise<T>, stop: AbortSignal, reach: ReachTelegram): Promise<T> {
  return untilReachable(
    async (signal) => {
      try {
        return await call(signal as unknown as TelegramSignal);
      } catch (error) {
        throw refusal(error, reach.apiRoot) ?? error;
      }
    },
    { service: 'the Telegram Bot API', endpoint: reach.apiRoot, retryReason, policy: reach.policy, stop, logger: reach.logger },
  );
}

/** A network failure, or Telegram busy or failing, is waited out. */
function retryReason(error: unknown): string | undefined {
  if (error instanceof HttpError) return networkErrorCode(error.error) ?? 'network error';
  if (error instanceof GrammyError && (error.error_code >= 500 || error.error_code === 429)) return `HTTP ${error.error_code}`;
  return undefined;
}

/** Telegram's answer that no wait will change: the token is wrong. */
function refusal(error: unknown, apiRoot: string): StartupError | undefined {
  if (!(error instanceof GrammyError)) return undefined;
  if (error.error_code === 401) {
    return new StartupError(`BOT_TOKEN: the Telegram Bot API at ${apiRoot} refused the token (401 Unauthorized); copy it again from @BotFather`);
  }
  if (error.error_code === 404) {
    return new StartupError(
      `BOT_TOKEN: the Telegram Bot API at ${apiRoot} knows no bot by this token (404 Not Found); check BOT_TOKEN, and TELEGRAM_API_ROOT if it is set`,
    );
  }
  return undefined;
}
