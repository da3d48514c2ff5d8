import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../../src/logger.js';
import { describeError } from '../../src/services/describe-error.js';
import type { UpdateLog } from '../../src/services/update-log.js';

/**
 * Drops an update Telegram delivers again (a webhook retry after a slow or failed answer, or a
 * restart that re-reads an unconfirmed polling batch): update ids are unique per bot, so the key is
 * the bot's id and the update's. Put it before anything that acts on the update.
 *
 * The key is taken when handling starts, so a redelivery of an update whose first handling crashed
 * is dropped too: a person repeats a step, which is better than a request filed twice.
 */
export function createTelegramDedup<C extends Context>(log: UpdateLog, logger: Logger): MiddlewareFn<C> {
  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const key = `telegram:${ctx.me.id}:${updateId}`;
    let first: boolean;
    try {
      first = await log.firstSeen(key, new Date());
    } catch (error) {
      // Without the log the update is handled: a rare duplicate is a lesser harm than a lost update.
      logger.warn({ platform: 'telegram', update_id: updateId, err: describeError(error) }, 'update log unavailable, handling the update anyway');
      first = true;
    }
    if (!first) {
      logger.debug({ platform: 'telegram', update_id: updateId }, 'duplicate update dropped');
      return;
    }
    await next();
  };
}
