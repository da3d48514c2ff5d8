import { requestDraftSchema, type ClientKey, type HelpRequest, type PersonRef, type RequestChannel, type Requester } from '../domain/request.js';
import { newCodeWord } from '../domain/code-word.js';
import type { Logger, NewRequest, RequestRepository } from './ports.js';
import { describeError } from './describe-error.js';
import type { Route } from './request-effects.js';

export interface SubmitDeps {
  requests: RequestRepository;
  /**
   * Hands a stored request on to the volunteers (enqueues its posts). A dispatcher that says where
   * the posts went (RequestEffects.enqueueFor answers `{ routed }`) lets the confirmation say so.
   */
  dispatch: (request: HelpRequest) => Promise<unknown>;
  logger: Logger;
  now: () => Date;
  /** The HQ's words a request's code word is made of (src/domain/code-word.ts). */
  codeWords: readonly string[];
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
  /** `routed`: where its posts went; absent when the dispatcher did not say (or failed). */
  | { kind: 'created'; request: HelpRequest; routed?: Route }
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
    const request = await deps.requests.create(newRequest(deps, input, at));
    const routed = await dispatch(deps, request);
    return { kind: 'created', request, ...(routed ? { routed } : {}) };
  };
}

export type SubmitRequest = ReturnType<typeof createSubmitRequest>;

/**
 * Stores a request sent under a client's key (a partner line's own id, a console form's token) once:
 * the same key again returns the request the first submission made, and dispatches nothing more.
 */
export function createSubmitOnce(deps: SubmitDeps) {
  return async function submitOnce(input: SubmitInput & { clientKey: ClientKey }): Promise<{ request: HelpRequest; created: boolean; routed?: Route }> {
    const stored = await deps.requests.createOnce({ ...newRequest(deps, input, deps.now()), clientKey: input.clientKey });
    if (!stored.created) return stored;
    const routed = await dispatch(deps, stored.request);
    return { ...stored, ...(routed ? { routed } : {}) };
  };
}

export type SubmitOnce = ReturnType<typeof createSubmitOnce>;

function newRequest(deps: SubmitDeps, input: SubmitInput, at: Date): NewRequest {
  return {
    draft: requestDraftSchema.parse(input.draft),
    channel: input.channel,
    ...(input.requester ? { requester: input.requester } : {}),
    ...(input.takenBy ? { takenBy: input.takenBy } : {}),
    codeWord: newCodeWord(deps.codeWords),
    at,
  };
}

/** Dispatches a stored request; answers where its posts went, when the dispatcher says. */
async function dispatch(deps: SubmitDeps, request: HelpRequest): Promise<Route | undefined> {
  deps.logger.info({ request: request.number, district: request.district, channel: request.channel }, 'request created');
  // The request is stored: a failure to post it is logged, not shown to the requester as a failure.
  const result = await deps.dispatch(request).catch((error: unknown) => {
    deps.logger.error({ err: describeError(error), request: request.number }, 'dispatch failed');
  });
  return routeOf(result);
}

function routeOf(result: unknown): Route | undefined {
  if (typeof result !== 'object' || result === null || !('routed' in result)) return undefined;
  return result.routed === 'district' || result.routed === 'headquarters' ? result.routed : undefined;
}
