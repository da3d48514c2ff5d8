import type { PersonRef, Platform } from '../../domain/request.js';
import type { VettingEvent, VolunteerRecord, VolunteerStatus } from '../../domain/volunteer.js';
import type { VolunteerRoster } from '../../services/ports.js';
import type { CounterModel } from '../models/counter-model.js';
import type { VolunteerModel } from '../models/volunteer-model.js';

const VOLUNTEER_SEQUENCE = 'volunteer';
/** How often apply looks again after losing a race; each loss means somebody else wrote meanwhile. */
const APPLY_ATTEMPTS = 5;

/** The roster in MongoDB, one document per platform account; every change is one atomic single-document write. */
export function createMongoVolunteerRoster(models: { volunteers: VolunteerModel; counters: CounterModel }): VolunteerRoster {
  const { volunteers, counters } = models;

  async function nextNumber(): Promise<number> {
    // The roster's own sequence, so application numbers run 1, 2… apart from the requests' numbers.
    const counter = await counters.findOneAndUpdate({ name: VOLUNTEER_SEQUENCE }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
    return counter!.seq;
  }

  /**
   * Inserts a record for a person unless one exists, in one upsert keyed by the account: of two at
   * once one inserts and the other gets its document (a number is spent only in that race). Null
   * when MongoDB raced two upserts into a duplicate key error: the caller reads again.
   */
  async function insertOnce(person: PersonRef, fields: Omit<StoredVolunteer, 'number' | 'platform' | 'userId'>) {
    const number = await nextNumber();
    try {
      const doc = await volunteers
        .findOneAndUpdate(keyOf(person), { $setOnInsert: { number, ...fields } }, { upsert: true, returnDocument: 'after' })
        .lean<StoredVolunteer>();
      return { doc: doc!, inserted: doc!.number === number };
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  return {
    async apply(application) {
      const { person, at } = application;
      const fresh = { status: 'pending' as const, details: { ...application.details }, districts: [...application.districts], skills: [...application.skills] };
      const event: VettingEvent = { status: 'pending', at };
      for (let attempt = 0; attempt < APPLY_ATTEMPTS; attempt++) {
        // Read first: someone already on the roster is the usual case of a second application, and
        // answering it spends no number.
        let current = await volunteers.findOne(keyOf(person)).lean<StoredVolunteer>();
        if (!current) {
          const result = await insertOnce(person, { ...fresh, statusSince: at, appliedAt: at, rulesAcceptedAt: at, history: [event] });
          if (!result) continue;
          if (result.inserted) return { record: toVolunteerRecord(result.doc) };
          current = result.doc;
        }
        if (current.status !== 'rejected') return { existing: toVolunteerRecord(current) };
        // A fresh application over a rejection: conditional on the rejection still standing, so a
        // coordinator's approval at the same moment is not overwritten.
        const reapplied = await volunteers
          .findOneAndUpdate(
            { ...keyOf(person), status: 'rejected' },
            { $set: { ...fresh, statusSince: at, appliedAt: at, rulesAcceptedAt: at }, $push: { history: event } },
            { returnDocument: 'after' },
          )
          .lean<StoredVolunteer>();
        if (reapplied) return { record: toVolunteerRecord(reapplied) };
      }
      throw new Error('volunteer roster: the application kept changing under apply');
    },

    async find(person) {
      const doc = await volunteers.findOne(keyOf(person)).lean<StoredVolunteer>();
      return doc ? toVolunteerRecord(doc) : null;
    },

    async findByNumber(number) {
      const doc = await volunteers.findOne({ number }).lean<StoredVolunteer>();
      return doc ? toVolunteerRecord(doc) : null;
    },

    async decide(number, from, event) {
      // The expected statuses are part of the filter: of two coordinators pressing at once one matches.
      const doc = await volunteers
        .findOneAndUpdate(
          { number, status: { $in: [...from] } },
          { $set: { status: event.status, statusSince: event.at }, $push: { history: storedEvent(event) } },
          { returnDocument: 'after' },
        )
        .lean<StoredVolunteer>();
      return doc ? toVolunteerRecord(doc) : null;
    },

    async list(query) {
      const filter = { ...(query.status ? { status: query.status } : {}), ...(query.district !== undefined ? { districts: query.district } : {}) };
      const [docs, total] = await Promise.all([
        volunteers
          .find(filter)
          .sort({ appliedAt: -1, number: -1 })
          .skip(query.offset ?? 0)
          .limit(query.limit)
          .lean<StoredVolunteer[]>(),
        volunteers.countDocuments(filter),
      ]);
      return { items: docs.map(toVolunteerRecord), total };
    },

    async approveExisting(people, at) {
      const unique = [...new Map(people.map((p) => [`${p.platform}:${p.userId}`, { platform: p.platform, userId: p.userId }])).values()];
      if (unique.length === 0) return 0;
      // Those on the roster already are skipped before any number is spent on them.
      const known = await volunteers.find({ $or: unique.map(keyOf) }, { platform: 1, userId: 1 }).lean<{ platform: string; userId: string }[]>();
      const knownKeys = new Set(known.map((k) => `${k.platform}:${k.userId}`));
      let added = 0;
      // One after another, so the numbers follow the order the people were given in.
      for (const person of unique) {
        if (knownKeys.has(`${person.platform}:${person.userId}`)) continue;
        const fields = {
          status: 'approved' as const,
          statusSince: at,
          districts: [],
          skills: [],
          appliedAt: at,
          history: [{ status: 'approved' as const, at }],
        };
        // A duplicate key error means somebody recorded them meanwhile: they are left as they are.
        const result = await insertOnce(person, fields);
        if (result?.inserted) added++;
      }
      return added;
    },

    async forgetRejectedBefore(cutoff) {
      const result = await volunteers.updateMany({ status: 'rejected', statusSince: { $lt: cutoff }, details: { $exists: true } }, { $unset: { details: 1 } });
      return result.modifiedCount;
    },

    async forgetDetails(person) {
      const result = await volunteers.updateOne({ ...keyOf(person), details: { $exists: true } }, { $unset: { details: 1 } });
      return result.modifiedCount === 1;
    },
  };
}

function keyOf(person: PersonRef): { platform: Platform; userId: string } {
  return { platform: person.platform, userId: person.userId };
}

/** MongoDB's duplicate key error: two upserts of one new key at once, or a unique index refusing a write. */
function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** An event as stored: no `by` or `reason` keys unless they were given (never a null in their place). */
function storedEvent(event: VettingEvent): VettingEvent {
  return {
    status: event.status,
    at: event.at,
    ...(event.by ? { by: { platform: event.by.platform, userId: event.by.userId } } : {}),
    ...(event.reason !== undefined ? { reason: event.reason } : {}),
  };
}

interface StoredVolunteer {
  number: number;
  platform: string;
  userId: string;
  status: string;
  statusSince?: Date | null;
  details?: { name: string; phone: string } | null;
  districts?: string[];
  skills?: string[];
  appliedAt: Date;
  rulesAcceptedAt?: Date | null;
  history?: { status: string; at: Date; by?: { platform: string; userId: string } | null; reason?: string | null }[];
}

/** Maps a stored document to the domain's plain object: no _id, and absent rather than null for what is not there. */
function toVolunteerRecord(doc: StoredVolunteer): VolunteerRecord {
  return {
    number: doc.number,
    person: { platform: doc.platform as Platform, userId: doc.userId },
    status: doc.status as VolunteerStatus,
    ...(doc.details ? { details: { name: doc.details.name, phone: doc.details.phone } } : {}),
    districts: [...(doc.districts ?? [])],
    skills: [...(doc.skills ?? [])],
    appliedAt: doc.appliedAt,
    ...(doc.rulesAcceptedAt ? { rulesAcceptedAt: doc.rulesAcceptedAt } : {}),
    history: (doc.history ?? []).map((e) => ({
      status: e.status as VolunteerStatus,
      at: e.at,
      ...(e.by ? { by: { platform: e.by.platform as Platform, userId: e.by.userId } } : {}),
      ...(e.reason !== undefined && e.reason !== null ? { reason: e.reason } : {}),
    })),
  };
}
