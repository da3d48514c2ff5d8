import { z } from 'zod';
import type { ConsoleLimits } from '../../src/services/console/action-codec.js';
import type { ChatAction } from '../../src/services/private-chat/actions.js';
import { decodeChatAction, encodeChatAction } from '../../src/services/private-chat/action-codec.js';
import type { ConsoleButtonAction } from '../../src/services/private-chat/reply.js';

/** What a VK inline keyboard carries: 10 buttons, 5 a row; the console's part of a payload is kept to 64 bytes. */
export const VK_CONSOLE_LIMITS: ConsoleLimits = { buttonsPerMessage: 10, buttonsPerRow: 5, actionBytes: 64 };

/**
 * Button payloads of the VK bot: the dialogue's actions in their one text form
 * (src/services/private-chat/action-codec.ts) as `{"d":"claim:17"}`, and VK's own "Start" button.
 * VK sends them back as they were given; anything that does not parse is treated as no payload
 * (typed text) or, for a callback button, refused.
 */
const payloadSchema = z.union([
  // The text form is printable ASCII of at most 24 characters; 64 leaves room, anything else is forged.
  z.object({ d: z.string().regex(/^[\x21-\x7e]{1,64}$/) }).strict(),
  /** VK's own "Start" button of a first conversation. */
  z.object({ command: z.literal('start') }).strict(),
]);
export type VkPayload = z.infer<typeof payloadSchema>;

/** Reads a payload VK handed back: a JSON string or an already parsed object. */
export function parsePayload(raw: unknown): VkPayload | null {
  const parsed = payloadSchema.safeParse(jsonValueOf(raw));
  return parsed.success ? parsed.data : null;
}

/** A payload as VK hands it over: a JSON string, or a value parsed already; undefined for broken JSON. */
export function jsonValueOf(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A button's action as its VK payload; a console button's is `{"co":"c:17"}`, the console's own encoding inside. */
export function encodeAction(action: ChatAction | ConsoleButtonAction): VkPayload | { co: string } {
  return action.kind === 'console' ? { co: action.data } : { d: encodeChatAction(action) };
}

/** The ChatAction of a payload; null for VK's own "Start" button and for data no button of ours carries. */
export function decodeAction(payload: VkPayload): ChatAction | null {
  return 'd' in payload ? decodeChatAction(payload.d) : null;
}

/** The console's part of a callback payload (`{"co":"c:17"}`), or null for another button's. */
export function consolePayload(raw: unknown): string | null {
  const value = jsonValueOf(raw);
  const co = value && typeof value === 'object' ? (value as { co?: unknown }).co : undefined;
  return typeof co === 'string' && co.length <= VK_CONSOLE_LIMITS.actionBytes ? co : null;
}
