import { type Api, GrammyError, HttpError } from 'grammy';
import { untilReachable, type Reach } from '../../src/connect-retry.js';
import { networkErrorCode, StartupError } from '../../src/startup-error.js';

/** grammY types its signals by the abort-controller package it ships for older runtimes; Node's own is the same thing. */
type TelegramSignal = NonNullable<Parameters<Api['getMe']>[0]>;

/**
 * One start-up call to the Bot API (getMe, setWebhook), tried until Telegram answers or `stop`
 * aborts: an unreachable API is waited out with a warning each time, a refused token ends start-up.
 * The client given must not retry on its own, or the warnings would never be reached.
 */
export function callTelegramAtStartup<T>(call: (signal: TelegramSignal) => Promise<T>, stop: AbortSignal, reach: Reach): Promise<T> {
  return untilReachable((signal) => call(signal as unknown as TelegramSignal), {
    ...reach,
    service: 'the Telegram Bot API',
    retryReason,
    refusal: (error) => refusal(error, reach.endpoint),
    stop,
  });
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
