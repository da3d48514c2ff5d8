import { setTimeout as sleep } from 'node:timers/promises';
import { Bot } from '@maxhub/max-bot-api';
import type { Update } from '@maxhub/max-bot-api/types';

export interface MaxConnection {
  token: string;
  baseUrl: string;
  /** Requests a second; MAX allows a bot 30. */
  perSecond: number;
}

/**
 * The official client for a bot, its requests held to MAX's rate: the answers to a storm of presses
 * and the outbox's posts share one token's 30 requests a second, and MAX refuses what goes over (429).
 */
export function createMaxBot(connection: MaxConnection): Bot {
  return new Bot(connection.token, { clientOptions: { baseUrl: connection.baseUrl, fetch: rateLimitedFetch(connection.perSecond) } });
}

/**
 * MAX counts requests as they arrive, and the network does not keep their spacing: a window a tenth
 * of a second longer than MAX's keeps a request that left on time from arriving a moment early.
 */
const WINDOW_MS = 1100;
/** A refusal for the rate (429) means the request was not carried out: it is sent again, a second later, this many times. */
const RATE_RETRIES = 2;
const RATE_RETRY_AFTER_MS = 1000;

/**
 * fetch that starts at most `perSecond` requests in any window of WINDOW_MS, the rest waiting their
 * turn in order, and sends a request MAX refused for the rate again after a second (a storm's answers
 * would otherwise be lost to a 429 the bot itself caused).
 */
export function rateLimitedFetch(perSecond: number, fetchFn: typeof fetch = fetch): typeof fetch {
  const starts: number[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  /** Resolves when this request may start, and counts its start. */
  const turn = (): Promise<void> => {
    const mine = queue.then(async () => {
      if (starts.length >= perSecond) {
        const wait = starts[starts.length - perSecond]! + WINDOW_MS - performance.now();
        if (wait > 0) await sleep(wait);
      }
      starts.push(performance.now());
      if (starts.length > perSecond) starts.splice(0, starts.length - perSecond);
    });
    queue = mine;
    return mine;
  };
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      await turn();
      const response = await fetchFn(input, init);
      if (response.status !== 429 || attempt === RATE_RETRIES || init?.signal?.aborted) return response;
      await response.body?.cancel();
      await sleep(RATE_RETRY_AFTER_MS, undefined, init?.signal ? { signal: init.signal } : {}).catch(() => undefined);
    }
  };
}

/**
 * Hands one update to the bot's middleware, as its own polling and webhook do. The client declares
 * its handler private, though it is the one function both of its ways in call; our webhook route and
 * the tests need it too.
 */
export function handOver(bot: Bot, update: Update): Promise<void> {
  return (bot as unknown as { handleUpdate(update: Update): Promise<void> }).handleUpdate(update);
}
