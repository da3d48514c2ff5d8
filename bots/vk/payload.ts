import { z } from 'zod';
import type { ConsoleLimits } from '../../src/services/console/action-codec.js';
import { MENU_ITEMS, type ChatAction } from '../../src/services/private-chat/actions.js';
import type { ConsoleButtonAction } from '../../src/services/private-chat/reply.js';

/** What a VK inline keyboard carries: 10 buttons, 5 a row; the console's part of a payload is kept to 64 bytes. */
export const VK_CONSOLE_LIMITS: ConsoleLimits = { buttonsPerMessage: 10, buttonsPerRow: 5, actionBytes: 64 };

/**
 * Button payloads of the VK bot, and the codec between them and the dialogue's actions. VK sends
 * them back as they were given; anything that does not parse is treated as no payload (typed text)
 * or, for a callback button, refused.
 */
const payloadSchema = z.union([
  /** A choice on the prompt with this seq. */
  z.object({ a: z.number().int().min(0), i: z.number().int().min(0) }).strict(),
  /** "Back" on the prompt with this seq. */
  z.object({ b: z.number().int().min(0) }).strict(),
  /** The greeting's menu. */
  z.object({ m: z.enum(MENU_ITEMS) }).strict(),
  /** VK's own "Start" button of a first conversation. */
  z.object({ command: z.literal('start') }).strict(),
  /** "Take request" on a group post. */
  z.object({ claim: z.number().int().positive() }).strict(),
  /** A volunteer's action on the card of a request they hold. */
  z.object({ t: z.enum(['done', 'release', 'contact', 'card']), r: z.number().int().positive() }).strict(),
  /** The reason picked for giving a request back (an index into RELEASE_REASONS). */
  z.object({ rr: z.number().int().positive(), i: z.number().int().min(0).max(20) }).strict(),
  /** A requester's rating (1–5) of a done request. */
  z.object({ fb: z.number().int().positive(), r: z.number().int().min(1).max(5) }).strict(),
  /** "No comment" after marking a request done. */
  z.object({ nc: z.literal(1) }).strict(),
  /** A requester's "cancel my request" (w), their confirmation (wy) and "keep it" (wn). */
  z.object({ w: z.number().int().positive() }).strict(),
  z.object({ wy: z.number().int().positive() }).strict(),
  z.object({ wn: z.number().int().positive() }).strict(),
  /** The answer to /forget: erase everything about me now (y), or keep it (n). */
  z.object({ fg: z.enum(['y', 'n']) }).strict(),
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
  switch (action.kind) {
    case 'console':
      return { co: action.data };
    case 'answer':
      return { a: action.seq, i: action.index };
    case 'back':
      return { b: action.seq };
    case 'menu':
      return { m: action.item };
    case 'claim':
      return { claim: action.number };
    case 'task':
      return { t: action.action, r: action.number };
    case 'release':
      return { rr: action.number, i: action.reason };
    case 'noComment':
      return { nc: 1 };
    case 'withdraw':
      return action.confirmed ? { wy: action.number } : { w: action.number };
    case 'keep':
      return { wn: action.number };
    case 'rate':
      return { fb: action.number, r: action.rating };
    case 'forget':
      return { fg: action.confirmed ? 'y' : 'n' };
  }
}

/** The ChatAction of a payload; null for VK's own "Start" button, which is no action of ours. */
export function decodeAction(payload: VkPayload): ChatAction | null {
  if ('a' in payload) return { kind: 'answer', seq: payload.a, index: payload.i };
  if ('b' in payload) return { kind: 'back', seq: payload.b };
  if ('m' in payload) return { kind: 'menu', item: payload.m };
  if ('claim' in payload) return { kind: 'claim', number: payload.claim };
  if ('t' in payload) return { kind: 'task', action: payload.t, number: payload.r };
  if ('rr' in payload) return { kind: 'release', number: payload.rr, reason: payload.i };
  if ('nc' in payload) return { kind: 'noComment' };
  if ('w' in payload) return { kind: 'withdraw', number: payload.w, confirmed: false };
  if ('wy' in payload) return { kind: 'withdraw', number: payload.wy, confirmed: true };
  if ('wn' in payload) return { kind: 'keep', number: payload.wn };
  if ('fb' in payload) return { kind: 'rate', number: payload.fb, rating: payload.r };
  if ('fg' in payload) return { kind: 'forget', confirmed: payload.fg === 'y' };
  return null;
}

/** The console's part of a callback payload (`{"co":"c:17"}`), or null for another button's. */
export function consolePayload(raw: unknown): string | null {
  const value = jsonValueOf(raw);
  const co = value && typeof value === 'object' ? (value as { co?: unknown }).co : undefined;
  return typeof co === 'string' && co.length <= VK_CONSOLE_LIMITS.actionBytes ? co : null;
}
