import type { HelpRequest, PersonRef } from '../domain/request.js';
import type { RequestRepository } from './ports.js';

/** How many requests /my shows; older ones are rarely needed and would make the message long. */
export const MY_REQUESTS_LIMIT = 10;

/** What a requester may look up about their own requests. */
export function createRequesterQueries(deps: { requests: RequestRepository }) {
  return {
    /** The requester's latest requests, newest first. */
    listMine: (requester: PersonRef): Promise<HelpRequest[]> => deps.requests.listByRequester(requester, MY_REQUESTS_LIMIT),
  };
}

export type RequesterQueries = ReturnType<typeof createRequesterQueries>;
