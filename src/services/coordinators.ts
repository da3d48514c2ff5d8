import type { PersonRef } from '../domain/request.js';

/** Tells whether a person is a coordinator. */
export type IsCoordinator = (person: PersonRef) => Promise<boolean>;

/** The configured coordinators, per platform, and those granted the role since (if a lookup is given). */
export function createIsCoordinator(
  ids: { telegram: readonly string[]; vk: readonly string[] },
  granted: (person: PersonRef) => Promise<boolean> = async () => false,
): IsCoordinator {
  const sets = { telegram: new Set(ids.telegram), vk: new Set(ids.vk) };
  return async (person) => sets[person.platform].has(person.userId) || (await granted(person));
}
