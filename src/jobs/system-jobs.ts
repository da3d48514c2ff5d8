import type { JobTexts } from '../messages/job-texts.js';
import type { DailyReportService } from '../services/daily-report.js';
import type { ChatRef, Outbox } from '../services/ports.js';
import type { Scheduler } from './scheduler.js';

/** The recurring jobs of the whole headquarters. */
export const SYSTEM_JOBS = {
  dailyReport: 'daily-report',
  retention: 'retention',
} as const;

/** How often the retention sweep looks for data past its time: it is cheap when there is none. */
const RETENTION_EVERY_MS = 3_600_000;

export interface SystemJobsDeps {
  scheduler: Scheduler;
  outbox: Outbox;
  wake: () => void;
  headquartersChats: readonly ChatRef[];
  texts: JobTexts;
  dailyReport: DailyReportService;
  /** "09:00" in the headquarters' time zone, or "off". */
  reportTime: string;
  overdueAfterMs: number;
  retentionSweep: () => Promise<unknown>;
  now: () => Date;
}

/** The daily report to the HQ chats and the hourly retention sweep, each run by one process at a time. */
export function createSystemJobs(deps: SystemJobsDeps) {
  return {
    define(): void {
      deps.scheduler.define(SYSTEM_JOBS.dailyReport, async ({ log }) => {
        const report = await deps.dailyReport();
        const text = deps.texts.dailyReport(report, deps.overdueAfterMs);
        const day = `${report.day.year}-${report.day.month}-${report.day.day}`;
        // Keyed by the day: a report run twice (a crash, a second process) is sent once.
        const chart = {
          caption: deps.texts.reportChartCaption(report),
          columns: report.perDay.map((d) => [d.byStatus.new, d.byStatus.claimed, d.byStatus.done, d.byStatus.cancelled]),
        };
        await deps.outbox.enqueue(
          deps.headquartersChats.flatMap((hq) => [
            { key: `job:report:${day}:${hq.platform}:${hq.chatId}`, message: { kind: 'text' as const, ...hq, text } },
            { key: `job:report-chart:${day}:${hq.platform}:${hq.chatId}`, message: { kind: 'chart' as const, ...hq, ...chart } },
          ]),
          deps.now(),
        );
        deps.wake();
        log.info({ day, created: report.created.total, chats: deps.headquartersChats.length }, 'daily report sent');
      });
      deps.scheduler.define(SYSTEM_JOBS.retention, async () => {
        await deps.retentionSweep();
      });
    },

    /** Puts the recurring jobs in place (every process may call it; each exists once). */
    async schedule(): Promise<void> {
      if (deps.reportTime !== 'off') {
        const [hours, minutes] = deps.reportTime.split(':').map(Number);
        await deps.scheduler.every(SYSTEM_JOBS.dailyReport, `${minutes} ${hours} * * *`);
      } else {
        await deps.scheduler.cancel({ name: SYSTEM_JOBS.dailyReport });
      }
      await deps.scheduler.every(SYSTEM_JOBS.retention, RETENTION_EVERY_MS);
    },
  };
}
