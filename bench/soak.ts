import type { BenchDatabase } from './database.js';
import { heapUsedBytes, round } from './stats.js';
import type { SystemUnderTest } from './system-under-test.js';
import type { UpdateFactory } from './updates.js';

export interface SoakCheckpoint {
  conversations: number;
  heapBytes: number;
  activeResources: number;
  resourceTypes: Record<string, number>;
}

export interface SoakFigures {
  conversations: number;
  concurrency: number;
  seconds: number;
  conversationsPerSecond: number;
  afterFirst: SoakCheckpoint;
  atEnd: SoakCheckpoint;
  heapChange: number;
  resourcesChange: number;
  /** Whether the embedded server's handled-update log and requests were emptied between batches. */
  prunedBetweenBatches: boolean;
}

const BATCH = 1000;

/**
 * Completed conversations in a row through the real bot, in batches of 1 000 run `concurrency` at a
 * time; the bot's heap (after a full collection) and its active handles are taken after the first
 * batch and at the end. On the embedded server the handled-update log and the stored requests are
 * emptied between batches: it scans a whole collection for every lookup, so 120 000 update records
 * would make each update slower than the last (a real MongoDB finds them through their index, and
 * expires the log after two days). That data lives in the database process, not in the bot's heap
 * this measures.
 */
export async function runSoak(options: {
  sut: SystemUnderTest;
  database: BenchDatabase;
  updates: UpdateFactory;
  conversations: number;
  concurrency: number;
  firstUserId: number;
  onBatch?: (done: number) => void;
}): Promise<SoakFigures> {
  const { sut, database, conversations, concurrency } = options;
  const prune = database.kind === 'embedded';
  await database.clear();
  let afterFirst: SoakCheckpoint | undefined;
  let done = 0;
  const started = performance.now();
  while (done < conversations) {
    const batchEnd = Math.min(conversations, done + BATCH);
    let next = done;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < batchEnd; i = next++) {
          for (const update of options.updates.helpRequest(options.firstUserId + i, i % 3)) await sut.handleUpdate(update);
        }
      }),
    );
    done = batchEnd;
    options.onBatch?.(done);
    if (prune) {
      await Promise.all(['processed_updates', 'requests'].map((name) => database.db.connection.collection(name).deleteMany({})));
    }
    if (!afterFirst) afterFirst = checkpoint(done);
  }
  const seconds = (performance.now() - started) / 1000;
  const stored = await database.db.connection.collection('conversations').countDocuments({});
  if (stored !== 0) throw new Error(`the soak left ${stored} conversations stored: some did not complete`);
  const atEnd = checkpoint(done);
  return {
    conversations,
    concurrency,
    seconds: round(seconds, 1),
    conversationsPerSecond: round(conversations / seconds, 1),
    afterFirst: afterFirst!,
    atEnd,
    heapChange: round(atEnd.heapBytes / afterFirst!.heapBytes - 1, 3),
    resourcesChange: round(atEnd.activeResources / afterFirst!.activeResources - 1, 3),
    prunedBetweenBatches: prune,
  };
}

function checkpoint(conversations: number): SoakCheckpoint {
  const heapBytes = heapUsedBytes();
  const resources = process.getActiveResourcesInfo();
  const resourceTypes: Record<string, number> = {};
  for (const type of resources) resourceTypes[type] = (resourceTypes[type] ?? 0) + 1;
  return { conversations, heapBytes, activeResources: resources.length, resourceTypes };
}
