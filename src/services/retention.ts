import type { Logger } from './ports.js';

/** What the retention sweep removes, each part a single bulk write. */
export interface RetentionStore {
  /**
   * Erases the personal data of requests closed before `before` and not erased yet: name, address,
   * phone, description, and every free text written with them (reasons, comments, the feedback
   * comment), with the undelivered or delivered messages about them. The anonymous fields stay for
   * statistics. Returns the numbers erased.
   */
  eraseClosedBefore(before: Date, limit: number): Promise<number[]>;
  /** Forgets questionnaires left half-way before `before`, with the answers typed into them. */
  forgetConversationsBefore(before: Date): Promise<number>;
  /** Forgets which updates were handled before `before` (redeliveries stop long before). */
  forgetProcessedUpdatesBefore(before: Date): Promise<number>;
}

export interface RetentionDeps {
  store: RetentionStore;
  /** Removes the scheduled jobs of a request whose data is gone. */
  cancelJobsOf: (requestNumber: number) => Promise<unknown>;
  retentionMs: number;
  abandonedConversationMs: number;
  logger: Logger;
  now: () => Date;
}

/** How long a handled update is remembered on a server without TTL indexes (the embedded one). */
const PROCESSED_UPDATES_MS = 2 * 86_400_000;
/** Requests erased per batch: each batch is one write, and the sweep goes on until none is left. */
const BATCH = 500;

/**
 * Erases personal data after the retention period. A job rather than a TTL index, so it works on
 * every server, keeps the anonymous statistics, and logs what it did (counts only).
 */
export function createRetention(deps: RetentionDeps) {
  return async function sweep(): Promise<{ requests: number; conversations: number; updates: number }> {
    const now = deps.now().getTime();
    let requests = 0;
    for (;;) {
      const erased = await deps.store.eraseClosedBefore(new Date(now - deps.retentionMs), BATCH);
      for (const number of erased) await deps.cancelJobsOf(number);
      requests += erased.length;
      if (erased.length < BATCH) break;
    }
    const conversations = await deps.store.forgetConversationsBefore(new Date(now - deps.abandonedConversationMs));
    const updates = await deps.store.forgetProcessedUpdatesBefore(new Date(now - PROCESSED_UPDATES_MS));
    deps.logger.info({ requests, conversations, updates }, 'retention: personal data erased');
    return { requests, conversations, updates };
  };
}
