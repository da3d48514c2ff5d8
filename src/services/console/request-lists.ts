import type { HelpRequest } from '../../domain/request.js';
import type { RequestRepository } from '../ports.js';

/** Which list: every open request (of a district, if one is given), or those waiting for a volunteer too long. */
export type ListKind = 'open' | 'overdue';

/** One page of a list; `page` is the page shown, which may be earlier than the one asked for. */
export interface ListPage {
  items: HelpRequest[];
  total: number;
  page: number;
  pages: number;
}

/** The coordinators' lists of open and overdue requests, a page at a time, newest first. */
export function createRequestLists(deps: { requests: RequestRepository; overdueAfterMs: number; now: () => Date }) {
  return async (kind: ListKind, district: string | undefined, page: number, pageSize: number): Promise<ListPage> => {
    const query =
      kind === 'open' ? { ...(district ? { district } : {}) } : { status: 'new' as const, createdBefore: new Date(deps.now().getTime() - deps.overdueAfterMs) };
    let { items, total } = await deps.requests.listOpen({ ...query, skip: page * pageSize, limit: pageSize });
    const pages = Math.max(1, Math.ceil(total / pageSize));
    // A page that emptied meanwhile (requests were taken) shows the last one there is.
    if (items.length === 0 && page > 0 && total > 0) {
      page = pages - 1;
      ({ items, total } = await deps.requests.listOpen({ ...query, skip: page * pageSize, limit: pageSize }));
    }
    return { items, total, page, pages };
  };
}

export type RequestLists = ReturnType<typeof createRequestLists>;
