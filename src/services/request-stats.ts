import { CATEGORIES, HELP_KINDS, PLATFORMS, REQUEST_STATUSES, type HelpRequest, type HelpKind, type RequestStatus } from '../domain/request.js';
import type { RequestRepository } from './ports.js';

/** A day on the headquarters' calendar (its time zone), not an instant. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
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
    const length = dayNumber(last) - dayNumber(first) + 1;
    if (length < 1) return { ok: false, error: 'reversed' };
    if (length > MAX_PERIOD_DAYS) return { ok: false, error: 'too_long' };
    return span(first, last);
  }
  return { ok: false, error: 'unknown' };
}

/** Counts of requests by what coordinators ask about, and how long people waited. */
export interface RequestStats {
  total: number;
  byStatus: Record<RequestStatus, number>;
  /** District names with their counts, most first (equal counts by name). */
  byDistrict: [string, number][];
  byHelpKind: [HelpKind, number][];
  byCategory: [string, number][];
  /** Every messenger, with 0 if none came through it, and whichever other channels (phone, api:…) had some. */
  byChannel: Record<string, number>;
  /** Median time from creation to the first claim, over the requests ever claimed. */
  toClaim: { medianMs: number | null; count: number };
  /** Median time from creation to done, over the done requests. */
  toDone: { medianMs: number | null; count: number };
}

/** The statistics of a set of requests (those created in a period). Pure. */
export function computeStats(requests: readonly HelpRequest[]): RequestStats {
  const byStatus = Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as Record<RequestStatus, number>;
  const byChannel: Record<string, number> = Object.fromEntries(PLATFORMS.map((p) => [p, 0]));
  const districts = new Map<string, number>();
  const kinds = new Map<HelpKind, number>();
  const categories = new Map<string, number>();
  const toClaim: number[] = [];
  const toDone: number[] = [];
  for (const r of requests) {
    byStatus[r.status]++;
    byChannel[r.channel] = (byChannel[r.channel] ?? 0) + 1;
    districts.set(r.district, (districts.get(r.district) ?? 0) + 1);
    kinds.set(r.helpKind, (kinds.get(r.helpKind) ?? 0) + 1);
    categories.set(r.category, (categories.get(r.category) ?? 0) + 1);
    if (r.firstClaimedAt) toClaim.push(r.firstClaimedAt.getTime() - r.createdAt.getTime());
    if (r.status === 'done' && r.closedAt) toDone.push(r.closedAt.getTime() - r.createdAt.getTime());
  }
  const ranked = <K extends string>(counts: Map<K, number>, order: readonly string[] = []) =>
    [...counts.entries()].sort((a, b) => b[1] - a[1] || rank(order, a[0]) - rank(order, b[0]) || a[0].localeCompare(b[0]));
  return {
    total: requests.length,
    byStatus,
    byDistrict: ranked(districts),
    byHelpKind: ranked(kinds, HELP_KINDS),
    byCategory: ranked(categories, CATEGORIES),
    byChannel,
    toClaim: { medianMs: median(toClaim), count: toClaim.length },
    toDone: { medianMs: median(toDone), count: toDone.length },
  };
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Statistics of the requests created in a period, read from the repository. */
export function createRequestStats(deps: { requests: RequestRepository }) {
  return async (period: Period): Promise<RequestStats> => computeStats(await deps.requests.listCreatedBetween(period.from, period.to));
}

/** The calendar day an instant falls on in a time zone. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/**
 * The instant a local day begins in a time zone. The zone's offset is read at the first guess and
 * once more at the result, which settles it across a daylight-saving switch; where midnight itself is
 * skipped the day begins at the first instant after the gap.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const wallAsUtc = Date.UTC(date.year, date.month - 1, date.day);
  let instant = wallAsUtc - offsetAt(wallAsUtc, timeZone);
  instant = wallAsUtc - offsetAt(instant, timeZone);
  // A spring-forward gap at midnight may leave the guess on the evening before: the day begins at the
  // first minute whose wall clock shows it, found by halving a window of a few hours.
  const before = (t: number) => dayNumber(localDateOf(new Date(t), timeZone)) < dayNumber(date);
  if (before(instant)) {
    let low = instant;
    let high = instant + 3 * 3_600_000;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (before(middle)) low = middle;
      else high = middle;
    }
    instant = high;
  }
  return new Date(instant);
}

/** "2025-03-07" for a local day, as file names and ISO-minded spreadsheets like it. */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

function periodOf(first: LocalDate, last: LocalDate, timeZone: string): Period {
  return { from: startOfLocalDay(first, timeZone), to: startOfLocalDay(addDays(last, 1), timeZone), firstDay: first, lastDay: last };
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

function parseIsoDate(text: string): LocalDate | null {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  const valid = year >= 2000 && year <= 2100 && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  return valid ? { year, month, day } : null;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Days since 1970-01-01 of a calendar date, to compare and subtract dates. */
function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

/** 0 for Sunday … 6 for Saturday. */
function weekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function rank(order: readonly string[], value: string): number {
  const index = order.indexOf(value);
  return index === -1 ? order.length : index;
}

const pad = (n: number) => String(n).padStart(2, '0');
