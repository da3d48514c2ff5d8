import { z } from 'zod';

/**
 * Callback data of our inline buttons. Telegram allows 64 bytes, so choices travel as their index,
 * and every answer button carries the number of the prompt it belongs to, so a press on an older
 * message is recognised and ignored.
 */
export type CallbackAction =
  | { kind: 'answer'; seq: number; index: number }
  | { kind: 'back'; seq: number }
  | { kind: 'menu'; item: 'new' | 'my' }
  | { kind: 'claim'; number: number };

// Plain digits only: "007", "1e0" or "" are not numbers any button of ours carries.
const int = z.string().regex(/^(0|[1-9]\d{0,8})$/).transform(Number);

export function encodeCallback(action: CallbackAction): string {
  switch (action.kind) {
    case 'answer':
      return `a:${action.seq}:${action.index}`;
    case 'back':
      return `b:${action.seq}`;
    case 'menu':
      return `m:${action.item}`;
    case 'claim':
      return `claim:${action.number}`;
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
  if (tag === 'm' && parts.length === 2 && (a === 'new' || a === 'my')) return { kind: 'menu', item: a };
  if (tag === 'claim' && parts.length === 2 && /^[1-9]\d{0,8}$/.test(a ?? '')) return { kind: 'claim', number: Number(a) };
  return null;
}
