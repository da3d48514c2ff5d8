import type { HelpRequest, HistoryEvent, PersonRef, RequestChannel, RequestStatus, Volunteer } from './request.js';

/** The status a request must have to be claimed: a volunteer may take only a request nobody holds. */
export const CLAIMABLE_STATUS: RequestStatus = 'new';

/** Done and cancelled requests are over: nobody may claim or change them any more. */
export function isClosed(status: RequestStatus): boolean {
  return status === 'done' || status === 'cancelled';
}

/** The longest reason or comment kept with a transition: a short note, not a report. */
export const MAX_NOTE_LENGTH = 500;

/** What someone asks to do with a request after it was filed (claiming has its own path). */
export type LifecycleAction =
  /** The holding volunteer gives the request back; it waits for another volunteer. */
  | { type: 'release'; reason: string }
  /** The request is done: by its volunteer, or closed by a coordinator. */
  | { type: 'complete'; comment?: string }
  /** The request will not be done: withdrawn by the requester, or cancelled by a coordinator. */
  | { type: 'cancel'; reason?: string }
  /** A coordinator gives the request to a volunteer (taking it from the one holding it, if any). */
  | { type: 'assign'; volunteer: Volunteer }
  /** A short note on a done request, by whoever did it or a coordinator; the status stays. */
  | { type: 'comment'; comment: string };

/** Who acts, through which channel, and whether they coordinate (the role is looked up by the caller). */
export interface Actor {
  person: PersonRef;
  channel: RequestChannel;
  isCoordinator: boolean;
}

/** Why an action is refused; each has a polite text in the catalogs. */
export type Refusal =
  | 'already_done'
  | 'already_cancelled'
  /** The request is not claimed, so there is nothing to give back or finish as its volunteer. */
  | 'not_claimed'
  /** Someone else holds the request (or nobody does and the actor is no coordinator). */
  | 'not_yours'
  /** Only the requester or a coordinator may cancel; only a coordinator may assign. */
  | 'not_allowed'
  | 'reason_required'
  | 'already_assigned';

/**
 * A change of state the rules allow: what the request must still look like when it is written (a
 * compare-and-set, so a change that raced in meanwhile is noticed rather than overwritten), and what
 * it becomes.
 */
export interface Transition {
  expected: { status: RequestStatus; volunteer: PersonRef | null };
  status: RequestStatus;
  /** Who holds the request afterwards; null: nobody. */
  volunteer: Volunteer | null;
  /** A released request is posted to the volunteer chats anew, so it is seen again. */
  repost: boolean;
  event: HistoryEvent;
}

export type Decision = { ok: true; transition: Transition } | { ok: false; refusal: Refusal };

const same = (a: PersonRef | undefined | null, b: PersonRef | undefined | null) => !!a && !!b && a.platform === b.platform && a.userId === b.userId;

/** Trims a free-text note to what is kept; empty means none. */
function note(text: string | undefined): string | undefined {
  const trimmed = text?.trim().slice(0, MAX_NOTE_LENGTH);
  return trimmed ? trimmed : undefined;
}

/**
 * The rules of the lifecycle new → claimed → done, with release (back to new), cancel and
 * (re)assignment: who may do what from which status. Pure: the caller stores the transition.
 */
export function decide(request: HelpRequest, action: LifecycleAction, actor: Actor, at: Date): Decision {
  if (action.type === 'comment') return decideComment(request, action.comment, actor, at);
  if (request.status === 'done') return { ok: false, refusal: 'already_done' };
  if (request.status === 'cancelled') return { ok: false, refusal: 'already_cancelled' };

  const holder = request.volunteer ?? null;
  const isHolder = same(holder, actor.person);
  const expected = { status: request.status, volunteer: holder ? { platform: holder.platform, userId: holder.userId } : null };
  const base = { at, actor: actor.person, channel: actor.channel, ...(holder ? { previousVolunteer: holder } : {}) };
  const allow = (transition: Omit<Transition, 'expected'>): Decision => ({ ok: true, transition: { expected, ...transition } });

  switch (action.type) {
    case 'release': {
      if (request.status !== 'claimed') return { ok: false, refusal: 'not_claimed' };
      if (!isHolder) return { ok: false, refusal: 'not_yours' };
      const reason = note(action.reason);
      if (!reason) return { ok: false, refusal: 'reason_required' };
      return allow({ status: 'new', volunteer: null, repost: true, event: { type: 'released', ...base, comment: reason } });
    }
    case 'complete': {
      // The holder finishes their own request; a coordinator may close any open one (done by phone, say).
      if (!isHolder && !actor.isCoordinator) return { ok: false, refusal: request.status === 'claimed' ? 'not_yours' : 'not_claimed' };
      const comment = note(action.comment);
      return allow({ status: 'done', volunteer: holder, repost: false, event: { type: 'done', ...base, ...(comment ? { comment } : {}) } });
    }
    case 'cancel': {
      const isRequester = same(request.requester, actor.person);
      if (!isRequester && !actor.isCoordinator) return { ok: false, refusal: 'not_allowed' };
      const reason = note(action.reason);
      // A requester withdrawing their own request owes nobody a reason; a coordinator's decision is recorded.
      if (!isRequester && !reason) return { ok: false, refusal: 'reason_required' };
      return allow({
        status: 'cancelled',
        volunteer: holder,
        repost: false,
        event: { type: 'cancelled', ...base, note: isRequester ? 'by_requester' : 'by_coordinator', ...(reason ? { comment: reason } : {}) },
      });
    }
    case 'assign': {
      if (!actor.isCoordinator) return { ok: false, refusal: 'not_allowed' };
      if (same(holder, action.volunteer)) return { ok: false, refusal: 'already_assigned' };
      return allow({ status: 'claimed', volunteer: action.volunteer, repost: false, event: { type: 'assigned', ...base, volunteer: action.volunteer } });
    }
  }
}

/** The note of a cancellation that closed a request open longer than the limit. */
export const EXPIRED_NOTE = 'expired';

/**
 * A request open longer than the limit is closed by the system as expired: nobody is coming, and its
 * personal data must not wait for someone who never closes it. Its volunteer, if any, is let go.
 */
export function decideExpiry(request: HelpRequest, at: Date): Decision {
  if (request.status === 'done') return { ok: false, refusal: 'already_done' };
  if (request.status === 'cancelled') return { ok: false, refusal: 'already_cancelled' };
  const holder = request.volunteer ?? null;
  return {
    ok: true,
    transition: {
      expected: { status: request.status, volunteer: holder ? { platform: holder.platform, userId: holder.userId } : null },
      status: 'cancelled',
      volunteer: holder,
      repost: false,
      event: { type: 'cancelled', at, note: EXPIRED_NOTE, ...(holder ? { previousVolunteer: holder } : {}) },
    },
  };
}

/** A comment is added to a done request without changing it; only its volunteer or a coordinator may. */
function decideComment(request: HelpRequest, text: string, actor: Actor, at: Date): Decision {
  if (request.status === 'cancelled') return { ok: false, refusal: 'already_cancelled' };
  if (request.status !== 'done') return { ok: false, refusal: 'not_claimed' };
  const holder = request.volunteer ?? null;
  if (!same(holder, actor.person) && !actor.isCoordinator) return { ok: false, refusal: 'not_yours' };
  const comment = note(text);
  if (!comment) return { ok: false, refusal: 'reason_required' };
  return {
    ok: true,
    transition: {
      expected: { status: 'done', volunteer: holder ? { platform: holder.platform, userId: holder.userId } : null },
      status: 'done',
      volunteer: holder,
      repost: false,
      event: { type: 'commented', at, actor: actor.person, channel: actor.channel, comment },
    },
  };
}

/** A volunteer's claims in one request's history since a moment, less those given back at once (`claim_undone`). */
export function claimsKept(history: readonly HistoryEvent[], volunteer: PersonRef, since: Date): number {
  const theirs = history.filter((e) => e.actor?.platform === volunteer.platform && e.actor.userId === volunteer.userId && e.at >= since);
  return theirs.filter((e) => e.type === 'claimed').length - theirs.filter((e) => e.type === 'claim_undone').length;
}
