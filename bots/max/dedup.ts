import type { Context } from '@maxhub/max-bot-api';
import type { Logger } from '../../src/logger.js';
import { isFirstDelivery } from '../../src/services/update-dedup.js';
import type { UpdateLog } from '../../src/services/update-log.js';

/**
 * Drops an update MAX delivers again (a webhook post repeated when our answer came late, a poll
 * answered twice). MAX's updates carry no id of their own, so the key is what identifies the update
 * inside it and is the same in every delivery: a message by its id, a press by its callback's id,
 * «Начать» by the dialogue and its time. Other updates pass: a repeat of them changes nothing.
 *
 * As with Telegram, the key is taken when handling starts (see src/services/update-dedup.ts).
 */
export function createMaxDedup(log: UpdateLog, logger: Logger): (ctx: Context, next: () => Promise<void>) => Promise<void> {
  return async (ctx, next) => {
    const key = updateKey(ctx);
    if (!key || (await isFirstDelivery(log, logger, key, { platform: 'max', event: ctx.updateType }))) await next();
  };
}

export function updateKey(ctx: Context): string | undefined {
  const { update } = ctx;
  const bot = ctx.myId;
  if (bot === undefined) return undefined;
  if (update.update_type === 'message_created') return `max:${bot}:message:${update.message.body.mid}`;
  if (update.update_type === 'message_callback') return `max:${bot}:callback:${update.callback.callback_id}`;
  if (update.update_type === 'bot_started') return `max:${bot}:started:${update.chat_id}:${update.timestamp}`;
  return undefined;
}
