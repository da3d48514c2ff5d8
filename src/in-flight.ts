/**
 * Counts updates being handled, so shutdown can wait for them: the bots' update loops stop fetching
 * at once but do not wait for handlers, and closing the database under a handler would lose its write.
 */
export function createInFlightTracker() {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    /** Middleware in the shape grammY and vk-io share: (context, next). */
    middleware: async (_ctx: unknown, next: () => Promise<unknown>): Promise<void> => {
      count++;
      try {
        await next();
      } finally {
        count--;
        if (count === 0) {
          for (const resolve of waiters) resolve();
          waiters = [];
        }
      }
    },
    /** Resolves once no update is being handled. */
    drained: (): Promise<void> => (count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
