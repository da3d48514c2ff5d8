import type { Update } from 'grammy/types';
import { BSON } from 'mongodb';
import type { BenchDatabase } from './database.js';
import { cpuMsSince, heapUsedBytes, percentile, round } from './stats.js';
import type { UpdateFactory } from './updates.js';

/** A bot to feed: the real one or the hand-written baseline, with where it keeps conversations. */
export interface IntakeSubject {
  name: string;
  handleUpdate(update: Update): Promise<void>;
  /** The key prefix of its conversations in the conversation store. */
  conversationPrefix: string;
}

export interface IntakeFigures {
  subject: string;
  requesters: number;
  rounds: number;
  updates: number;
  completed: number;
  seconds: number;
  updatesPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerUpdate: number;
  /** CPU of the embedded database process per update (absent on a real MongoDB, which runs elsewhere). */
  dbCpuMsPerUpdate: number | null;
  heapBytesPerOpenConversation: number;
  mongoBytesPerOpenConversation: number;
}

/**
 * K requesters at once, each answering the whole questionnaire one update after another (the next
 * answer only after the bot has handled the previous one, as a person waits for the question). Run
 * `rounds` times with new requesters. In the first round everyone stops before "Send" so the heap
 * and the stored state of K open conversations can be measured; that pause is not timed.
 */
export async function measureIntake(options: {
  subject: IntakeSubject;
  requesters: number;
  rounds: number;
  firstUserId: number;
  database: BenchDatabase;
  updates: UpdateFactory;
}): Promise<IntakeFigures> {
  const { subject, requesters, rounds, database } = options;
  await database.clear();
  const latencies: number[] = [];
  let activeMs = 0;
  let cpuMs = 0;
  let dbCpuSeconds = 0;
  let heapPerOpen = Number.NaN;
  let mongoPerOpen = Number.NaN;

  const timed = async (update: Update) => {
    const started = performance.now();
    await subject.handleUpdate(update);
    latencies.push(performance.now() - started);
  };
  /** Runs each requester's updates in order, all requesters at once; returns wall ms. */
  const phase = async (lists: Update[][]) => {
    const cpu = process.cpuUsage();
    const dbCpu = database.serverCpuSeconds();
    const started = performance.now();
    await Promise.all(
      lists.map(async (list) => {
        for (const update of list) await timed(update);
      }),
    );
    activeMs += performance.now() - started;
    cpuMs += cpuMsSince(cpu);
    if (dbCpu !== undefined) dbCpuSeconds += database.serverCpuSeconds()! - dbCpu;
  };

  for (let r = 0; r < rounds; r++) {
    const scripts = Array.from({ length: requesters }, (_, i) => options.updates.helpRequest(options.firstUserId + r * requesters + i, i % 3));
    if (r === 0) {
      const heapBefore = heapUsedBytes();
      await phase(scripts.map((s) => s.slice(0, -1)));
      heapPerOpen = (heapUsedBytes() - heapBefore) / requesters;
      mongoPerOpen = await storedBytesPerConversation(database, subject.conversationPrefix);
      await phase(scripts.map((s) => s.slice(-1)));
    } else {
      await phase(scripts);
    }
  }

  const updates = latencies.length;
  const completed = await database.db.connection.collection('requests').countDocuments({});
  const seconds = activeMs / 1000;
  return {
    subject: subject.name,
    requesters,
    rounds,
    updates,
    completed,
    seconds: round(seconds, 2),
    updatesPerSecond: round(updates / seconds, 0),
    requestsPerSecond: round(completed / seconds, 1),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    cpuMsPerUpdate: round(cpuMs / updates, 3),
    dbCpuMsPerUpdate: database.kind === 'embedded' ? round((dbCpuSeconds * 1000) / updates, 3) : null,
    heapBytesPerOpenConversation: Math.round(heapPerOpen),
    mongoBytesPerOpenConversation: Math.round(mongoPerOpen),
  };
}

/** The average BSON size of the stored conversations with this key prefix. */
async function storedBytesPerConversation(database: BenchDatabase, prefix: string): Promise<number> {
  const docs = await database.db.connection.collection('conversations').find({}).toArray();
  const mine = docs.filter((d) => String(d.key).startsWith(prefix));
  if (mine.length === 0) return Number.NaN;
  return mine.reduce((sum, d) => sum + BSON.calculateObjectSize(d), 0) / mine.length;
}
