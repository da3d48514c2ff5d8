import { MessageContext, MessageEventContext, type Context } from 'vk-io';
import type { Logger } from '../../src/logger.js';
import { isFirstDelivery } from '../../src/services/update-dedup.js';
import type { UpdateLog } from '../../src/services/update-log.js';

/**
 * Drops an event VK delivers again (a Callback API retry when "ok" came late or not at all, or a
 * Long Poll batch read twice). vk-io hands a context only the event's `object`, not the envelope
 * with its `event_id`, so the key is what identifies the event inside it and is the same in every
 * delivery: a new message by its peer and conversation message id (the message id is 0 in
 * conversations), a button press by the press's own event id. Other events pass: the bot ignores them.
 *
 * As with Telegram, the key is taken when handling starts (see src/services/update-dedup.ts).
 */
export function createVkDedup(log: UpdateLog, logger: Logger): (ctx: Context, next: () => Promise<unknown>) => Promise<unknown> {
  return async (ctx, next) => {
    const key = eventKey(ctx);
    if (!key || (await isFirstDelivery(log, logger, key, { platform: 'vk', event: ctx.type }))) await next();
  };
}

/** The event's identity, or undefined when it has none worth remembering. */
export function eventKey(ctx: Context): string | undefined {
  const groupId = ctx.$groupId;
  if (groupId === undefined) return undefined;
  if (ctx instanceof MessageContext && ctx.is(['message_new'])) {
    const { peerId, conversationMessageId } = ctx;
    return conversationMessageId ? `vk:${groupId}:message_new:${peerId}:${conversationMessageId}` : undefined;
  }
  if (ctx instanceof MessageEventContext) {
    return ctx.eventId ? `vk:${groupId}:message_event:${ctx.eventId}` : undefined;
  }
  return undefined;
}
