/** Polls until `check` returns something truthy and returns it; throws after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 2000, stepMs = 5): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as T;
    if (Date.now() > end) throw new Error(`waitFor timed out after ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
