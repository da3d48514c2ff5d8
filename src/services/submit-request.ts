import { requestDraftSchema, type HelpRequest, type PersonRef, type Platform } from '../domain/request.js';
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
  channel: Platform;
  requester: PersonRef & { chatId: string };
}

/** Stores a finished questionnaire as a numbered request and hands it to the volunteers. */
export function createSubmitRequest(deps: SubmitDeps) {
  return async function submitRequest(input: SubmitInput): Promise<HelpRequest> {
    const draft = requestDraftSchema.parse(input.draft);
    const request = await deps.requests.create({ draft, channel: input.channel, requester: input.requester, at: deps.now() });
    deps.logger.info({ request: request.number, district: request.district, channel: request.channel }, 'request created');
    // The request is stored: a failure to post it is logged, not shown to the requester as a failure.
    await deps.dispatch(request).catch((error: unknown) => {
      deps.logger.error({ err: describeError(error), request: request.number }, 'dispatch failed');
    });
    return request;
  };
}

export type SubmitRequest = ReturnType<typeof createSubmitRequest>;
