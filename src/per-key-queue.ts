/**
 * Runs tasks of one key one after another and tasks of different keys side by side. The VK and MAX
 * bots keep a person's place in the questionnaire in MongoDB; two messages of one person handled at
 * once would both read the old place and one answer would be lost.
 */
export function createPerKeyQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return function enqueue<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    // Forget a key once its last task is done, so the map does not grow with every person ever seen.
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
