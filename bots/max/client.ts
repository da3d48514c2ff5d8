import { Bot } from '@maxhub/max-bot-api';
import type { Update } from '@maxhub/max-bot-api/types';

export interface MaxConnection {
  token: string;
  baseUrl: string;
  /** Requests a second; MAX allows a bot 30. */
  perSecond: number;
}

/**
 * The official client for a bot, its requests paced to MAX's rate: the answers to a storm of presses
 * and the outbox's posts share one token's 30 requests a second, and MAX refuses what goes over (429).
 */
export function createMaxBot(connection: MaxConnection): Bot {
  return new Bot(connection.token, { clientOptions: { baseUrl: connection.baseUrl, fetch: pacedFetch(connection.perSecond) } });
}

/** fetch, each request started no sooner than 1/perSecond of a second after the one before. */
export function pacedFetch(perSecond: number, fetchFn: typeof fetch = fetch): typeof fetch {
  const gapMs = 1000 / perSecond;
  let nextSlot = 0;
  return async (input, init) => {
    const now = performance.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + gapMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
    return fetchFn(input, init);
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
