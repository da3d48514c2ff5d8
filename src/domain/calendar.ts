/**
 * The headquarters' calendar: local days, wall-clock times and periods in an IANA time zone. Every
 * place that turns an instant into a local date or a local time back into an instant goes through
 * here, so daylight-saving switches and skipped midnights are handled once.
 */

/** A day on the headquarters' calendar (its time zone), not an instant. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** What a zone's wall clock shows at an instant (to the second). */
export interface WallTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

/** A time of day on the wall clock. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** A span of whole local days: requests created in [from, to) belong to it. */
export interface Period {
  from: Date;
  to: Date;
  firstDay: LocalDate;
  lastDay: LocalDate;
}

/** Why a period was not understood; the reply shows the syntax either way. */
export type PeriodError = 'unknown' | 'bad_date' | 'reversed' | 'too_long';

/** The longest period a coordinator may ask for at once: a year and a bit, so a yearly report fits. */
export const MAX_PERIOD_DAYS = 400;
/** What an empty period means: the last 7 days, today included. */
export const DEFAULT_PERIOD_DAYS = 7;

const DAY_MS = 86_400_000;

// Building a formatter costs far more than using one, and the report and the dashboard read the
// clock once per request: one formatter per zone serves them all.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // h23: some engines print midnight as 24:00 with the default hour cycle.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** What the wall clock of a zone shows at an instant. */
export function wallTimeAt(at: Date | number, timeZone: string): WallTime {
  const parts = formatterOf(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}

/** The calendar day an instant falls on in a time zone. */
export function localDateOf(at: Date | number, timeZone: string): LocalDate {
  const { year, month, day } = wallTimeAt(at, timeZone);
  return { year, month, day };
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
export function offsetAt(at: Date | number, timeZone: string): number {
  const instant = typeof at === 'number' ? at : at.getTime();
  return wallAsUtc(wallTimeAt(instant, timeZone)) - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant the wall clock of a zone shows a time on a local day. The zone's offsets a day
 * before and a day after are tried (they differ only across a daylight-saving switch); of the
 * candidates, the earliest whose wall clock has reached the target wins: a time repeated by a
 * fall-back switch gives its first occurrence, a time skipped by a spring-forward switch is pushed
 * forward by the length of the gap.
 */
export function instantAt(date: LocalDate, time: TimeOfDay, timeZone: string): Date {
  const target = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetAt(target + shift, timeZone)));
  const candidates = [...offsets].map((offset) => target - offset).sort((a, b) => a - b);
  const reached = candidates.find((instant) => wallAsUtc(wallTimeAt(instant, timeZone)) >= target);
  return new Date(reached ?? candidates[candidates.length - 1]!);
}

/** The instant a local day begins in a time zone; where midnight itself is skipped, the first instant after the gap. */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  return instantAt(date, { hour: 0, minute: 0 }, timeZone);
}

/** The local day `days` after (or before, when negative) a day. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Days from `from` to `to` (negative when `to` comes first). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS;
}

/** 0 for Sunday … 6 for Saturday. */
export function weekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** "2025-03-07" for a local day, as file names and ISO-minded spreadsheets like it. */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/** "2025-03-07" (or "2025-3-7") → the day; null for a day the calendar does not have or a year outside 2000–2100. */
export function parseIsoDate(text: string): LocalDate | null {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  const valid = year >= 2000 && year <= 2100 && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  return valid ? { year, month, day } : null;
}

/** The whole local days from `first` to `last`, both included, as instants [from, to). */
export function periodOf(first: LocalDate, last: LocalDate, timeZone: string): Period {
  return { from: startOfLocalDay(first, timeZone), to: startOfLocalDay(addDays(last, 1), timeZone), firstDay: first, lastDay: last };
}

/** The last `days` local days with the one `now` falls on. */
export function lastDaysOf(now: Date, days: number, timeZone: string): Period {
  const today = localDateOf(now, timeZone);
  return periodOf(addDays(today, -(days - 1)), today, timeZone);
}

/** Every local day of a period, first to last. */
export function daysOf(period: Period): LocalDate[] {
  return Array.from({ length: daysBetween(period.firstDay, period.lastDay) + 1 }, (_, i) => addDays(period.firstDay, i));
}

/**
 * Reads a period as coordinators type it, in the given time zone: `today`, `yesterday`, `week` (this
 * week from Monday), `month` (this month), `7d` (the last 7 days with today), `2025-03-01` or
 * `2025-03-01..2025-03-07` (both days included); Russian words (сегодня, вчера, неделя, месяц, 7д)
 * too. Empty means the last 7 days.
 */
export function parsePeriod(input: string, now: Date, timeZone: string): { ok: true; period: Period } | { ok: false; error: PeriodError } {
  const text = input.trim().toLowerCase().replace(/\s+/g, '');
  const today = localDateOf(now, timeZone);
  const span = (first: LocalDate, last: LocalDate) => ({ ok: true as const, period: periodOf(first, last, timeZone) });
  const lastDays = (n: number) => span(addDays(today, -(n - 1)), today);

  if (text === '') return lastDays(DEFAULT_PERIOD_DAYS);
  if (text === 'today' || text === 'сегодня') return span(today, today);
  if (text === 'yesterday' || text === 'вчера') {
    const yesterday = addDays(today, -1);
    return span(yesterday, yesterday);
  }
  if (text === 'week' || text === 'неделя') return span(addDays(today, -((weekday(today) + 6) % 7)), today);
  if (text === 'month' || text === 'месяц') return span({ ...today, day: 1 }, today);

  const days = /^(\d{1,4})(d|д|дн|дня|дней|days?)$/.exec(text);
  if (days) {
    const n = Number(days[1]);
    if (n < 1) return { ok: false, error: 'unknown' };
    return n > MAX_PERIOD_DAYS ? { ok: false, error: 'too_long' } : lastDays(n);
  }

  const range = /^(\d{4}-\d{1,2}-\d{1,2})(?:(?:\.\.|—|–|-)(\d{4}-\d{1,2}-\d{1,2}))?$/.exec(text);
  if (range) {
    const first = parseIsoDate(range[1]!);
    const last = range[2] ? parseIsoDate(range[2]) : first;
    if (!first || !last) return { ok: false, error: 'bad_date' };
    const length = daysBetween(first, last) + 1;
    if (length < 1) return { ok: false, error: 'reversed' };
    if (length > MAX_PERIOD_DAYS) return { ok: false, error: 'too_long' };
    return span(first, last);
  }
  return { ok: false, error: 'unknown' };
}

function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

const pad = (n: number) => String(n).padStart(2, '0');
