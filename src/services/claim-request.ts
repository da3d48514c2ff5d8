import { RecipientUnreachableError } from '../domain/errors.js';
import { isClosed } from '../domain/lifecycle.js';
import type { HelpRequest, Volunteer } from '../domain/request.js';
import type { ChatRef, DistrictChatRepository, Logger, RequestRepository } from './ports.js';
import type { TaskDetails } from './task-details.js';
import { describeError } from './describe-error.js';
import type { ClaimPermission } from './volunteer-vetting.js';
import type { VolunteerStatus } from '../domain/volunteer.js';

export interface ClaimDeps {
  requests: RequestRepository;
  /** Enqueues the messages a request's new state calls for (RequestEffects.enqueueFor). */
  afterChange: (request: HelpRequest) => Promise<unknown>;
  districtChats: DistrictChatRepository;
  headquartersChats: readonly ChatRef[];
  /** Sends the winner the task card and records it (src/services/task-details.ts). */
  details: TaskDetails;
  /** At most this many requests in one volunteer's hands at once (MAX_OPEN_CLAIMS_PER_VOLUNTEER). */
  maxHeld: number;
  /** Whether the presser may take requests at all (CLAIM_REQUIRES_APPROVAL; src/services/volunteer-vetting.ts). */
  mayClaim?: (volunteer: Volunteer) => Promise<ClaimPermission>;
  /** Told of every claim kept, to report a volunteer who takes too many too fast (src/services/claim-burst.ts). */
  afterClaim?: (volunteer: Volunteer, number: number) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

/** How a press of "Take request" ended, for the adapter to answer the presser. */
export type ClaimOutcome =
  | { kind: 'won'; request: HelpRequest }
  | { kind: 'taken' }
  | { kind: 'closed' }
  | { kind: 'not_found' }
  /** The press came from a chat the request was never meant for (a forged or replayed button). */
  | { kind: 'wrong_chat' }
  /** The presser won but cannot be written to privately, so the claim was given back. */
  | { kind: 'unreachable' }
  /** Sending the details failed for another reason; the claim was given back, pressing again may work. */
  | { kind: 'failed' }
  /** The presser already holds `max` requests; this one stays open for someone else. */
  | { kind: 'too_many'; max: number }
  /** The presser is not an approved volunteer: `status` says where they stand (`none`: never applied). */
  | { kind: 'not_approved'; status: VolunteerStatus | 'none' };

/**
 * A volunteer presses "Take request". The first press wins through one atomic update; the winner
 * gets the details privately at once (whether they can be written to decides the claim), while the
 * edits of the group posts and the requester's news go through the outbox.
 */
export function createClaimRequest(deps: ClaimDeps) {
  /**
   * The claim of each request being tried in this process, and whether it ended with the request
   * taken. In a storm of presses the first one tries and the others wait for it: if it won they are
   * told at once, without one conditional update each that could only fail. Across processes the
   * database still decides.
   */
  const trying = new Map<number, Promise<boolean>>();

  async function attempt(number: number, volunteer: Volunteer): Promise<ClaimOutcome> {
    let settle: (taken: boolean) => void = () => undefined;
    trying.set(number, new Promise((resolve) => (settle = resolve)));
    let outcome: ClaimOutcome = { kind: 'failed' };
    try {
      // Settled as soon as the claim stands (the details reached the winner), not after its news.
      outcome = await tryToClaim(deps, number, volunteer, () => settle(true));
      return outcome;
    } finally {
      settle(outcome.kind === 'won' || outcome.kind === 'taken');
      trying.delete(number);
    }
  }

  return async function claimRequest(number: number, volunteer: Volunteer, fromChat?: ChatRef): Promise<ClaimOutcome> {
    // Everything that may refuse a press is read side by side, so a press that cannot win costs one
    // round trip to the database (two for someone not approved, who may still be a coordinator) and
    // one that loses the race two. A volunteer at the limit is answered before the claim, so a press
    // of theirs never takes a request from someone else even for a moment.
    const [{ request, held }, permission] = await Promise.all([
      deps.requests.findWithHeld(number, volunteer, deps.maxHeld + 1),
      deps.mayClaim ? deps.mayClaim(volunteer) : ANYONE,
    ]);
    if (!request) return { kind: 'not_found' };
    if (fromChat && !(await isVolunteerChatOf(deps, request, fromChat))) return { kind: 'wrong_chat' };
    if (!permission.ok) return { kind: 'not_approved', status: permission.status };
    if (request.status !== 'new') return isClosed(request.status) ? { kind: 'closed' } : { kind: 'taken' };
    if (held.length >= deps.maxHeld) return { kind: 'too_many', max: deps.maxHeld };
    // Another press of this process is trying: it is taken if that one won; if not, try here.
    const other = trying.get(number);
    if (other && (await other)) return { kind: 'taken' };
    return attempt(number, volunteer);
  };
}

/** The conditional update that decides the claim, and what a won claim then needs. */
async function tryToClaim(deps: ClaimDeps, number: number, volunteer: Volunteer, stands: () => void): Promise<ClaimOutcome> {
  const claimed = await deps.requests.claim(number, volunteer, deps.now());
  // It was waiting a moment ago: another press was first (not read again, to keep the loser's press short).
  if (!claimed) return { kind: 'taken' };
  // Presses on several posts at once all pass the check above; of what they won, the volunteer
  // keeps the earliest claims up to the limit and the rest go back at once, before any card or news.
  if (!(await heldBy(deps, volunteer)).slice(0, deps.maxHeld).some((r) => r.number === number)) {
    const undone = await deps.requests.undoClaim(number, volunteer, 'claim_limit', deps.now());
    if (undone) await deps.requests.clearEffectsMark(number, undone.history.length);
    return { kind: 'too_many', max: deps.maxHeld };
  }

  try {
    await deps.details.show(claimed, volunteer, 'task_card', { deliveryKey: `details:${number}:${claimed.history.length}` });
  } catch (error) {
    // Nobody must hold a request they cannot see: give it back so the next volunteer can take it.
    const unreachable = error instanceof RecipientUnreachableError;
    const undone = await deps.requests.undoClaim(number, volunteer, unreachable ? 'volunteer_unreachable' : 'details_not_sent', deps.now());
    // Nothing was announced for this claim, so there is nothing to take back: the posts still
    // show the button and the requester heard nothing.
    if (undone) await deps.requests.clearEffectsMark(number, undone.history.length);
    deps.logger.warn({ err: unreachable ? undefined : describeError(error), request: number }, 'claim undone: the details could not be sent');
    return { kind: unreachable ? 'unreachable' : 'failed' };
  }

  stands();
  deps.logger.info({ request: number, platform: volunteer.platform }, 'request claimed');
  // The posts show who took it and the requester hears of it through the outbox.
  await announce(deps, claimed);
  await deps.afterClaim?.(volunteer, number).catch((error: unknown) => {
    // The claim stands whatever happens to the report.
    deps.logger.warn({ err: describeError(error), request: number }, 'reporting a burst of claims failed');
  });
  return { kind: 'won', request: claimed };
}

const ANYONE: ClaimPermission = { ok: true };

/** The requests a volunteer holds, earliest claim first; one more than the limit is enough to know. */
function heldBy(deps: ClaimDeps, volunteer: Volunteer): Promise<HelpRequest[]> {
  return deps.requests.listByVolunteer(volunteer, deps.maxHeld + 1);
}

/**
 * A request may be claimed from a chat it was posted to, or from a chat that serves its district now
 * (a press can arrive before the post is recorded), or from the HQ chat.
 */
async function isVolunteerChatOf(deps: ClaimDeps, request: HelpRequest, chat: ChatRef): Promise<boolean> {
  const same = (c: ChatRef) => c.platform === chat.platform && c.chatId === chat.chatId;
  if (request.posts.some(same)) return true;
  if (deps.headquartersChats.some(same)) return true;
  return (await deps.districtChats.chatsOf(request.district)).some(same);
}

/** Puts the messages that follow from a change into the outbox; a failure is left to the sweep. */
async function announce(deps: ClaimDeps, request: HelpRequest): Promise<void> {
  try {
    await deps.afterChange(request);
  } catch (error) {
    deps.logger.error({ err: describeError(error), request: request.number }, 'enqueueing the messages of a claim failed; the sweep will');
  }
}

export type ClaimRequest = ReturnType<typeof createClaimRequest>;
