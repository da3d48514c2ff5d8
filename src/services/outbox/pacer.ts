import type { Platform } from '../../domain/request.js';
import type { ChatPacing } from '../ports.js';
import type { SendingLimits } from './sending-limits.js';

const MAX_BACKOFF_MS = 5 * 60_000;

/** A chat as the pacing store and the outbox's leases name it. */
export function chatKeyOf(platform: Platform, chatId: string): string {
  return `${platform}:${chatId}`;
}

export interface PacerDeps {
  /** Each chat's slots, shared by every process on the database. */
  pacing: ChatPacing;
  limits: SendingLimits;
  now: () => Date;
}

export type Pacer = ReturnType<typeof createPacer>;

/**
 * The pace of sending: each chat's spacing (shared by every process), each platform's rate for the
 * whole bot (this process's share of it), the chats known to be busy, and the backoff of retries.
 */
export function createPacer(deps: PacerDeps) {
  /** Chats known to be busy until a time: not asked for until then. */
  const busyChats = new Map<string, number>();
  /** The earliest time the next message of each platform may go, for the bot-wide rate. */
  const nextGlobalSlot = new Map<Platform, number>();

  async function waitForGlobalSlot(platform: Platform): Promise<void> {
    const spacing = 1000 / deps.limits.perSecond[platform];
    const now = Date.now();
    const at = Math.max(now, nextGlobalSlot.get(platform) ?? 0);
    nextGlobalSlot.set(platform, at + spacing);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  return {
    /** Chats not worth leasing a message for now. */
    busyChats(now: number): string[] {
      for (const [chat, until] of busyChats) if (until <= now) busyChats.delete(chat);
      return [...busyChats.keys()];
    },

    /**
     * Waits for the platform's rate, then takes the chat's slot: right before the call, so the spacing
     * the platform sees is the one reserved. When the chat's slot is later, says when.
     */
    async takeSlot(platform: Platform, chatId: string, isGroupChat: boolean): Promise<{ ok: true } | { ok: false; nextAt: Date }> {
      const chat = chatKeyOf(platform, chatId);
      const interval = isGroupChat ? deps.limits.groupIntervalMs[platform] : deps.limits.privateIntervalMs[platform];
      await waitForGlobalSlot(platform);
      const slot = await deps.pacing.reserve(chat, interval, deps.now());
      if (!slot.ok) busyChats.set(chat, slot.nextAt.getTime());
      return slot;
    },

    /** How long until a failed message is tried again: as long as the platform asked, or longer with each attempt. */
    retryDelayMs(retryAfterMs: number | undefined, attempts: number): number {
      return retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempts, 12));
    },

    /** The platform asked this chat (or the bot) to slow down: keep the chat quiet in every process. */
    async holdChat(platform: Platform, chatId: string, until: Date): Promise<void> {
      const chat = chatKeyOf(platform, chatId);
      await deps.pacing.holdUntil(chat, until);
      busyChats.set(chat, until.getTime());
    },

    /** How long an idle worker waits: until a busy chat reopens, or `idleMs`, whichever comes first. */
    idleFor(idleMs: number): number {
      const reopens = Math.min(...busyChats.values());
      return Math.max(1, Math.min(idleMs, reopens - Date.now()));
    },
  };
}
