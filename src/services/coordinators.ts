import type { PersonRef, Platform } from '../domain/request.js';

/** Tells whether a person is a coordinator. */
export type IsCoordinator = (person: PersonRef) => Promise<boolean>;

/** The configured coordinators, per platform, and those granted the role since (if a lookup is given). */
export function createIsCoordinator(
  ids: Readonly<Partial<Record<Platform, readonly string[]>>>,
  granted: (person: PersonRef) => Promise<boolean> = async () => false,
): IsCoordinator {
  const sets = new Map(Object.entries(ids).map(([platform, list]) => [platform, new Set(list)]));
  return async (person) => !!sets.get(person.platform)?.has(person.userId) || (await granted(person));
}
