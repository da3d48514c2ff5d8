/** What pressing a coordinator's button asks for. */
export type ConsoleAction =
  /** A page of /open (of a district, by its index in the configured list) or of /overdue; pages count from 0. */
  | { type: 'page'; list: 'open' | 'overdue'; district?: number; page: number }
  | { type: 'card'; number: number }
  /** "Close": asks to confirm, since a request closed by mistake cannot be reopened. */
  | { type: 'close'; number: number }
  | { type: 'closeConfirmed'; number: number }
  /** "Cancel" and "Assign" need a reason or a volunteer: the answer says what to type. */
  | { type: 'cancel'; number: number }
  | { type: 'assign'; number: number }
  /** "Yes, erase" after /erase asked: erasure cannot be undone, so it is never one step. */
  | { type: 'eraseConfirmed'; number: number }
  /** «Одобрить» under an application to volunteer (`number`: the application's, not a request's). */
  | { type: 'approve'; number: number }
  /** «Отклонить» under it: the answer asks for the reason the applicant will read. */
  | { type: 'reject'; number: number };

/**
 * What the platform that renders the console's replies can carry: the console shapes its pages and
 * button payloads to fit. Each adapter declares its own.
 */
export interface ConsoleLimits {
  /** Buttons under one message. */
  buttonsPerMessage: number;
  /** Buttons in one row. */
  buttonsPerRow: number;
  /** Bytes of a button's action once encoded (what is left of the platform's payload after the adapter's own prefix). */
  actionBytes: number;
}

const ACTION_TAGS = { card: 'c', close: 'x', closeConfirmed: 'y', cancel: 'k', assign: 'a', eraseConfirmed: 'e', approve: 'v', reject: 'r' } as const;

/** A button's action as a short string ("c:17", "p:o:2:0"): at most 23 characters, whatever the numbers. */
export function encodeConsoleAction(action: ConsoleAction): string {
  if (action.type === 'page') return `p:${action.list === 'open' ? 'o' : 'v'}:${action.district ?? '-'}:${action.page}`;
  return `${ACTION_TAGS[action.type]}:${action.number}`;
}

/** Reads a button's action back; anything malformed or forged gives null. */
export function decodeConsoleAction(data: string): ConsoleAction | null {
  const parts = data.split(':');
  const int = (s: string | undefined, min: number) => (s !== undefined && /^(0|[1-9]\d{0,8})$/.test(s) && Number(s) >= min ? Number(s) : null);
  if (parts[0] === 'p' && parts.length === 4 && (parts[1] === 'o' || parts[1] === 'v')) {
    const page = int(parts[3], 0);
    const district = parts[2] === '-' ? undefined : int(parts[2], 0);
    if (page === null || district === null) return null;
    return { type: 'page', list: parts[1] === 'o' ? 'open' : 'overdue', page, ...(district !== undefined ? { district } : {}) };
  }
  const type = (Object.keys(ACTION_TAGS) as (keyof typeof ACTION_TAGS)[]).find((k) => ACTION_TAGS[k] === parts[0]);
  const number = parts.length === 2 ? int(parts[1], 1) : null;
  return type && number !== null ? { type, number } : null;
}

/**
 * The codec sized to a platform's payload: an action that would not fit is a programming error and
 * throws (rather than a button the platform rejects), and a payload longer than the platform could
 * have sent is forged and reads as null.
 */
export function createConsoleActionCodec(limits: Pick<ConsoleLimits, 'actionBytes'>) {
  return {
    encode(action: ConsoleAction): string {
      const data = encodeConsoleAction(action);
      if (Buffer.byteLength(data, 'utf8') > limits.actionBytes)
        throw new RangeError(`a console action takes ${data.length} bytes, the platform carries ${limits.actionBytes}`);
      return data;
    },
    decode(data: string): ConsoleAction | null {
      return Buffer.byteLength(data, 'utf8') > limits.actionBytes ? null : decodeConsoleAction(data);
    },
  };
}

export type ConsoleActionCodec = ReturnType<typeof createConsoleActionCodec>;
