import { daysOf, isoDate, lastDaysOf, localDateOf } from '../domain/calendar.js';
import { REQUEST_STATUSES, type HelpKind, type RequestStatus } from '../domain/request.js';
import type { RequestRepository } from './ports.js';
import { computeStats } from './request-stats.js';

/** The leaders' daily picture: the last weeks by day and status, where and what, how fast, how it went, and now. */
export interface Dashboard {
  /** The days shown, oldest first, as YYYY-MM-DD in the headquarters' time zone. */
  days: { day: string; byStatus: Record<RequestStatus, number> }[];
  total: number;
  byDistrict: [string, number][];
  byHelpKind: [HelpKind, number][];
  /** Medians over the window's requests: creation to first claim, creation to done. */
  toClaim: { medianMs: number | null; count: number };
  toDone: { medianMs: number | null; count: number };
  /** How many of the window's requests someone filed for the person helped (a relative, a neighbour). */
  forSomeoneElse: number;
  /** The requesters' ratings (1–5) of the window's requests. */
  feedback: { average: number | null; count: number };
  /** As of now, whatever their age: open (new or claimed), and new ones waiting longer than the overdue time. */
  openNow: number;
  overdueNow: number;
}

export interface DashboardDeps {
  requests: RequestRepository;
  timeZone: string;
  /** How long a request may wait for a volunteer before it counts as overdue (as /overdue has it). */
  overdueAfterMs: number;
  now: () => Date;
}

/** How far back the dashboard looks by default: four weeks with today. */
export const DASHBOARD_DAYS = 28;

/**
 * Computes the dashboard from the requests created in the last `days` local days (today included)
 * and the open ones now. The window's requests are read once; a city HQ's few thousand a month fit.
 */
export function createDashboard(deps: DashboardDeps) {
  return async function dashboard(days = DASHBOARD_DAYS): Promise<Dashboard> {
    const now = deps.now();
    const window = lastDaysOf(now, days, deps.timeZone);
    const [requests, open, overdue] = await Promise.all([
      deps.requests.listCreatedBetween(window.from, window.to),
      deps.requests.search({ statuses: ['new', 'claimed'], skip: 0, limit: 0 }),
      deps.requests.search({ statuses: ['new'], createdTo: new Date(now.getTime() - deps.overdueAfterMs), skip: 0, limit: 0 }),
    ]);
    const perDay = new Map(daysOf(window).map((d) => [isoDate(d), Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as Record<RequestStatus, number>]));
    for (const r of requests) {
      const counts = perDay.get(isoDate(localDateOf(r.createdAt, deps.timeZone)));
      if (counts) counts[r.status]++;
    }
    const ratings = requests.flatMap((r) => (r.feedback ? [r.feedback.rating] : []));
    const stats = computeStats(requests);
    return {
      days: [...perDay.entries()].map(([day, byStatus]) => ({ day, byStatus })),
      total: stats.total,
      byDistrict: stats.byDistrict,
      byHelpKind: stats.byHelpKind,
      toClaim: stats.toClaim,
      toDone: stats.toDone,
      forSomeoneElse: stats.forSomeoneElse.count,
      feedback: { average: ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null, count: ratings.length },
      openNow: open.total,
      overdueNow: overdue.total,
    };
  };
}

export type DashboardQuery = ReturnType<typeof createDashboard>;
