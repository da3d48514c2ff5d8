import type { BenchDatabase } from './database.js';
import { round } from './stats.js';
import type { UpdateFactory } from './updates.js';
import type { IntakeSubject } from './intake.js';

export interface RefusalFigures {
  refusals: number;
  answerChars: number;
  /** Reply time of the first refused answer and of the last, and the ratio (target: at most 1.5). */
  firstMs: number;
  lastMs: number;
  lastToFirst: number;
  /** The stored conversation after the first refusal and after the last. */
  storedBytesAfterFirst: number;
  storedBytesAfterLast: number;
}

/**
 * A person who pastes a long letter into the age question again and again: every answer is refused.
 * What the conversation stores, and so what is read and replayed on every update, must not grow with
 * it. Each reply time is the median of the `window` refusals around it, so one slow update of a
 * shared machine does not decide the figure.
 */
export async function measureRefusals(options: {
  subject: IntakeSubject;
  database: BenchDatabase;
  updates: UpdateFactory;
  userId: number;
  refusals: number;
  answerChars: number;
  window?: number;
}): Promise<RefusalFigures> {
  const { subject, updates, userId, refusals } = options;
  const window = options.window ?? 9;
  const script = updates.helpRequest(userId);
  // /start, "new request", consent, pensioner: the next question is the age.
  for (const update of script.slice(0, 4)) await subject.handleUpdate(update);
  const letter = 'Здравствуйте, пишу по поводу моей мамы. '.repeat(Math.ceil(options.answerChars / 40)).slice(0, options.answerChars);
  const times: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < refusals; i++) {
    const started = performance.now();
    await subject.handleUpdate(updates.text(userId, letter));
    times.push(performance.now() - started);
    if (i === 0 || i === refusals - 1) sizes.push(await storedBytes(options.database, `${subject.conversationPrefix}${userId}`));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const firstMs = median(times.slice(0, window));
  const lastMs = median(times.slice(-window));
  return {
    refusals,
    answerChars: options.answerChars,
    firstMs: round(firstMs, 2),
    lastMs: round(lastMs, 2),
    lastToFirst: round(lastMs / firstMs, 2),
    storedBytesAfterFirst: sizes[0]!,
    storedBytesAfterLast: sizes[1]!,
  };
}

async function storedBytes(database: BenchDatabase, key: string): Promise<number> {
  const doc = await database.db.connection.collection('conversations').findOne({ key });
  return doc ? Buffer.byteLength(JSON.stringify(doc.value)) : 0;
}
