import { z } from 'zod';
import { addDays, instantAt, wallTimeAt } from './calendar.js';

/**
 * Quiet hours: the part of the day, on the wall clock of the headquarters' time zone, when the bot
 * does not write to requesters (mostly elderly people: a message at 23:00 wakes them). Messages to
 * volunteers and coordinators are not held; what is held waits for `end`.
 */
export interface QuietHours {
  /** First quiet minute, "HH:MM" (inclusive). */
  start: string;
  /** First allowed minute again, "HH:MM" (exclusive end of the quiet window). */
  end: string;
}

/** Whether a moment is quiet, and the earliest moment at or after it when writing is allowed. */
export interface QuietHoursStatus {
  quiet: boolean;
  /** The moment itself when it is not quiet; otherwise the end of the current quiet window. */
  nextAllowedAt: Date;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * "21:00-09:00" → { start, end }; "off" → null (no quiet hours). A window may cross midnight
 * (21:00-09:00) or not (13:00-15:00); equal ends are refused because they could mean either
 * "never" or "always".
 */
export const quietHoursSchema = z
  .string()
  .trim()
  .refine((text) => text.toLowerCase() === 'off' || parseWindow(text) !== undefined, 'must be HH:MM-HH:MM (e.g. 21:00-09:00) or off')
  .transform((text) => (text.toLowerCase() === 'off' ? null : parseWindow(text)!))
  .refine((hours) => hours === null || hours.start !== hours.end, 'start and end must differ (use off for no quiet hours)');

/** Tells whether `at` falls in the quiet window on the wall clock of `timeZone` (IANA), and when writing is allowed. */
export function quietHoursStatus(at: Date, hours: QuietHours | null, timeZone: string): QuietHoursStatus {
  if (!hours) return { quiet: false, nextAllowedAt: at };
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const local = wallTimeAt(at, timeZone);
  const minute = local.hour * 60 + local.minute;
  const crossesMidnight = start > end;
  const quiet = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!quiet) return { quiet: false, nextAllowedAt: at };
  // Past midnight the window ends today; before midnight (crossing windows only) it ends tomorrow.
  const endsTomorrow = crossesMidnight && minute >= start;
  const day = endsTomorrow ? addDays(local, 1) : local;
  return { quiet: true, nextAllowedAt: instantAt(day, { hour: Math.floor(end / 60), minute: end % 60 }, timeZone) };
}

/** The earliest moment at or after `at` when a requester may be written to. */
export function nextAllowedMoment(at: Date, hours: QuietHours | null, timeZone: string): Date {
  return quietHoursStatus(at, hours, timeZone).nextAllowedAt;
}

/** The configured quiet hours as the services ask about them; the moment is always passed in, from the system's clock. */
export interface QuietHoursRule {
  /** Whether `at` falls inside quiet hours. */
  isQuiet(at: Date): boolean;
  /** `at` itself outside quiet hours; otherwise the moment they end. */
  endOf(at: Date): Date;
}

/** The rule of one window in one time zone ("off": never quiet). */
export function quietHoursRule(hours: QuietHours | null, timeZone: string): QuietHoursRule {
  return {
    isQuiet: (at) => quietHoursStatus(at, hours, timeZone).quiet,
    endOf: (at) => quietHoursStatus(at, hours, timeZone).nextAllowedAt,
  };
}

function parseWindow(text: string): QuietHours | undefined {
  const [start, end, extra] = text.split('-').map((part) => part.trim());
  if (extra !== undefined || !start || !end || !TIME.test(start) || !TIME.test(end)) return undefined;
  return { start, end };
}

function minutesOf(time: string): number {
  const match = TIME.exec(time);
  if (!match) throw new RangeError(`not a time of day (HH:MM): ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}
