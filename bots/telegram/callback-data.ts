import { z } from 'zod';
import type { ConsoleLimits } from '../../src/services/console/action-codec.js';
import { MENU_ITEMS, TASK_ACTIONS, type ChatAction, type MenuItem, type TaskAction } from '../../src/services/private-chat/actions.js';
import type { ConsoleButtonAction } from '../../src/services/private-chat/reply.js';

/**
 * The codec of our inline buttons' callback data. Telegram allows 64 bytes, so choices travel as
 * their index, and every answer button carries the number of the prompt it belongs to, so a press on
 * an older message is recognised and ignored.
 */
export type CallbackAction = ChatAction;

/** Prefix of the console's callback data ("co:c:17"); the rest is the console's own encoding. */
const CONSOLE_PREFIX = 'co:';

/** What a Telegram message carries: up to 100 inline buttons, 8 a row, 64 bytes of callback data. */
export const TELEGRAM_CONSOLE_LIMITS: ConsoleLimits = { buttonsPerMessage: 100, buttonsPerRow: 8, actionBytes: 64 - CONSOLE_PREFIX.length };

// Plain digits only: "007", "1e0" or "" are not numbers any button of ours carries.
const int = z
  .string()
  .regex(/^(0|[1-9]\d{0,8})$/)
  .transform(Number);

export function encodeCallback(action: CallbackAction | ConsoleButtonAction): string {
  switch (action.kind) {
    case 'console':
      return CONSOLE_PREFIX + action.data;
    case 'answer':
      return `a:${action.seq}:${action.index}`;
    case 'back':
      return `b:${action.seq}`;
    case 'menu':
      return `m:${action.item}`;
    case 'claim':
      return `claim:${action.number}`;
    case 'task':
      return `t:${action.action}:${action.number}`;
    case 'release':
      return `r:${action.number}:${action.reason}`;
    case 'noComment':
      return 'nc';
    case 'withdraw':
      return `${action.confirmed ? 'wy' : 'w'}:${action.number}`;
    case 'keep':
      return `wn:${action.number}`;
    case 'rate':
      return `fb:${action.number}:${action.rating}`;
    case 'forget':
      return `fg:${action.confirmed ? 'y' : 'n'}`;
  }
}

/** Reads callback data; anything malformed or forged gives null and is refused by the caller. */
export function decodeCallback(data: string): CallbackAction | null {
  const parts = data.split(':');
  const [tag, a, b] = parts;
  if (tag === 'a' && parts.length === 3) {
    const seq = int.safeParse(a);
    const index = int.safeParse(b);
    return seq.success && index.success ? { kind: 'answer', seq: seq.data, index: index.data } : null;
  }
  if (tag === 'b' && parts.length === 2) {
    const seq = int.safeParse(a);
    return seq.success ? { kind: 'back', seq: seq.data } : null;
  }
  if (tag === 'm' && parts.length === 2 && (MENU_ITEMS as readonly string[]).includes(a!)) return { kind: 'menu', item: a as MenuItem };
  if (tag === 'claim' && parts.length === 2 && /^[1-9]\d{0,8}$/.test(a ?? '')) return { kind: 'claim', number: Number(a) };
  if (tag === 't' && parts.length === 3 && (TASK_ACTIONS as readonly string[]).includes(a ?? '') && /^[1-9]\d{0,8}$/.test(b ?? '')) {
    return { kind: 'task', action: a as TaskAction, number: Number(b) };
  }
  if (tag === 'nc' && parts.length === 1) return { kind: 'noComment' };
  if (tag === 'fg' && parts.length === 2 && (a === 'y' || a === 'n')) return { kind: 'forget', confirmed: a === 'y' };
  if (tag === 'fb' && parts.length === 3 && /^[1-9]\d{0,8}$/.test(a ?? '') && /^[1-5]$/.test(b ?? ''))
    return { kind: 'rate', number: Number(a), rating: Number(b) };
  if (tag === 'wn' && parts.length === 2 && /^[1-9]\d{0,8}$/.test(a ?? '')) return { kind: 'keep', number: Number(a) };
  if ((tag === 'w' || tag === 'wy') && parts.length === 2 && /^[1-9]\d{0,8}$/.test(a ?? ''))
    return { kind: 'withdraw', number: Number(a), confirmed: tag === 'wy' };
  if (tag === 'r' && parts.length === 3 && /^[1-9]\d{0,8}$/.test(a ?? '')) {
    const reason = int.safeParse(b);
    return reason.success ? { kind: 'release', number: Number(a), reason: reason.data } : null;
  }
  return null;
}

/** The console's part of a console button's callback data, or null for any other button's. */
export function decodeConsoleCallback(data: string): string | null {
  return data.startsWith(CONSOLE_PREFIX) ? data.slice(CONSOLE_PREFIX.length) : null;
}
