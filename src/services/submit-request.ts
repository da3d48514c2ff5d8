import { requestDraftSchema, type ClientKey, type HelpRequest, type PersonRef, type RequestChannel, type Requester } from '../domain/request.js';
import type { Logger, RequestRepository } from './ports.js';
import { describeError } from './describe-error.js';

export interface SubmitDeps {
  requests: RequestRepository;
  /** Hands a stored request on to the volunteers (enqueues its posts). */
  dispatch: (request: HelpRequest) => Promise<unknown>;
  logger: Logger;
  now: () => Date;
}

export interface SubmitInput {
  /** The answers of a finished questionnaire, checked here against the domain schema. */
  draft: unknown;
  channel: RequestChannel;
  /** Who filed it in a messenger; absent for a phone call or a partner line. */
  requester?: Requester;
  /** The operator who took it by phone. */
  takenBy?: PersonRef & { displayName: string };
}

/** What one requester in a messenger may file: open requests at once, and the wait between two. */
export interface RequesterLimits {
  maxOpen: number;
  cooldownMs: number;
}

/** A submission: stored, or refused by a requester limit (the answers stay with the person). */
export type SubmitOutcome =
  | { kind: 'created'; request: HelpRequest }
  /** They already have `open` requests in progress, the most allowed at once. */
  | { kind: 'too_many_open'; open: number }
  /** They filed one a moment ago; the next may go after `retryAfterMs`. */
  | { kind: 'too_soon'; retryAfterMs: number };

/**
 * Stores a finished questionnaire as a numbered request and hands it to the volunteers. A requester
 * in a messenger is held to `limits` (one person filed 5 requests in 1.5 s, and all 5 went to the
 * volunteers); the check and the write are not one atomic step, which is enough because a chat's
 * updates are handled one after another.
 */
export function createSubmitRequest(deps: SubmitDeps & { limits?: RequesterLimits }) {
  return async function submitRequest(input: SubmitInput): Promise<SubmitOutcome> {
    const at = deps.now();
    if (input.requester && deps.limits) {
      const { open, lastCreatedAt } = await deps.requests.requesterActivity(input.requester);
      if (open >= deps.limits.maxOpen) return { kind: 'too_many_open', open };
      const wait = lastCreatedAt ? lastCreatedAt.getTime() + deps.limits.cooldownMs - at.getTime() : 0;
      if (wait > 0) return { kind: 'too_soon', retryAfterMs: wait };
    }
    const request = await deps.requests.create(newRequest(input, at));
    await dispatch(deps, request);
    return { kind: 'created', request };
  };
}

export type SubmitRequest = ReturnType<typeof createSubmitRequest>;

/**
 * Stores a request sent under a client's key (a partner line's own id, a console form's token) once:
 * the same key again returns the request the first submission made, and dispatches nothing more.
 */
export function createSubmitOnce(deps: SubmitDeps) {
  return async function submitOnce(input: SubmitInput & { clientKey: ClientKey }): Promise<{ request: HelpRequest; created: boolean }> {
    const stored = await deps.requests.createOnce({ ...newRequest(input, deps.now()), clientKey: input.clientKey });
    if (stored.created) await dispatch(deps, stored.request);
    return stored;
  };
}

export type SubmitOnce = ReturnType<typeof createSubmitOnce>;

function newRequest(input: SubmitInput, at: Date) {
  return {
    draft: requestDraftSchema.parse(input.draft),
    channel: input.channel,
    ...(input.requester ? { requester: input.requester } : {}),
    ...(input.takenBy ? { takenBy: input.takenBy } : {}),
    at,
  };
}

async function dispatch(deps: SubmitDeps, request: HelpRequest): Promise<void> {
  deps.logger.info({ request: request.number, district: request.district, channel: request.channel }, 'request created');
  // The request is stored: a failure to post it is logged, not shown to the requester as a failure.
  await deps.dispatch(request).catch((error: unknown) => {
    deps.logger.error({ err: describeError(error), request: request.number }, 'dispatch failed');
  });
}
