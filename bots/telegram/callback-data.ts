import type { ConsoleLimits } from '../../src/services/console/action-codec.js';
import type { ChatAction } from '../../src/services/private-chat/actions.js';
import { CONSOLE_DATA_PREFIX, consoleDataOf, decodeChatAction, encodeButtonData } from '../../src/services/private-chat/action-codec.js';
import type { ConsoleButtonAction } from '../../src/services/private-chat/reply.js';

/**
 * The codec of our inline buttons' callback data: the dialogue's actions in their one text form
 * (src/services/private-chat/action-codec.ts), and the console's behind a prefix. Telegram allows
 * 64 bytes.
 */
export type CallbackAction = ChatAction;

/** What a Telegram message carries: up to 100 inline buttons, 8 a row, 64 bytes of callback data. */
export const TELEGRAM_CONSOLE_LIMITS: ConsoleLimits = { buttonsPerMessage: 100, buttonsPerRow: 8, actionBytes: 64 - CONSOLE_DATA_PREFIX.length };

export const encodeCallback: (action: CallbackAction | ConsoleButtonAction) => string = encodeButtonData;

/** Reads callback data; anything malformed or forged gives null and is refused by the caller. */
export const decodeCallback: (data: string) => CallbackAction | null = decodeChatAction;

/** The console's part of a console button's callback data, or null for any other button's. */
export const decodeConsoleCallback: (data: string) => string | null = consoleDataOf;
