import type { PersonRef } from '../domain/request.js';
import type { PeopleRepository, PersonSighting } from './ports.js';

/** How long a sighting that changes nothing is not written again: lastSeenAt is kept to this precision. */
export const SIGHTING_REFRESH_MS = 10 * 60_000;
/** Beyond this many remembered people the memo starts afresh, so it never grows without bound. */
const MEMO_LIMIT = 10_000;

/**
 * Remembers who wrote to the bot or pressed its buttons (see PeopleRepository). A busy person sends
 * many updates a minute; a sighting that changes nothing recorded within SIGHTING_REFRESH_MS is not
 * written again, so the registry costs about one write per person per ten minutes.
 */
export function createPeopleRegistry(deps: { people: PeopleRepository; now: () => Date }) {
  const memo = new Map<string, { at: number; fingerprint: string; privately: boolean; hasName: boolean; name?: string }>();

  return {
    /** Records a sighting; tells whether the registry has a public name for the person (VK fetches one if not). */
    async seen(sighting: Omit<PersonSighting, 'at'>): Promise<{ hasName: boolean }> {
      const at = deps.now();
      const key = `${sighting.person.platform}:${sighting.person.userId}`;
      const fingerprint = JSON.stringify([sighting.username ?? null, sighting.displayName ?? null]);
      const last = memo.get(key);
      const fresh = last && at.getTime() - last.at < SIGHTING_REFRESH_MS && last.fingerprint === fingerprint && (last.privately || !sighting.privately);
      if (fresh) return { hasName: last.hasName || !!sighting.displayName };
      const before = await deps.people.record({ ...sighting, at });
      const name = sighting.displayName ?? before?.displayName ?? last?.name;
      const hasName = !!name;
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, { at: at.getTime(), fingerprint, privately: sighting.privately || !!last?.privately, hasName, ...(name ? { name } : {}) });
      return { hasName };
    },

    /**
     * The public name this process last recorded for a person, if any: a VK press needs one for its
     * claim, and asking VK again for every press would make every answer wait.
     */
    knownName(person: PersonRef): string | undefined {
      return memo.get(`${person.platform}:${person.userId}`)?.name;
    },

    /** Drops what this process remembers of a person who was forgotten, so their next sighting is written. */
    forget(person: PersonRef): void {
      memo.delete(`${person.platform}:${person.userId}`);
    },
  };
}

export type PeopleRegistry = ReturnType<typeof createPeopleRegistry>;
