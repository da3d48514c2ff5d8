import { decide, decideExpiry, type Decision, type LifecycleAction, type Refusal } from '../domain/lifecycle.js';
import type { HelpRequest, PersonRef, RequestChannel } from '../domain/request.js';
import type { IsCoordinator } from './coordinators.js';
import { describeError } from './describe-error.js';
import type { Logger, RequestRepository } from './ports.js';

export interface LifecycleDeps {
  requests: RequestRepository;
  isCoordinator: IsCoordinator;
  /** Enqueues the messages a request's new state calls for (RequestEffects.enqueueFor). */
  afterChange: (request: HelpRequest) => Promise<unknown>;
  logger: Logger;
  now: () => Date;
}

/** How an action on a request ended, for the adapter to answer the person. */
export type LifecycleOutcome = { kind: 'changed'; request: HelpRequest } | { kind: 'refused'; refusal: Refusal; request: HelpRequest } | { kind: 'not_found' };

/**
 * A change that lost a race is decided again on the fresh request; a few rounds settle any real
 * contention (each round means somebody else's change landed).
 */
const ATTEMPTS = 5;

/**
 * Everything that happens to a request after it was filed and claimed: a volunteer gives it back or
 * finishes it, the requester withdraws it, a coordinator closes, cancels or (re)assigns it. The
 * domain decides whether it is allowed; the change is stored only if the request is still as it was
 * seen, so a volunteer and a coordinator acting at once leave it in one consistent state.
 */
export function createRequestLifecycle(deps: LifecycleDeps) {
  return async function act(number: number, by: PersonRef, channel: RequestChannel, action: LifecycleAction): Promise<LifecycleOutcome> {
    const isCoordinator = await deps.isCoordinator(by);
    return applyDecided(deps, number, action.type, channel, (request) => decide(request, action, { person: by, channel, isCoordinator }, deps.now()));
  };
}

/**
 * Closes a request open longer than the limit as expired, by the system itself: the same
 * compare-and-set and the same news through the outbox as any other change.
 */
export function createRequestExpiry(deps: Omit<LifecycleDeps, 'isCoordinator'>) {
  return (number: number): Promise<LifecycleOutcome> => applyDecided(deps, number, 'expire', undefined, (request) => decideExpiry(request, deps.now()));
}

/** Decides on the fresh request, stores the change if it is still as seen (else decides again), and announces it. */
async function applyDecided(
  deps: Omit<LifecycleDeps, 'isCoordinator'>,
  number: number,
  what: string,
  channel: RequestChannel | undefined,
  decideOn: (request: HelpRequest) => Decision,
): Promise<LifecycleOutcome> {
  for (let attempt = 1; ; attempt++) {
    const request = await deps.requests.findByNumber(number);
    if (!request) return { kind: 'not_found' };
    const decision = decideOn(request);
    if (!decision.ok) return { kind: 'refused', refusal: decision.refusal, request };
    const changed = await deps.requests.applyTransition(number, decision.transition);
    if (changed) {
      deps.logger.info(
        {
          request: number,
          event: decision.transition.event.type,
          ...(decision.transition.event.note === 'expired' ? { note: 'expired' } : {}),
          ...(channel ? { platform: channel } : {}),
        },
        'request changed',
      );
      // Puts the messages that follow from a change into the outbox; a failure is left to the sweep.
      try {
        await deps.afterChange(changed);
      } catch (error) {
        deps.logger.error({ err: describeError(error), request: changed.number }, 'enqueueing the messages of a change failed; the sweep will');
      }
      return { kind: 'changed', request: changed };
    }
    if (attempt >= ATTEMPTS) throw new Error(`request ${number} kept changing under ${what}`);
  }
}

export type RequestLifecycle = ReturnType<typeof createRequestLifecycle>;
