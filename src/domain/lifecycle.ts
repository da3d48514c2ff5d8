import type { RequestStatus } from './request.js';

/** The status a request must have to be claimed: a volunteer may take only a request nobody holds. */
export const CLAIMABLE_STATUS: RequestStatus = 'new';

/** Done and cancelled requests are over: nobody may claim or change them any more. */
export function isClosed(status: RequestStatus): boolean {
  return status === 'done' || status === 'cancelled';
}
