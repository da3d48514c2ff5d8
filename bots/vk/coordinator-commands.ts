import { getRandomId, Keyboard, type Context, type KeyboardBuilder, type MessageContext, type MessageEventContext, type VK } from 'vk-io';
import type { Logger } from '../../src/logger.js';
import {
  createConsoleActionCodec,
  isCoordinatorCommand,
  type CommandContext,
  type ConsoleButton,
  type ConsoleLimits,
  type ConsoleReply,
  type CoordinatorConsole,
  type Place,
} from '../../src/services/coordinator-commands.js';
import type { PeopleRegistry } from '../../src/services/people-registry.js';
import { CHAT_PEER_OFFSET } from './messenger.js';
import { cutText } from '../../src/services/private-chat/chat-text.js';
import { cut } from './render.js';
import { SNACKBAR_MAX, withoutMention } from './chat-text.js';
import { jsonValueOf } from './payload.js';
import { displayNameOf } from './users.js';

/** What a VK inline keyboard carries: 10 buttons, 5 a row; the console's part of a payload is kept to 64 bytes. */
export const VK_CONSOLE_LIMITS: ConsoleLimits = { buttonsPerMessage: 10, buttonsPerRow: 5, actionBytes: 64 };
const actionCodec = createConsoleActionCodec(VK_CONSOLE_LIMITS);

/** What the VK adapter of the coordinator console needs. */
export interface VkCoordinatorDeps {
  console: CoordinatorConsole;
  registry: PeopleRegistry;
  /** The HQ conversation: commands work there, without personal data. */
  hqPeerId?: number;
  logger: Logger;
}

/**
 * Coordinators' commands in VK: the same console as Telegram, answered as plain messages with
 * callback buttons (pages, cards, actions). VK has no simple file upload for a bot's message, so
 * /export answers that the file comes from the Telegram bot.
 */
export function createVkCoordinatorCommands(vk: VK, deps: VkCoordinatorDeps) {
  const placeOf = (peerId: number): Place => (peerId < CHAT_PEER_OFFSET ? 'private' : peerId === deps.hqPeerId ? 'hq' : 'group');
  const contextOf = (userId: number, peerId: number): CommandContext => ({
    by: { platform: 'vk', userId: String(userId) },
    channel: 'vk',
    place: placeOf(peerId),
    canSendDocuments: false,
    limits: VK_CONSOLE_LIMITS,
  });

  /** Records who wrote or pressed a button; VK messages carry no name, so it is fetched once per person. */
  async function record(userId: number, privately: boolean): Promise<void> {
    const person = { platform: 'vk' as const, userId: String(userId) };
    try {
      const { hasName } = await deps.registry.seen({ person, privately });
      if (hasName) return;
      const displayName = await displayNameOf(vk.api, userId);
      if (displayName) await deps.registry.seen({ person, privately, displayName });
    } catch (error) {
      // The message itself matters more than the registry; the error is logged by name only.
      deps.logger.warn({ platform: 'vk', err: error instanceof Error ? error.name : 'error' }, 'recording a sighting failed');
    }
  }

  async function send(peerId: number, reply: ConsoleReply, editing?: number): Promise<void> {
    const keyboard = reply.buttons ? keyboardOf(reply.buttons) : undefined;
    if (editing !== undefined) {
      await vk.api.messages.edit({ peer_id: peerId, conversation_message_id: editing, message: reply.text, ...(keyboard ? { keyboard } : {}) });
      return;
    }
    await vk.api.messages.send({ peer_id: peerId, message: reply.text, random_id: getRandomId(), ...(keyboard ? { keyboard } : {}) });
  }

  return {
    /** Middleware for vk.updates: the people registry's sightings (people only, never the community itself). */
    middleware: async (ctx: Context, next: () => Promise<unknown>): Promise<void> => {
      if (ctx.is(['message_new'])) {
        const message = ctx as MessageContext;
        if (!message.isOutbox && message.senderId > 0) await record(message.senderId, !message.isChat);
      } else if (ctx.is(['message_event'])) {
        const event = ctx as MessageEventContext;
        await record(event.userId, event.peerId < CHAT_PEER_OFFSET);
      }
      await next();
    },

    /** Answers a coordinator command; false when the message is none (or a bare /cancel): the bot goes on as before. */
    async onMessage(ctx: MessageContext): Promise<boolean> {
      if (ctx.isOutbox || ctx.senderId <= 0) return false;
      const match = /^\/([A-Za-z_]+)(?:\s+([\s\S]*))?$/.exec(withoutMention(ctx.text ?? ''));
      const name = match?.[1]?.toLowerCase();
      if (!name || !isCoordinatorCommand(name)) return false;
      const reply = await deps.console.command(contextOf(ctx.senderId, ctx.peerId), name, match?.[2] ?? '');
      if (!reply) return false;
      await send(ctx.peerId, reply);
      return true;
    },

    /** Answers a press of a coordinator's callback button; false for any other button. */
    async onButton(ctx: MessageEventContext): Promise<boolean> {
      const data = consolePayload(ctx.eventPayload);
      if (data === null) return false;
      const reply = await deps.console.press(contextOf(ctx.userId, ctx.peerId), data);
      if (reply.notice) {
        await ctx.answer({ type: 'show_snackbar', text: cutText(reply.text, SNACKBAR_MAX) });
        return true;
      }
      // No words needed: the message that follows is the answer; this only stops the spinner.
      await vk.api.messages.sendMessageEventAnswer({ event_id: ctx.eventId, user_id: ctx.userId, peer_id: ctx.peerId });
      await send(ctx.peerId, reply, reply.edit ? ctx.conversationMessageId : undefined);
      return true;
    },
  };
}

export type VkCoordinatorCommands = ReturnType<typeof createVkCoordinatorCommands>;

function keyboardOf(rows: ConsoleButton[][]): KeyboardBuilder {
  const keyboard = Keyboard.builder().inline();
  for (const row of rows) {
    for (const button of row) keyboard.callbackButton({ label: cut(button.label), payload: { co: actionCodec.encode(button.action) } });
    keyboard.row();
  }
  return keyboard;
}

/** The console's part of a callback payload (`{"co":"c:17"}`), or null for another button's. */
function consolePayload(raw: unknown): string | null {
  const value = jsonValueOf(raw);
  const co = value && typeof value === 'object' ? (value as { co?: unknown }).co : undefined;
  return typeof co === 'string' && co.length <= VK_CONSOLE_LIMITS.actionBytes ? co : null;
}
