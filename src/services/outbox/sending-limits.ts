import type { Platform } from '../../domain/request.js';

/** The platforms' sending limits: spacing per chat and a rate for the whole bot. */
export interface SendingLimits {
  groupIntervalMs: Record<Platform, number>;
  privateIntervalMs: Record<Platform, number>;
  perSecond: Record<Platform, number>;
}

/**
 * Spacing to spare: a message sent in its slot can reach the platform a little late (a busy event
 * loop, the network) and the next one on time, so the two would land closer than the limit allows.
 * 4 % more spacing absorbs that across a platform's counting window and still uses 96 % of the limit.
 */
const HEADROOM = 1.04;

/** The limits each platform declares (bots/<platform>/), with spacing to spare, as the worker paces by them. */
export function withHeadroom(
  platforms: readonly { id: Platform; sendingLimits: { groupIntervalMs: number; privateIntervalMs: number; perSecond: number } }[],
): SendingLimits {
  const each = (f: (limits: (typeof platforms)[number]['sendingLimits']) => number) =>
    Object.fromEntries(platforms.map((p) => [p.id, f(p.sendingLimits)])) as Record<Platform, number>;
  return {
    groupIntervalMs: each((l) => l.groupIntervalMs * HEADROOM),
    privateIntervalMs: each((l) => l.privateIntervalMs * HEADROOM),
    perSecond: each((l) => l.perSecond / HEADROOM),
  };
}
