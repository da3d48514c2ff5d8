import type { HelpRequest, PersonRef, Platform, RequestChannel } from '../../domain/request.js';
import type { AccessKind, AccessLog, AccessRecord, RequestRepository } from '../ports.js';
import type { LifecycleOutcome, RequestLifecycle } from '../request-lifecycle.js';
import { personKey, type PeopleLookup, type PersonName } from './people-lookup.js';

/** An assignment's outcome: the lifecycle's, or the volunteer could not be found or named so. */
export type AssignOutcome = LifecycleOutcome | { kind: 'unknown_volunteer' } | { kind: 'usernames_unsupported' };

/** A request as a console shows it: the request and the names of the people in its history. */
export interface RequestCard {
  request: HelpRequest;
  names: Map<string, string>;
  /** Whether this viewer is shown its personal data (recorded in the access log when so). */
  personal: boolean;
  /** Who was shown its personal data, oldest first: for a viewer who sees every request's. */
  accessRecords: AccessRecord[];
}

/**
 * Who looks at a card where its personal data could be shown (a private chat, the web console):
 * a coordinator sees every request's; an operator of the web console only those they took.
 */
export interface CardViewer {
  person: PersonRef;
  channel: RequestChannel;
  kind: Extract<AccessKind, 'request_card' | 'console_card'>;
  isCoordinator: boolean;
}

/** Whether a viewer is shown a request's personal data: never once erased, otherwise as CardViewer says. */
function showsPersonal(request: HelpRequest, viewer: CardViewer | undefined): viewer is CardViewer {
  if (!viewer || request.personalErasedAt) return false;
  const tookIt = request.takenBy?.platform === viewer.person.platform && request.takenBy.userId === viewer.person.userId;
  return viewer.isCoordinator || tookIt;
}

/**
 * What a coordinator does to one request, from the bot or the web console alike: look at its card,
 * close it, cancel it, give it to a volunteer. Every change goes through the lifecycle rules.
 */
export function createRequestDesk(deps: {
  requests: RequestRepository;
  lifecycle: RequestLifecycle;
  lookup: PeopleLookup;
  accessLog: AccessLog;
  now: () => Date;
}) {
  return {
    /**
     * The request with the names for its history; null when there is no such number. Without a
     * viewer (a group chat read by many) it comes without its personal data.
     */
    async card(number: number, viewer?: CardViewer): Promise<RequestCard | null> {
      const request = await deps.requests.findByNumber(number);
      if (!request) return null;
      const personal = showsPersonal(request, viewer);
      if (personal) {
        const { person, channel, kind } = viewer;
        await deps.accessLog.record({ requestNumber: number, viewer: { platform: person.platform, userId: person.userId }, channel, kind, at: deps.now() });
      }
      const accessRecords = viewer?.isCoordinator ? await deps.accessLog.listForRequest(number) : [];
      const names = await deps.lookup.namesOf(request);
      // Those who saw it are named too, where the bot knows their public name.
      for (const seen of await deps.lookup.describe(accessRecords.map((r) => r.viewer)))
        if ('displayName' in seen && seen.displayName && !names.has(personKey(seen))) names.set(personKey(seen), seen.displayName);
      return { request, names, personal, accessRecords };
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
