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

/** Stores a finished questionnaire as a numbered request and hands it to the volunteers. */
export function createSubmitRequest(deps: SubmitDeps) {
  return async function submitRequest(input: SubmitInput): Promise<HelpRequest> {
    const request = await deps.requests.create(newRequest(input, deps.now()));
    await dispatch(deps, request);
    return request;
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
