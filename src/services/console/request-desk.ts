import type { HelpRequest, PersonRef, Platform, RequestChannel } from '../../domain/request.js';
import type { RequestRepository } from '../ports.js';
import type { LifecycleOutcome, RequestLifecycle } from '../request-lifecycle.js';
import type { PeopleLookup, PersonName } from './people-lookup.js';

/** An assignment's outcome: the lifecycle's, or the volunteer could not be found or named so. */
export type AssignOutcome = LifecycleOutcome | { kind: 'unknown_volunteer' } | { kind: 'usernames_unsupported' };

/** A request as a console shows it: the request and the names of the people in its history. */
export interface RequestCard {
  request: HelpRequest;
  names: Map<string, string>;
}

/**
 * What a coordinator does to one request, from the bot or the web console alike: look at its card,
 * close it, cancel it, give it to a volunteer. Every change goes through the lifecycle rules.
 */
export function createRequestDesk(deps: { requests: RequestRepository; lifecycle: RequestLifecycle; lookup: PeopleLookup }) {
  return {
    /** The request with the names for its history; null when there is no such number. */
    async card(number: number): Promise<RequestCard | null> {
      const request = await deps.requests.findByNumber(number);
      return request ? { request, names: await deps.lookup.namesOf(request) } : null;
    },

    /** Closes as done; a blank comment is none. */
    close(number: number, by: PersonRef, channel: RequestChannel, comment = ''): Promise<LifecycleOutcome> {
      return deps.lifecycle(number, by, channel, { type: 'complete', ...(comment.trim() ? { comment } : {}) });
    },

    /** Cancels; without a reason the lifecycle refuses, with its own words for it. */
    cancel(number: number, by: PersonRef, channel: RequestChannel, reason = ''): Promise<LifecycleOutcome> {
      return deps.lifecycle(number, by, channel, { type: 'cancel', ...(reason.trim() ? { reason } : {}) });
    },

    /** Gives the request to a volunteer of a platform who has written to the bot privately. */
    async assign(number: number, by: PersonRef, channel: RequestChannel, volunteer: { platform: Platform; name: PersonName }): Promise<AssignOutcome> {
      const found = await deps.lookup.volunteer(volunteer.platform, volunteer.name);
      if (found.kind === 'unsupported') return { kind: 'usernames_unsupported' };
      if (found.kind === 'unknown') return { kind: 'unknown_volunteer' };
      return deps.lifecycle(number, by, channel, { type: 'assign', volunteer: found.volunteer });
    },
  };
}

export type RequestDesk = ReturnType<typeof createRequestDesk>;
