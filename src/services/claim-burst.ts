import type { Volunteer } from '../domain/request.js';
import type { ChatRef, Outbox, RequestRepository } from './ports.js';

export interface ClaimBurstDeps {
  requests: RequestRepository;
  outbox: Outbox;
  headquartersChats: readonly ChatRef[];
  /** More claims than this within the window are reported (CLAIM_BURST). */
  claims: number;
  windowMs: number;
  /** The report: the volunteer's public name, the count and the last request's number. */
  text: (volunteer: Volunteer, count: number, number: number) => string;
  wake: () => void;
  now: () => Date;
}

/**
 * Watches what one volunteer takes: more than CLAIM_BURST requests within the window is what someone
 * collecting addresses would do, so the HQ chats are told (the volunteer and request numbers, nothing
 * of the requesters). Told once, when the count passes the limit; a later burst is told again.
 */
export function createClaimBurstWatch(deps: ClaimBurstDeps) {
  return async function afterClaim(volunteer: Volunteer, number: number): Promise<void> {
    const since = new Date(deps.now().getTime() - deps.windowMs);
    const count = await deps.requests.countClaimsSince(volunteer, since);
    if (count !== deps.claims + 1) return;
    const text = deps.text(volunteer, count, number);
    await deps.outbox.enqueue(
      deps.headquartersChats.map((hq) => ({
        key: `burst:${volunteer.platform}:${volunteer.userId}:${number}:${hq.platform}:${hq.chatId}`,
        message: { kind: 'text' as const, ...hq, text },
      })),
      deps.now(),
    );
    deps.wake();
  };
}

export type ClaimBurstWatch = ReturnType<typeof createClaimBurstWatch>;
