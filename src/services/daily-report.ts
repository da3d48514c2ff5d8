import { addDays, daysOf, isoDate, localDateOf, periodOf, type LocalDate, type Period } from '../domain/calendar.js';
import type { HelpRequest, RequestStatus } from '../domain/request.js';
import { computeStats } from './request-stats.js';
import type { RequestRepository } from './ports.js';

/** How many days the report's per-day line looks back. */
export const REPORT_DAYS = 14;

/** What happened on one local day, and where things stand now: the leaders' daily picture. */
export interface DailyReport {
  day: LocalDate;
  /** Filed that day, by district (most first). */
  created: { total: number; byDistrict: [string, number][] };
  /** Changes that day, counted by event: taken (claimed or assigned), done, cancelled. */
  claimed: number;
  done: number;
  cancelled: number;
  byDistrict: Record<string, { created: number; claimed: number; done: number; cancelled: number }>;
  /** Open now, and of them waiting for a volunteer longer than the alert time. */
  openNow: number;
  overdueNow: number;
  /** Medians over the requests filed that day (those taken or done so far). */
  toClaimMedianMs: number | null;
  toDoneMedianMs: number | null;
  /** Ratings given that day. */
  feedback: { count: number; average: number | null };
  /** Requests filed per day over the last REPORT_DAYS days (oldest first), by their status now. */
  perDay: { day: LocalDate; byStatus: Record<RequestStatus, number> }[];
}

export interface DailyReportDeps {
  requests: RequestRepository;
  timeZone: string;
  /** A new request unclaimed this long counts as overdue. */
  overdueAfterMs: number;
  now: () => Date;
}

/** The daily report of the day before `now` in the headquarters' time zone. */
export function createDailyReport(deps: DailyReportDeps) {
  return async function dailyReport(): Promise<DailyReport> {
    const now = deps.now();
    const lastDay = addDays(localDateOf(now, deps.timeZone), -1);
    const yesterday = periodOf(lastDay, lastDay, deps.timeZone);
    const fortnight = periodOf(addDays(lastDay, 1 - REPORT_DAYS), lastDay, deps.timeZone);
    const [recent, touched, open, overdue] = await Promise.all([
      deps.requests.listCreatedBetween(fortnight.from, fortnight.to),
      deps.requests.listTouchedBetween(yesterday.from, yesterday.to),
      deps.requests.listOpen({ skip: 0, limit: 0 }),
      deps.requests.listOpen({ status: 'new', createdBefore: new Date(now.getTime() - deps.overdueAfterMs), skip: 0, limit: 0 }),
    ]);
    const within = (at: Date) => at >= yesterday.from && at < yesterday.to;
    const createdYesterday = recent.filter((r) => within(r.createdAt));
    const stats = computeStats(createdYesterday);

    const byDistrict: DailyReport['byDistrict'] = {};
    const district = (name: string) => (byDistrict[name] ??= { created: 0, claimed: 0, done: 0, cancelled: 0 });
    for (const r of createdYesterday) district(r.district).created++;
    const changes = { claimed: 0, done: 0, cancelled: 0 };
    const ratings: number[] = [];
    for (const r of touched) {
      for (const event of r.history.filter((e) => within(e.at))) {
        const counted = event.type === 'assigned' ? 'claimed' : event.type;
        if (counted !== 'claimed' && counted !== 'done' && counted !== 'cancelled') continue;
        changes[counted]++;
        district(r.district)[counted]++;
      }
      if (r.feedback && within(r.feedback.at)) ratings.push(r.feedback.rating);
    }

    return {
      day: yesterday.firstDay,
      created: { total: stats.total, byDistrict: stats.byDistrict },
      ...changes,
      byDistrict,
      openNow: open.total,
      overdueNow: overdue.total,
      toClaimMedianMs: stats.toClaim.medianMs,
      toDoneMedianMs: stats.toDone.medianMs,
      feedback: { count: ratings.length, average: ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null },
      perDay: perDay(recent, fortnight, deps.timeZone),
    };
  };
}

/** Requests filed on each day of the period, by their status now. */
function perDay(requests: readonly HelpRequest[], span: Period, timeZone: string): DailyReport['perDay'] {
  const days = daysOf(span).map((day) => ({ day, byStatus: { new: 0, claimed: 0, done: 0, cancelled: 0 } }));
  const index = new Map(days.map((entry) => [isoDate(entry.day), entry]));
  for (const r of requests) {
    const entry = index.get(isoDate(localDateOf(r.createdAt, timeZone)));
    if (entry) entry.byStatus[r.status]++;
  }
  return days;
}

export type DailyReportService = ReturnType<typeof createDailyReport>;
