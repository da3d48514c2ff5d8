import { MENU_ITEMS, TASK_ACTIONS, type ChatAction, type MenuItem, type TaskAction } from './actions.js';
import type { ConsoleButtonAction } from './reply.js';

/**
 * The one text form of a button's action ("a:3:1", "claim:17", "t:done:17"), written the same for
 * every platform: each platform's codec carries it its own way (Telegram's callback data, a VK
 * payload). At most 24 characters whatever the numbers, within Telegram's 64 bytes. Choices travel as
 * their index, and every answer button carries the number of its prompt, so a press on an older
 * message is recognised.
 */
export function encodeChatAction(action: ChatAction): string {
  switch (action.kind) {
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

/** Plain digits only ("007", "1e0" or "" are no number a button of ours carries); `min` 1 for a request's number. */
function int(text: string | undefined, min = 0): number | null {
  if (text === undefined || !/^(0|[1-9]\d{0,8})$/.test(text)) return null;
  const value = Number(text);
  return value >= min ? value : null;
}

/** Reads an action back: only exactly what encodeChatAction writes; anything else (forged, old, cut) is null. */
export function decodeChatAction(data: string): ChatAction | null {
  const parts = data.split(':');
  const [tag, a, b] = parts;
  const number = int(a, 1);
  switch (parts.length) {
    case 1:
      return tag === 'nc' ? { kind: 'noComment' } : null;
    case 2:
      if (tag === 'b' && int(a) !== null) return { kind: 'back', seq: int(a)! };
      if (tag === 'm' && (MENU_ITEMS as readonly string[]).includes(a!)) return { kind: 'menu', item: a as MenuItem };
      if (tag === 'fg' && (a === 'y' || a === 'n')) return { kind: 'forget', confirmed: a === 'y' };
      if (number === null) return null;
      if (tag === 'claim') return { kind: 'claim', number };
      if (tag === 'wn') return { kind: 'keep', number };
      if (tag === 'w' || tag === 'wy') return { kind: 'withdraw', number, confirmed: tag === 'wy' };
      return null;
    case 3: {
      const second = int(b);
      if (tag === 'a' && int(a) !== null && second !== null) return { kind: 'answer', seq: int(a)!, index: second };
      if (tag === 't' && (TASK_ACTIONS as readonly string[]).includes(a!) && int(b, 1) !== null)
        return { kind: 'task', action: a as TaskAction, number: int(b, 1)! };
      if (number === null || second === null) return null;
      if (tag === 'r') return { kind: 'release', number, reason: second };
      if (tag === 'fb' && second >= 1 && second <= 5) return { kind: 'rate', number, rating: second };
      return null;
    }
    default:
      return null;
  }
}

/**
 * Where a platform carries a button's data as one string (Telegram's callback data, a MAX callback
 * payload), a console button's is its own encoding behind this prefix ("co:c:17").
 */
export const CONSOLE_DATA_PREFIX = 'co:';

/** A button's action as one string: the dialogue's text form, or the console's behind its prefix. */
export function encodeButtonData(action: ChatAction | ConsoleButtonAction): string {
  return action.kind === 'console' ? CONSOLE_DATA_PREFIX + action.data : encodeChatAction(action);
}

/** The console's part of a button's data, or null for any other button's. */
export function consoleDataOf(data: string): string | null {
  return data.startsWith(CONSOLE_DATA_PREFIX) ? data.slice(CONSOLE_DATA_PREFIX.length) : null;
}
