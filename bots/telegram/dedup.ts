import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../../src/logger.js';
import { isFirstDelivery } from '../../src/services/update-dedup.js';
import type { UpdateLog } from '../../src/services/update-log.js';

/**
 * Drops an update Telegram delivers again (a webhook retry after a slow or failed answer, or a
 * restart that re-reads an unconfirmed polling batch): update ids are unique per bot, so the key is
 * the bot's id and the update's. Put it before anything that acts on the update.
 */
export function createTelegramDedup<C extends Context>(log: UpdateLog, logger: Logger): MiddlewareFn<C> {
  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    if (await isFirstDelivery(log, logger, `telegram:${ctx.me.id}:${updateId}`, { platform: 'telegram', update_id: updateId })) await next();
  };
}
