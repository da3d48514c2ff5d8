import type { PersonRef } from '../domain/request.js';

/** Tells whether a person is a coordinator; for now the configured ids, per platform. */
export type IsCoordinator = (person: PersonRef) => boolean;

export function createIsCoordinator(ids: { telegram: readonly string[]; vk: readonly string[] }): IsCoordinator {
  const sets = { telegram: new Set(ids.telegram), vk: new Set(ids.vk) };
  return (person) => sets[person.platform].has(person.userId);
}
