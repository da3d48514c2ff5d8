import type { ConsoleLimits } from '../../src/services/console/action-codec.js';
import type { ChatAction } from '../../src/services/private-chat/actions.js';
import { CONSOLE_DATA_PREFIX, consoleDataOf, decodeChatAction, encodeButtonData } from '../../src/services/private-chat/action-codec.js';
import type { ConsoleButtonAction } from '../../src/services/private-chat/reply.js';

/**
 * MAX's limits on what a message carries (dev.max.ru, the Bot API's message and keyboard objects):
 * text up to 4000 characters; an inline keyboard of up to 210 buttons in up to 30 rows of up to 7
 * (3 in a row with a link, contact or location button); a button's text up to 128 characters and a
 * callback payload up to 1024.
 */
export const MAX_LIMITS = { text: 4000, buttons: 210, rows: 30, perRow: 7, perRowWithRequest: 3, label: 128, payload: 1024 } as const;

/** Our payloads are short whatever MAX allows, as Telegram's 64 bytes keep them. */
const OURS_MAX = 64;

/** The console's buttons in MAX: at most 30 under a message (one page never needs more, and even one a row stays within 30 rows), 7 a row; its data stays short as everywhere. */
export const MAX_CONSOLE_LIMITS: ConsoleLimits = {
  buttonsPerMessage: MAX_LIMITS.rows,
  buttonsPerRow: MAX_LIMITS.perRow,
  actionBytes: OURS_MAX - CONSOLE_DATA_PREFIX.length,
};

/**
 * A callback button's payload: the dialogue's action in its one text form
 * (src/services/private-chat/action-codec.ts), or the console's behind its prefix, as in Telegram.
 * Our payloads are at most 64 characters; a longer one was not made by us and is read as nothing.
 */
export const encodePayload: (action: ChatAction | ConsoleButtonAction) => string = encodeButtonData;

const ours = (payload: string | undefined): payload is string => payload !== undefined && payload.length <= OURS_MAX;

export function decodePayload(payload: string | undefined): ChatAction | null {
  return ours(payload) ? decodeChatAction(payload) : null;
}

export function consolePayload(payload: string | undefined): string | null {
  return ours(payload) ? consoleDataOf(payload) : null;
}
