import type { LocalDate } from '../domain/calendar.js';
import type { HelpRequest } from '../domain/request.js';
import { toPublicView } from '../domain/request.js';
import type { DailyReport } from '../services/daily-report.js';
import type { Catalog } from '../scenario/text.js';
import { formatDuration } from './durations.js';
import type { RequestTexts } from '../services/texts.js';

/** The longest bar of the report's per-day lines; the busiest day gets it. */
const BAR_WIDTH = 12;

/** The texts the scheduled jobs send; requests appear without personal data (these go to group chats). */
export function createJobTexts(catalog: Catalog, texts: RequestTexts) {
  const wait = (ms: number) => formatDuration(catalog, ms);
  const day = (d: LocalDate) => `${String(d.day).padStart(2, '0')}.${String(d.month).padStart(2, '0')}`;
  return {
    reminder: (r: HelpRequest, waitedMs: number) =>
      catalog.t('jobs.reminder', { number: r.number, waited: wait(waitedMs), district: r.district, helpKind: texts.helpKind(r.helpKind) }),
    unclaimedAlert: (r: HelpRequest, waitedMs: number) =>
      catalog.t('jobs.unclaimedAlert', { number: r.number, waited: wait(waitedMs), card: texts.groupPost(toPublicView(r), false) }),
    nudge: (r: HelpRequest, waitedMs: number) => catalog.t('jobs.nudge', { number: r.number, waited: wait(waitedMs) }),
    staleAlert: (r: HelpRequest, waitedMs: number) =>
      catalog.t('jobs.staleAlert', { number: r.number, waited: wait(waitedMs), volunteer: r.volunteer?.displayName ?? '' }),
    feedbackQuestion: (number: number, reminder: boolean) => catalog.t(reminder ? 'jobs.feedbackReminder' : 'jobs.feedbackQuestion', { number }),
    lowRating: (r: HelpRequest, rating: number) =>
      catalog.t('jobs.lowRating', {
        number: r.number,
        rating,
        district: r.district,
        helpKind: texts.helpKind(r.helpKind),
        volunteer: r.volunteer?.displayName ?? catalog.t('jobs.none'),
      }),

    /** The caption of the report's chart: which days, and what the colours mean. */
    reportChartCaption: (report: DailyReport) => catalog.t('jobs.reportChart', { from: day(report.perDay[0]!.day), to: day(report.perDay.at(-1)!.day) }),

    /** The daily report as one message: counts, medians, ratings, districts, and a bar per day. */
    dailyReport(report: DailyReport, overdueAfterMs: number): string {
      const duration = (ms: number | null) => (ms === null ? catalog.t('jobs.none') : wait(ms));
      const lines = [
        catalog.t('jobs.reportHeader', { date: `${day(report.day)}.${report.day.year}` }),
        catalog.t('jobs.reportCreated', { count: report.created.total }),
        catalog.t('jobs.reportChanges', { claimed: report.claimed, done: report.done, cancelled: report.cancelled }),
        catalog.t('jobs.reportOpen', { open: report.openNow, overdue: report.overdueNow, overdueAfter: wait(overdueAfterMs) }),
        catalog.t('jobs.reportMedians', { toClaim: duration(report.toClaimMedianMs), toDone: duration(report.toDoneMedianMs) }),
        report.feedback.average === null
          ? catalog.t('jobs.reportNoFeedback')
          : catalog.t('jobs.reportFeedback', { count: report.feedback.count, average: report.feedback.average.toFixed(1) }),
      ];
      const districts = Object.entries(report.byDistrict).sort((a, b) => b[1].created - a[1].created || a[0].localeCompare(b[0]));
      if (districts.length > 0) {
        lines.push('', catalog.t('jobs.reportDistricts'));
        for (const [district, c] of districts) lines.push(catalog.t('jobs.reportDistrictLine', { district, ...c }));
      }
      // A bar per day: the two weeks' shape at a glance, in any font and on any phone.
      const totals = report.perDay.map((d) => Object.values(d.byStatus).reduce((a, b) => a + b, 0));
      const most = Math.max(1, ...totals);
      lines.push('', catalog.t('jobs.reportPerDay'));
      report.perDay.forEach((d, i) => {
        const bar = '▇'.repeat(Math.round((totals[i]! / most) * BAR_WIDTH));
        lines.push(`${day(d.day)} ${bar || '·'} ${totals[i]}`);
      });
      return lines.join('\n');
    },
  };
}

export type JobTexts = ReturnType<typeof createJobTexts>;
