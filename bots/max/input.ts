import type { Context } from '@maxhub/max-bot-api';
import type { User } from '@maxhub/max-bot-api/types';
import { parseCommand, publicName } from '../../src/services/private-chat/chat-text.js';
import type { ChatInput } from '../../src/services/private-chat/reply.js';
import { decodePayload } from './payload.js';

/** In a group chat MAX may put a mention of the bot before a command: "@bot /bind …". */
export function withoutMention(text: string): string {
  return text.replace(/^@\S+\s*[,:]?\s*/, '').trim();
}

/**
 * A person's update in their dialogue with the bot as the dialogue's input: a press, a shared
 * contact, a command, a text; MAX's «Начать» (bot_started) is /start. Null for updates that mean
 * nothing to the dialogue.
 */
export function inputOf(ctx: Context): ChatInput | null {
  const { update } = ctx;
  if (update.update_type === 'message_callback') return { kind: 'press', action: decodePayload(update.callback.payload) };
  if (update.update_type === 'bot_started') return { kind: 'command', name: 'start', args: update.payload ?? '', text: '/start' };
  if (update.update_type !== 'message_created') return null;
  const phone = ctx.contactInfo?.tel;
  if (phone) return { kind: 'contact', phone };
  const text = update.message.body.text ?? '';
  if (!text.trim()) return { kind: 'other' };
  const command = parseCommand(text);
  return command ? { kind: 'command', ...command, text } : { kind: 'text', text };
}

/** How a person appears to others: the name they show in MAX, and @username if any. */
export function publicNameOf(user: User): string {
  return publicName({ first: user.first_name, ...(user.last_name ? { last: user.last_name } : {}), ...(user.username ? { username: user.username } : {}) });
}

/** Where an update happened: a person's dialogue with the bot (written to by their user id) or a group chat. */
export interface MaxPlace {
  user: User;
  /** The user id in a dialogue, the group chat's id otherwise: what the services keep as the chat id. */
  chatId: string;
  privately: boolean;
}

/** The place of a person's message or press, or undefined for an update of neither (or of a bot). */
export function placeOf(ctx: Context): MaxPlace | undefined {
  const { update } = ctx;
  const user = ctx.user;
  if (!user || user.is_bot) return undefined;
  const recipient = update.update_type === 'message_created' || update.update_type === 'message_callback' ? update.message?.recipient : undefined;
  if (update.update_type === 'bot_started') return { user, chatId: String(user.user_id), privately: true };
  if (!recipient) return update.update_type === 'message_callback' ? { user, chatId: String(user.user_id), privately: true } : undefined;
  const privately = recipient.chat_type === 'dialog';
  return { user, chatId: privately ? String(user.user_id) : String(recipient.chat_id), privately };
}
