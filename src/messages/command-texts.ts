import { MissingRightsError, NotCoordinatorError, UnknownDistrictError } from '../domain/errors.js';
import type { ClaimOutcome } from '../services/claim-request.js';
import type { LifecycleOutcome } from '../services/request-lifecycle.js';
import type { Catalog } from '../scenario/text.js';

/**
 * The answers to volunteers' and coordinators' actions, the same in every channel. Adapters choose
 * only how to show them (an alert, a snackbar, a message).
 */

/** What to tell whoever pressed "Take request"; `alert` when it must be read, not just glimpsed. */
export function claimOutcomeText(catalog: Catalog, outcome: ClaimOutcome, number: number): { text: string; alert: boolean } {
  switch (outcome.kind) {
    case 'won':
      return { text: catalog.t('claim.won', { number }), alert: false };
    case 'taken':
      return { text: catalog.t('claim.taken'), alert: true };
    case 'closed':
      return { text: catalog.t('claim.closed'), alert: true };
    case 'unreachable':
      return { text: catalog.t('claim.openBotFirst'), alert: true };
    case 'failed':
      return { text: catalog.t('bot.errors.generic'), alert: true };
    case 'too_many':
      return { text: catalog.t('claim.tooMany', { max: outcome.max }), alert: true };
    case 'not_found':
    case 'wrong_chat':
      return { text: catalog.t('claim.notFound'), alert: true };
    case 'not_approved':
      return { text: catalog.t(`vetting.claim.${outcome.status}`), alert: true };
  }
}

/** The answer to /bind: done, moved, or why not. Unexpected errors are rethrown. */
export function bindReplyText(
  catalog: Catalog,
  districts: readonly string[],
  input: string,
  result: { district: string; previousDistrict: string | null } | { error: unknown },
): string {
  if ('error' in result) {
    if (result.error instanceof NotCoordinatorError) return catalog.t('bot.errors.notCoordinator');
    if (result.error instanceof MissingRightsError)
      return catalog.t('bind.missingRights', {
        district: result.error.district,
        missing: result.error.missing.map((right) => catalog.t(`bind.right.${right}`)).join(', '),
      });
    if (result.error instanceof UnknownDistrictError) {
      const list = districts.join(', ');
      return input ? catalog.t('bind.unknown', { input, districts: list }) : catalog.t('bind.usage', { districts: list });
    }
    throw result.error;
  }
  return result.previousDistrict
    ? catalog.t('bind.moved', { district: result.district, previous: result.previousDistrict })
    : catalog.t('bind.done', { district: result.district });
}

/** The answer to /unbind. Unexpected errors are rethrown. */
export function unbindReplyText(catalog: Catalog, result: { district: string | null } | { error: unknown }): string {
  if ('error' in result) {
    if (result.error instanceof NotCoordinatorError) return catalog.t('bot.errors.notCoordinator');
    throw result.error;
  }
  return result.district ? catalog.t('bind.unbound', { district: result.district }) : catalog.t('bind.notBound');
}

/**
 * Why an action on a request did not happen, in plain words; null when it did (the caller says what
 * changed in its own words).
 */
export function lifecycleRefusalText(catalog: Catalog, outcome: LifecycleOutcome, number: number): string | null {
  if (outcome.kind === 'not_found') return catalog.t('lifecycle.notFound', { number });
  if (outcome.kind === 'refused') return catalog.t(`lifecycle.refused.${outcome.refusal}`, { number });
  return null;
}
