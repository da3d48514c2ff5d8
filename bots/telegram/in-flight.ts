import type { MiddlewareFn } from 'grammy';

/**
 * Counts updates being handled, so shutdown can wait for them: the runner stops fetching at once but
 * does not wait for handlers, and closing the database under a handler would lose its write.
 */
export function createInFlightTracker() {
  let count = 0;
  let waiters: (() => void)[] = [];
  const middleware: MiddlewareFn = async (_ctx, next) => {
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
  };
  return {
    middleware,
    /** Resolves once no update is being handled. */
    drained: (): Promise<void> => (count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
