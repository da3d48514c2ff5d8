import type { Context } from 'grammy';
import type { User } from 'grammy/types';
import { parseCommand, publicName } from '../../src/services/private-chat/chat-text.js';
import type { ChatPerson } from '../../src/services/private-chat/dialogue.js';
import type { ChatInput } from '../../src/services/private-chat/reply.js';
import { decodeCallback } from './callback-data.js';

/** An update of a private chat as the dialogue's input; null for updates that mean nothing to it. */
export function inputOf(ctx: Context): ChatInput | null {
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) return { kind: 'press', action: decodeCallback(data) };
  const message = ctx.message;
  if (!message) return null;
  if (message.contact) return { kind: 'contact', phone: message.contact.phone_number };
  if (message.text === undefined) return { kind: 'other' };
  const command = parseCommand(message.text);
  return command ? { kind: 'command', ...command, text: message.text } : { kind: 'text', text: message.text };
}

export function chatPersonOf(ctx: Context): ChatPerson {
  return { person: { platform: 'telegram', userId: String(ctx.from?.id) }, chatId: String(ctx.chat?.id) };
}

/** How a person appears to others: the name they show in Telegram, and @username if any (as on a claimed post). */
export function publicNameOf(user: User): string {
  return publicName({ first: user.first_name, last: user.last_name, username: user.username });
}
