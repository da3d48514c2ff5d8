/**
 * How long a test waits for the system by default: long enough for a loaded 2-core CI machine (a
 * reply normally comes within tens of milliseconds), short enough that a lost message fails the test
 * well before vitest's own timeout.
 */
export const WAIT_MS = 15_000;

/** What a wait was for, named in its failure; a function is asked only then (it may describe the state). */
export type Awaited = string | (() => string);

/**
 * Polls until `check` returns something truthy and returns it; after `timeoutMs` it throws an error
 * that says what did not arrive.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | null,
  timeoutMs = WAIT_MS,
  what: Awaited = () => describeCheck(check),
  stepMs = 5,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as T;
    if (Date.now() > end) throw new Error(`Waited ${timeoutMs} ms for ${typeof what === 'function' ? what() : what}; it did not arrive`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** waitFor for a check that must ask something asynchronously (the database). */
export async function waitForAsync<T>(
  check: () => Promise<T | undefined | false | null>,
  timeoutMs = WAIT_MS,
  what: Awaited = () => describeCheck(check),
  stepMs = 10,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > end) throw new Error(`Waited ${timeoutMs} ms for ${typeof what === 'function' ? what() : what}; it did not arrive`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** A wait that was not told what it waits for names its check, as written in the test. */
function describeCheck(check: () => unknown): string {
  return `${check.toString().replace(/\s+/g, ' ')} to hold`;
}
