import { PLATFORMS_WITH_USERNAMES, type HelpRequest, type PersonRef, type Platform, type Volunteer } from '../../domain/request.js';
import type { KnownPerson, PeopleRepository } from '../ports.js';

/** How a console names a person: a numeric id of a platform, or an @username where the platform has them. */
export type PersonName = { kind: 'id'; userId: string } | { kind: 'username'; username: string };

/** "123", "id123", "vk.com/id123" → an id; "@ivan" or "ivan" → a username; anything else → null. */
export function parsePersonName(text: string): PersonName | null {
  const value = text.trim().replace(/^(?:https?:\/\/)?(?:t\.me\/|vk\.com\/|vk\.ru\/)/i, '');
  const id = /^(?:id)?(\d{1,15})$/i.exec(value);
  if (id) return { kind: 'id', userId: id[1]! };
  const username = /^@?([A-Za-z][A-Za-z0-9_]{2,31})$/.exec(value);
  return username ? { kind: 'username', username: username[1]! } : null;
}

/** "telegram:900": a person as a map key. */
export function personKey(person: PersonRef): string {
  return `${person.platform}:${person.userId}`;
}

/** The platforms whose people have public @usernames the bot sees; elsewhere a person is named by id. */
const USERNAME_PLATFORMS: ReadonlySet<Platform> = new Set<Platform>(PLATFORMS_WITH_USERNAMES);

export type PersonLookup = { kind: 'found'; person: KnownPerson } | { kind: 'unknown' } | { kind: 'unsupported' };

/** Why a volunteer cannot be given a request, or who they are. */
export type VolunteerLookup = { kind: 'found'; volunteer: Volunteer } | { kind: 'unknown' } | { kind: 'unsupported' };

/**
 * Finding the people a coordinator names, for both consoles: by id or @username among those the bot
 * has seen, the volunteers the bot can write to, and the names shown in a request's history.
 */
export function createPeopleLookup(deps: { people: PeopleRepository; fallbackName: (person: PersonRef) => string }) {
  /**
   * A person named on a platform. `mustBeKnown: false` lets an id the bot has not seen yet through
   * (a role may go to a new coordinator who has not written yet); a username must always be known.
   */
  async function find(platform: Platform, name: PersonName, options: { mustBeKnown: boolean } = { mustBeKnown: true }): Promise<PersonLookup> {
    if (name.kind === 'username') {
      if (!USERNAME_PLATFORMS.has(platform)) return { kind: 'unsupported' };
      const person = await deps.people.findByUsername(platform, name.username);
      return person ? { kind: 'found', person } : { kind: 'unknown' };
    }
    const person = await deps.people.find({ platform, userId: name.userId });
    if (person) return { kind: 'found', person };
    return options.mustBeKnown ? { kind: 'unknown' } : { kind: 'found', person: { platform, userId: name.userId, lastSeenAt: new Date(0) } };
  }

  return {
    find,

    /**
     * A volunteer to assign a request to. The task card can reach only someone who wrote to the bot
     * privately: anyone else is refused now rather than have the outbox report a failed delivery later.
     */
    async volunteer(platform: Platform, name: PersonName): Promise<VolunteerLookup> {
      const found = await find(platform, name);
      if (found.kind === 'unsupported') return found;
      if (found.kind === 'unknown' || !found.person.privateChatAt) return { kind: 'unknown' };
      const { person } = found;
      return { kind: 'found', volunteer: { platform: person.platform, userId: person.userId, displayName: person.displayName ?? deps.fallbackName(person) } };
    },

    /** Public names of the people in a request's history the request itself does not name (coordinators, operators). */
    async namesOf(request: HelpRequest): Promise<Map<string, string>> {
      const refs = new Map<string, PersonRef>();
      for (const event of request.history) if (event.actor) refs.set(personKey(event.actor), event.actor);
      const known = await deps.people.findMany([...refs.values()]);
      const names = new Map(known.filter((p) => p.displayName).map((p) => [personKey(p), p.displayName!]));
      // The operator who took a call is named as the request recorded them.
      if (request.takenBy) names.set(personKey(request.takenBy), request.takenBy.displayName);
      return names;
    },

    /** The people holding a role, with what the bot knows of them (their names), in the order given. */
    async describe<T extends PersonRef>(refs: readonly T[]): Promise<(KnownPerson | PersonRef)[]> {
      const known = new Map((await deps.people.findMany(refs)).map((p) => [personKey(p), p]));
      return refs.map((ref) => known.get(personKey(ref)) ?? { platform: ref.platform, userId: ref.userId });
    },
  };
}

export type PeopleLookup = ReturnType<typeof createPeopleLookup>;
