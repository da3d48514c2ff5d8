/** What to do with one message or press of a private chat. */
export type FloodVerdict =
  /** Handle it as usual. */
  | 'pass'
  /** The chat has just gone over the limit: say once «please slow down», and handle nothing more for a while. */
  | 'warn'
  /** Still within the pause after a warning: drop it without an answer; the person's place is untouched. */
  | 'ignore';

export interface FloodLimits {
  /** At most this many messages and presses of one chat within `windowMs`... */
  messages: number;
  windowMs: number;
  /** ...or the chat is told once and ignored for this long. */
  pauseMs: number;
}

/**
 * Per-chat flood control, in this process's memory: a chat's updates are handled by one process (per
 * chat ordering), so that is where they are counted. A person who pastes the same text sixty times,
 * or a script, gets one polite «please slow down», then silence for the pause, and then goes on
 * from where they were: what is dropped is never handed to the questionnaire.
 */
export function createFloodGuard(limits: FloodLimits, now: () => number = Date.now) {
  /** Recent arrival times per chat, oldest first; or the end of a pause. */
  const recent = new Map<string, number[]>();
  const pausedUntil = new Map<string, number>();
  let checks = 0;

  /** Drops chats that have been quiet for a whole window, so the maps stay the size of the active chats. */
  function prune(at: number): void {
    for (const [chat, times] of recent) if (times.at(-1)! <= at - limits.windowMs) recent.delete(chat);
    for (const [chat, until] of pausedUntil) if (until <= at) pausedUntil.delete(chat);
  }

  return {
    check(chat: string): FloodVerdict {
      const at = now();
      if (++checks % 1000 === 0) prune(at);
      const until = pausedUntil.get(chat);
      if (until !== undefined) {
        if (at < until) return 'ignore';
        pausedUntil.delete(chat);
        recent.delete(chat);
      }
      const times = (recent.get(chat) ?? []).filter((t) => t > at - limits.windowMs);
      times.push(at);
      if (times.length <= limits.messages) {
        recent.set(chat, times);
        return 'pass';
      }
      recent.delete(chat);
      pausedUntil.set(chat, at + limits.pauseMs);
      return 'warn';
    },
    /** Chats counted now (for tests of the pruning). */
    get tracked(): number {
      return recent.size + pausedUntil.size;
    },
  };
}

export type FloodGuard = ReturnType<typeof createFloodGuard>;
