import type { HelpRequest, RequestChannel, RequestStatus } from '../../domain/request.js';
import type { RequestRepository } from '../ports.js';
import { startOfLocalDay, type LocalDate } from '../../domain/calendar.js';

/** Requests a page of the web console's board lists. */
export const BOARD_PAGE_SIZE = 25;

/** What the board is filtered by; an absent filter means any. Days are local days of the headquarters' time zone. */
export interface BoardQuery {
  /** A status, or 'open' for new and claimed alike. */
  status?: 'open' | RequestStatus;
  district?: string;
  helpKind?: string;
  channel?: RequestChannel;
  /** Created on this day or later. */
  from?: LocalDate;
  /** Created on this day or earlier. */
  to?: LocalDate;
  /** Counting from 1. */
  page: number;
}

/** The request board of the web console: every request, filtered, newest first, a page at a time. */
export function createRequestBoard(deps: { requests: RequestRepository; timeZone: string }) {
  const dayStart = (day: LocalDate, plus = 0) => startOfLocalDay({ ...day, day: day.day + plus }, deps.timeZone);
  return async (query: BoardQuery): Promise<{ items: HelpRequest[]; total: number; pages: number }> => {
    const { items, total } = await deps.requests.search({
      ...(query.status ? { statuses: query.status === 'open' ? ['new', 'claimed'] : [query.status] } : {}),
      ...(query.district ? { district: query.district } : {}),
      ...(query.helpKind ? { helpKind: query.helpKind } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.from ? { createdFrom: dayStart(query.from) } : {}),
      ...(query.to ? { createdTo: dayStart(query.to, 1) } : {}),
      skip: (query.page - 1) * BOARD_PAGE_SIZE,
      limit: BOARD_PAGE_SIZE,
    });
    return { items, total, pages: Math.max(1, Math.ceil(total / BOARD_PAGE_SIZE)) };
  };
}

export type RequestBoard = ReturnType<typeof createRequestBoard>;
