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

/** Telegram: 20 a minute per group, 1 a second per person, about 30 a second in all; VK: 20 requests a second. */
export const PLATFORM_LIMITS: SendingLimits = {
  groupIntervalMs: { telegram: 3000 * HEADROOM, vk: 1000 * HEADROOM },
  privateIntervalMs: { telegram: 1000 * HEADROOM, vk: 1000 * HEADROOM },
  perSecond: { telegram: 30 / HEADROOM, vk: 20 / HEADROOM },
};
