import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a secret a platform presented with a webhook call is ours, in time that does not depend on
 * how much of it is right (`!==` stops at the first differing character, and the time it takes tells
 * a caller how far a guess got). Only the length shows, and the platforms send the length we chose.
 */
export function secretMatches(presented: unknown, expected: Buffer): boolean {
  if (typeof presented !== 'string') return false;
  const given = Buffer.from(presented);
  // timingSafeEqual throws on buffers of unequal length: refuse those before it.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
