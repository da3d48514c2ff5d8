import type { Context, MessageContext, MessageEventContext, VK } from 'vk-io';
import type { ConsoleChat, ConsoleWhere } from '../../src/services/console/console-chat.js';
import { parseCommand } from '../../src/services/private-chat/chat-text.js';
import { withoutMention } from './chat-text.js';
import { CHAT_PEER_OFFSET } from './messenger.js';
import { consolePayload } from './payload.js';
import { sendReply } from './render.js';
import { displayNameOf } from './users.js';
import type { Catalog } from '../../src/scenario/text.js';

const CONSOLE = /^\/console\s*$/i;

/**
 * The coordinator console in VK: the people registry's sightings, coordinators' commands and buttons
 * (pages, cards, actions), and /console. VK has no simple file upload for a bot's message, so
 * /export answers that the file comes from the Telegram bot.
 */
export function createVkConsoleHandlers(vk: VK, deps: { consoleChat: ConsoleChat; catalog: Catalog }) {
  const { consoleChat, catalog } = deps;
  const whereOf = (userId: number, peerId: number): ConsoleWhere => ({
    person: { platform: 'vk', userId: String(userId) },
    chatId: String(peerId),
    privately: peerId < CHAT_PEER_OFFSET,
  });
  // VK messages carry no name, so it is fetched once per person.
  const seen = ({ person, privately }: ConsoleWhere) => consoleChat.seen({ person, privately }, () => displayNameOf(vk.api, Number(person.userId)));
  const nameOf = (userId: number) => async () => (await displayNameOf(vk.api, userId).catch(() => null)) ?? `id${userId}`;

  return {
    /** Middleware for vk.updates: the people registry's sightings (people only, never the community itself). */
    middleware: async (ctx: Context, next: () => Promise<unknown>): Promise<void> => {
      if (ctx.is(['message_new'])) {
        const message = ctx as MessageContext;
        if (!message.isOutbox && message.senderId > 0) await seen(whereOf(message.senderId, message.peerId));
      } else if (ctx.is(['message_event'])) {
        const event = ctx as MessageEventContext;
        await seen(whereOf(event.userId, event.peerId));
      }
      await next();
    },

    /** Answers /console or a coordinator command; false when the message is none of these (or a bare /cancel): the bot goes on as before. */
    async onMessage(ctx: MessageContext): Promise<boolean> {
      if (ctx.isOutbox) return false;
      const where = whereOf(ctx.senderId, ctx.peerId);
      const command = parseCommand(withoutMention(ctx.text ?? ''));
      const reply = CONSOLE.test(ctx.text?.trim() ?? '')
        ? await consoleChat.consoleLink(where, nameOf(ctx.senderId))
        : command && ctx.senderId > 0
          ? await consoleChat.command(where, command.name, command.args)
          : null;
      if (!reply) return false;
      await sendReply(vk.api, ctx.peerId, reply, catalog);
      return true;
    },

    /** Answers a press of a coordinator's callback button; false for any other button. */
    async onButton(ctx: MessageEventContext): Promise<boolean> {
      const data = consolePayload(ctx.eventPayload);
      if (data === null) return false;
      await sendReply(vk.api, ctx.peerId, await consoleChat.press(whereOf(ctx.userId, ctx.peerId), data), catalog, ctx);
      return true;
    },
  };
}
