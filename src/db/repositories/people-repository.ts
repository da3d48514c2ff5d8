import type { KnownPerson, PeopleRepository } from '../../services/ports.js';
import type { PersonModel } from '../models/person-model.js';

type StoredPerson = {
  platform: string;
  userId: string;
  username?: string | null;
  displayName?: string | null;
  lastSeenAt: Date;
  privateChatAt?: Date | null;
};

/** The people registry in MongoDB, one document per person. */
export function createMongoPeopleRepository(model: PersonModel): PeopleRepository {
  return {
    async record({ person, username, displayName, privately, at }) {
      const set: Record<string, unknown> = { lastSeenAt: at };
      const unset: Record<string, 1> = {};
      if (username) Object.assign(set, { username, usernameKey: username.toLowerCase() });
      else if (username === null) Object.assign(unset, { username: 1, usernameKey: 1 });
      if (displayName) set.displayName = displayName;
      if (privately) set.privateChatAt = at;
      const before = await model
        .findOneAndUpdate(
          { platform: person.platform, userId: person.userId },
          { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
          { upsert: true, returnDocument: 'before' },
        )
        .lean();
      return before ? toKnownPerson(before) : null;
    },
    async find(person) {
      const doc = await model.findOne({ platform: person.platform, userId: person.userId }).lean();
      return doc ? toKnownPerson(doc) : null;
    },
    async findByUsername(platform, username) {
      // A username may pass to another account; the one seen with it last holds it now.
      const doc = await model.findOne({ platform, usernameKey: username.toLowerCase() }).sort({ lastSeenAt: -1 }).lean();
      return doc ? toKnownPerson(doc) : null;
    },
    async findMany(people) {
      if (people.length === 0) return [];
      const docs = await model.find({ $or: people.map((p) => ({ platform: p.platform, userId: p.userId })) }).lean();
      return docs.map(toKnownPerson);
    },
  };
}

function toKnownPerson(doc: StoredPerson): KnownPerson {
  return {
    platform: doc.platform as KnownPerson['platform'],
    userId: doc.userId,
    ...(doc.username ? { username: doc.username } : {}),
    ...(doc.displayName ? { displayName: doc.displayName } : {}),
    lastSeenAt: doc.lastSeenAt,
    ...(doc.privateChatAt ? { privateChatAt: doc.privateChatAt } : {}),
  };
}
