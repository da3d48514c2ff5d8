import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

/**
 * Field names that carry personal data wherever they appear: a request's answers and comments, the
 * reasons people type, what a person is called (our records, Telegram's and VK's), what they wrote,
 * a shared contact. `name` among them, so an error's class is logged as `type` (see describeError),
 * as pino's own error serializer does.
 */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'personal',
  'name',
  'first_name',
  'last_name',
  'firstName',
  'lastName',
  'displayName',
  'username',
  'phone',
  'phone_number',
  'address',
  'description',
  'comment',
  'reason',
  'text',
  'contact',
  'codeWord',
  // The contact of whoever filed a request for someone else, as the questionnaire's answers name it.
  'applicant',
  'applicantName',
  'applicantPhone',
]);
const CENSOR = '[redacted]';
/** Deeper than any log call nests; it also ends a walk round a cycle (pino's stringify copes with those). */
const MAX_DEPTH = 12;

/**
 * What a log line may carry: the object with every personal field censored at any depth, copied only
 * where something changes (the caller's object is left as it was). Plain objects and arrays are
 * walked; anything else (dates, buffers, errors: see the err serializer) is left to pino's serializing.
 *
 * Not pino's `redact` paths: a path names one level (`*.name` is a name one level down), so covering
 * `{ outcome: { request } }` down to `history.0.volunteer.displayName` took 112 paths, and every line
 * then cost about 120 µs instead of 6 (measured on the development machine); one walk costs a few µs
 * and has no depth to fall short of.
 */
export function redactPersonal(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const redacted = redactPersonal(item, depth + 1);
      if (redacted === item) return;
      copy ??= value.slice();
      copy[index] = redacted;
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const redacted = PERSONAL_FIELDS.has(key) && item !== undefined && item !== null ? CENSOR : redactPersonal(item, depth + 1);
    if (redacted === item) continue;
    copy ??= { ...value };
    copy[key] = redacted;
  }
  return copy ?? value;
}

/**
 * The one logger. Personal fields are redacted as a second line of defence, in every log call's
 * object and in every child's bindings; the first is that no code passes a phone, address or name to
 * a log call. `destination` is where the lines go (standard output unless given; the tests read them).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    formatters: { log: (object: Record<string, unknown>) => redactPersonal(object) as Record<string, unknown> },
    // pino's error serializer takes anything with a message for an error and writes its constructor
    // (Object) over the `type` describeError gave: only real errors go through it, and what it makes
    // of their own fields is redacted too.
    serializers: { err: (err: unknown) => (err instanceof Error ? redactPersonal(stdSerializers.err(err)) : err) },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  // A child's bindings are written once, when it is made, and pino's log formatter never sees them:
  // they are redacted on the way in. Children inherit this from the root, so theirs do too.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redactPersonal(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  return logger;
}

/**
 * Where `npm start` writes: readable lines when a person watches a terminal, JSON lines otherwise
 * (a container, a file, a log collector). pino-pretty is a development dependency: where it is not
 * installed (the production image), a terminal gets JSON too.
 */
export async function terminalDestination(stream: NodeJS.WriteStream = process.stdout): Promise<DestinationStream | undefined> {
  if (!stream.isTTY) return undefined;
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ destination: stream, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

export type { Logger };
