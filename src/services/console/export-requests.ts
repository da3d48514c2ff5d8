import type { PersonRef, RequestChannel } from '../../domain/request.js';
import type { AccessLog, Logger, RequestRepository } from '../ports.js';
import { exportRows, toCsv, type ExportLabels } from '../request-export.js';
import type { Period } from '../../domain/calendar.js';

/** An export made: the CSV and how many requests it holds. */
export interface RequestExport {
  csv: string;
  rows: number;
}

/**
 * The CSV export of a period's requests, from the bot's /export or the web console's button. Basic
 * columns by default; `full` adds the personal ones, which the caller allows only where they may be shown.
 */
export function createRequestExport(deps: { requests: RequestRepository; labels: () => ExportLabels; accessLog: AccessLog; logger: Logger; now: () => Date }) {
  return async (options: { period: Period; full: boolean; by: PersonRef; via: RequestChannel }): Promise<RequestExport> => {
    const requests = await deps.requests.listCreatedBetween(options.period.from, options.period.to);
    const csv = toCsv(exportRows(requests, deps.labels(), { full: options.full }));
    if (options.full) {
      // Every request whose personal data left in the file, on its own access record.
      const at = deps.now();
      const viewer = { platform: options.by.platform, userId: options.by.userId };
      await deps.accessLog.recordAll(
        requests.filter((r) => !r.personalErasedAt).map((r) => ({ requestNumber: r.number, viewer, channel: options.via, kind: 'export' as const, at })),
      );
    }
    // Who took personal data out, and how much: an audit line without any of the data itself.
    deps.logger.info(
      { platform: options.by.platform, by: options.by.userId, rows: requests.length, full: options.full, via: options.via },
      'requests exported',
    );
    return { csv, rows: requests.length };
  };
}

export type ExportRequests = ReturnType<typeof createRequestExport>;
