import type { Types } from 'mongoose';
import { ageBand, type AgeBand } from '../../domain/age-band.js';
import { CLAIMABLE_STATUS, claimsKept, isClosed } from '../../domain/lifecycle.js';
import type { HelpKind, HelpRequest, HistoryEvent, MessageAuthor, OnBehalf, Platform, RequestChannel, RequestStatus, Volunteer } from '../../domain/request.js';
import type { NewRequest, RequestRepository } from '../../services/ports.js';
import type { CounterModel } from '../models/counter-model.js';
import type { RequestModel } from '../models/request-model.js';

const REQUEST_SEQUENCE = 'request';
const OPEN_STATUSES: RequestStatus[] = ['new', 'claimed'];

/** Requests in MongoDB; each change is a single-document atomic write, and reads return plain objects. */
export function createMongoRequestRepository(models: { requests: RequestModel; counters: CounterModel }): RequestRepository {
  const { requests, counters } = models;

  async function nextNumber(): Promise<number> {
    // $inc on one document is atomic, so concurrent submissions never share a number, and a number
    // is never reused even if saving its request then fails.
    const counter = await counters.findOneAndUpdate({ name: REQUEST_SEQUENCE }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
    return counter!.seq;
  }

  return {
    async create(input) {
      const doc = await requests.create({ number: await nextNumber(), channel: input.channel, ...newRequestFields(input) });
      return toHelpRequest(doc.toObject());
    },

    async createOnce(input) {
      const filter = { channel: input.channel, clientKey: input.clientKey.key };
      // Replays are the usual case of a known key: answer them without spending a number.
      const existing = await requests.findOne(filter).lean();
      if (existing) return { request: toHelpRequest(existing), created: false };
      const number = await nextNumber();
      // One atomic upsert keyed by the channel and key: of two equal submissions at once one inserts
      // and the other gets its document (a number is spent only in that race). The channel and key come
      // from the filter, so $setOnInsert names the rest.
      const doc = await requests
        // Timestamps by hand: mongoose's own would replace the service's createdAt with the database's clock.
        .findOneAndUpdate(
          filter,
          { $setOnInsert: { number, clientFingerprint: input.clientKey.fingerprint, ...newRequestFields(input), updatedAt: input.at } },
          { upsert: true, returnDocument: 'after', timestamps: false },
        )
        .lean();
      return { request: toHelpRequest(doc!), created: doc!.number === number };
    },

    async findByNumber(number) {
      const doc = await requests.findOne({ number }).lean();
      return doc ? toHelpRequest(doc) : null;
    },

    async claim(number, volunteer, at) {
      const event: HistoryEvent = {
        type: 'claimed',
        at,
        actor: { platform: volunteer.platform, userId: volunteer.userId },
        channel: volunteer.platform,
        volunteer,
      };
      // The expected status is part of the filter: of many simultaneous presses exactly one matches.
      const doc = await requests
        .findOneAndUpdate(
          { number, status: CLAIMABLE_STATUS },
          { $set: { status: 'claimed', volunteer, claimedAt: at, effectsPending: true }, $min: { firstClaimedAt: at }, $push: { history: event } },
          { returnDocument: 'after' },
        )
        .lean();
      return doc ? toHelpRequest(doc) : null;
    },

    async applyTransition(number, transition) {
      const { expected, event } = transition;
      // Compare-and-set on what the rules saw: a release racing a reassignment cannot both land.
      const filter = {
        number,
        status: expected.status,
        ...(expected.volunteer
          ? { 'volunteer.platform': expected.volunteer.platform, 'volunteer.userId': expected.volunteer.userId }
          : { volunteer: { $exists: false } }),
      };
      const taken = transition.status === 'claimed';
      const update = {
        $set: {
          status: transition.status,
          effectsPending: true,
          ...(transition.volunteer ? { volunteer: transition.volunteer } : {}),
          ...(taken ? { claimedAt: event.at } : {}),
          // Closing time is the moment it closed; a comment added later does not move it.
          ...(isClosed(transition.status) && !isClosed(expected.status) ? { closedAt: event.at } : {}),
        },
        ...(transition.volunteer ? {} : { $unset: { volunteer: 1, claimedAt: 1 } }),
        ...(taken ? { $min: { firstClaimedAt: event.at } } : {}),
        ...(transition.repost ? { $inc: { round: 1 } } : {}),
        $push: { history: event },
      };
      const doc = await requests.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean();
      return doc ? toHelpRequest(doc) : null;
    },

    async search({ statuses, district, helpKind, channel, createdFrom, createdTo, skip, limit }) {
      const filter = {
        ...(statuses ? { status: { $in: [...statuses] } } : {}),
        ...(district ? { district } : {}),
        ...(helpKind ? { helpKind: helpKind as HelpKind } : {}),
        ...(channel ? { channel } : {}),
        ...(createdFrom || createdTo ? { createdAt: { ...(createdFrom ? { $gte: createdFrom } : {}), ...(createdTo ? { $lt: createdTo } : {}) } } : {}),
      };
      // A count alone (limit 0) reads no documents.
      const [docs, total] = await Promise.all([
        limit > 0 ? requests.find(filter).sort({ createdAt: -1, number: -1 }).skip(skip).limit(limit).lean() : Promise.resolve([]),
        requests.countDocuments(filter),
      ]);
      return { items: docs.map(toHelpRequest), total };
    },

    async listOpen({ district, status, createdBefore, skip, limit }) {
      const filter = {
        status: status ?? { $in: OPEN_STATUSES },
        ...(district ? { district } : {}),
        ...(createdBefore ? { createdAt: { $lt: createdBefore } } : {}),
      };
      const [docs, total] = await Promise.all([
        requests.find(filter).sort({ createdAt: -1, number: -1 }).skip(skip).limit(limit).lean(),
        requests.countDocuments(filter),
      ]);
      return { items: docs.map(toHelpRequest), total };
    },

    async listByVolunteer(volunteer, limit) {
      const docs = await requests
        .find({ 'volunteer.platform': volunteer.platform, 'volunteer.userId': volunteer.userId, status: 'claimed' })
        // The number settles claims of the same millisecond: the claim limit keeps the same ones on every read.
        .sort({ claimedAt: 1, number: 1 })
        .limit(limit)
        .lean();
      return docs.map(toHelpRequest);
    },

    async findWithHeld(number, volunteer, limit) {
      const theirs = { 'volunteer.platform': volunteer.platform, 'volunteer.userId': volunteer.userId, status: 'claimed' as const };
      // Unlimited: besides the one request, only what one volunteer holds (a few, by the claim limit).
      const docs = (await requests.find({ $or: [{ number }, theirs] }).lean()).map(toHelpRequest);
      const held = docs
        .filter((r) => r.status === 'claimed' && r.volunteer?.platform === volunteer.platform && r.volunteer.userId === volunteer.userId)
        .sort((a, b) => a.claimedAt!.getTime() - b.claimedAt!.getTime() || a.number - b.number);
      return { request: docs.find((r) => r.number === number) ?? null, held: held.slice(0, limit) };
    },

    async countClaimsSince(volunteer, since) {
      const byThem = { type: 'claimed', 'actor.platform': volunteer.platform, 'actor.userId': volunteer.userId, at: { $gte: since } };
      const docs = await requests.find({ history: { $elemMatch: byThem } }).lean();
      return docs.map(toHelpRequest).reduce((sum, request) => sum + claimsKept(request.history, volunteer, since), 0);
    },

    async listCreatedBetween(from, to) {
      const docs = await requests
        .find({ createdAt: { $gte: from, $lt: to } })
        .sort({ createdAt: 1 })
        .lean();
      return docs.map(toHelpRequest);
    },

    async listTouchedBetween(from, to) {
      const docs = await requests
        .find({ $or: [{ 'history.at': { $gte: from, $lt: to } }, { 'feedback.at': { $gte: from, $lt: to } }] })
        .sort({ number: 1 })
        .lean();
      return docs.map(toHelpRequest);
    },

    async undoClaim(number, volunteer, reason, at) {
      const event: HistoryEvent = { type: 'claim_undone', at, actor: volunteer, channel: volunteer.platform, note: reason };
      const doc = await requests
        .findOneAndUpdate(
          { number, status: 'claimed', 'volunteer.platform': volunteer.platform, 'volunteer.userId': volunteer.userId },
          { $set: { status: CLAIMABLE_STATUS, effectsPending: true }, $unset: { volunteer: 1, claimedAt: 1 }, $push: { history: event } },
          { returnDocument: 'after' },
        )
        .lean();
      return doc ? toHelpRequest(doc) : null;
    },

    async markRequesterUnreachable(number, chatId, at) {
      await requests.updateOne({ number, 'requester.chatId': chatId, requesterUnreachableAt: { $exists: false } }, { $set: { requesterUnreachableAt: at } });
    },

    async addPost(number, post, at) {
      const event: HistoryEvent = { type: 'posted', at, channel: post.platform, note: post.viaHeadquarters ? 'headquarters' : 'district' };
      await requests.updateOne({ number }, { $push: { posts: post, history: event } });
    },

    async addMessage(number, event) {
      // An erased request has nobody to write back to, and keeps no words.
      const doc = await requests
        .findOneAndUpdate(
          { number, personalErasedAt: { $exists: false } },
          { $set: { effectsPending: true }, $push: { history: event } },
          { returnDocument: 'after' },
        )
        .lean();
      return doc ? toHelpRequest(doc) : null;
    },

    async clearEffectsMark(number, historyLength) {
      // The events seen are announced either way; the mark stays if the request changed meanwhile,
      // so the newer change's messages are not forgotten.
      const cleared = await requests.updateOne(
        { number, history: { $size: historyLength } },
        { $set: { effectsPending: false }, $max: { announcedUpTo: historyLength } },
      );
      if (cleared.matchedCount === 0) await requests.updateOne({ number }, { $max: { announcedUpTo: historyLength } });
    },

    async listMarkedForEffects(before, limit) {
      const docs = await requests
        .find({ effectsPending: true, updatedAt: { $lte: before } })
        .sort({ updatedAt: 1 })
        .limit(limit)
        .lean();
      return docs.map(toHelpRequest);
    },

    async listByRequester(requester, limit) {
      const docs = await requests
        .find({ 'requester.platform': requester.platform, 'requester.userId': requester.userId })
        // The number breaks ties: requests created within one millisecond would otherwise come in any order.
        .sort({ createdAt: -1, number: -1 })
        .limit(limit)
        .lean();
      return docs.map(toHelpRequest);
    },

    async requesterActivity(requester) {
      const mine = { 'requester.platform': requester.platform, 'requester.userId': requester.userId };
      const [open, last] = await Promise.all([
        requests.countDocuments({ ...mine, status: { $in: ['new', 'claimed'] } }),
        requests.findOne(mine, { createdAt: 1 }).sort({ createdAt: -1 }).lean(),
      ]);
      return { open, lastCreatedAt: last?.createdAt ?? null };
    },
  };
}

/** The fields of a new request besides its number (and, for createOnce, its key). */
function newRequestFields({ draft, channel, requester, takenBy, codeWord, at }: NewRequest) {
  const actor = requester ?? takenBy;
  const created: HistoryEvent = { type: 'created', at, ...(actor ? { actor: { platform: actor.platform, userId: actor.userId } } : {}), channel };
  return {
    status: 'new' as const,
    ...(requester ? { requester } : {}),
    ...(takenBy ? { takenBy } : {}),
    category: draft.category,
    age: draft.age,
    ageBand: ageBand(draft.age),
    district: draft.district,
    helpKind: draft.helpKind,
    extra: draft.extra,
    personal: storedPersonal(draft.personal, codeWord),
    ...(draft.onBehalf ? { onBehalf: draft.onBehalf } : {}),
    consentAt: at,
    // The service's clock, not the database's: the request's times stay consistent with its history.
    createdAt: at,
    effectsPending: true,
    posts: [],
    history: [created],
  };
}

/** Personal data as the document keeps it: flat, so that erasure replaces the sub-document whole. */
function storedPersonal(personal: NewRequest['draft']['personal'], codeWord: string | undefined) {
  const { applicant, ...own } = personal;
  return {
    ...own,
    ...(applicant ? { applicantName: applicant.name, applicantPhone: applicant.phone } : {}),
    ...(codeWord ? { codeWord } : {}),
  };
}

type StoredVolunteer = { platform: string; userId: string; displayName: string };

function toVolunteer(v: StoredVolunteer): Volunteer {
  return { platform: v.platform as Volunteer['platform'], userId: v.userId, displayName: v.displayName };
}

/** Maps a stored document to the domain's plain object (no mongoose types escape the db layer). */
export function toHelpRequest(doc: {
  _id: Types.ObjectId;
  number: number;
  status: string;
  channel: string;
  requester?: { platform: string; userId: string; chatId: string } | null;
  takenBy?: StoredVolunteer | null;
  clientKey?: string | null;
  clientFingerprint?: string | null;
  category: string;
  age?: number | null;
  ageBand?: string | null;
  district: string;
  helpKind: string;
  extra?: Map<string, string> | Record<string, string> | null;
  personal: {
    name?: string | null;
    address?: string | null;
    phone?: string | null;
    description?: string | null;
    codeWord?: string | null;
    applicantName?: string | null;
    applicantPhone?: string | null;
  };
  onBehalf?: { relation?: string | null; callFirst?: string | null } | null;
  consentAt: Date;
  volunteer?: StoredVolunteer | null;
  claimedAt?: Date | null;
  firstClaimedAt?: Date | null;
  closedAt?: Date | null;
  feedback?: { rating: number; comment?: string | null; at: Date } | null;
  personalErasedAt?: Date | null;
  requesterUnreachableAt?: Date | null;
  round?: number | null;
  announcedUpTo?: number | null;
  posts?: { platform: string; chatId: string; messageId: string; viaHeadquarters: boolean; round?: number | null }[];
  history?: {
    type: string;
    at: Date;
    actor?: { platform: string; userId: string } | null;
    channel?: string | null;
    note?: string | null;
    comment?: string | null;
    volunteer?: StoredVolunteer | null;
    previousVolunteer?: StoredVolunteer | null;
    from?: string | null;
  }[];
  createdAt: Date;
}): HelpRequest {
  const extra = doc.extra instanceof Map ? Object.fromEntries(doc.extra) : { ...(doc.extra ?? {}) };
  return {
    id: String(doc._id),
    number: doc.number,
    status: doc.status as HelpRequest['status'],
    channel: doc.channel as RequestChannel,
    ...(doc.requester ? { requester: { platform: doc.requester.platform as Platform, userId: doc.requester.userId, chatId: doc.requester.chatId } } : {}),
    ...(doc.takenBy ? { takenBy: toVolunteer(doc.takenBy) } : {}),
    ...(doc.clientKey ? { clientKey: { key: doc.clientKey, fingerprint: doc.clientFingerprint ?? '' } } : {}),
    category: doc.category as HelpRequest['category'],
    ...(typeof doc.age === 'number' ? { age: doc.age } : {}),
    // Requests stored before bands were kept have their band worked out from the age.
    ageBand: (doc.ageBand as AgeBand | null | undefined) ?? ageBand(doc.age ?? 0),
    district: doc.district,
    helpKind: doc.helpKind as HelpRequest['helpKind'],
    extra,
    personal: {
      name: doc.personal.name ?? '',
      address: doc.personal.address ?? '',
      phone: doc.personal.phone ?? '',
      description: doc.personal.description ?? '',
      ...(doc.personal.applicantName && doc.personal.applicantPhone
        ? { applicant: { name: doc.personal.applicantName, phone: doc.personal.applicantPhone } }
        : {}),
    },
    ...(doc.onBehalf?.relation
      ? { onBehalf: { relation: doc.onBehalf.relation as OnBehalf['relation'], callFirst: (doc.onBehalf.callFirst ?? 'person') as OnBehalf['callFirst'] } }
      : {}),
    ...(doc.personal.codeWord ? { codeWord: doc.personal.codeWord } : {}),
    consentAt: doc.consentAt,
    ...(doc.volunteer ? { volunteer: toVolunteer(doc.volunteer) } : {}),
    ...(doc.claimedAt ? { claimedAt: doc.claimedAt } : {}),
    ...(doc.firstClaimedAt ? { firstClaimedAt: doc.firstClaimedAt } : {}),
    ...(doc.closedAt ? { closedAt: doc.closedAt } : {}),
    ...(doc.feedback
      ? { feedback: { rating: doc.feedback.rating, at: doc.feedback.at, ...(doc.feedback.comment ? { comment: doc.feedback.comment } : {}) } }
      : {}),
    ...(doc.personalErasedAt ? { personalErasedAt: doc.personalErasedAt } : {}),
    ...(doc.requesterUnreachableAt ? { requesterUnreachableAt: doc.requesterUnreachableAt } : {}),
    round: doc.round ?? 0,
    announcedUpTo: doc.announcedUpTo ?? 0,
    posts: (doc.posts ?? []).map((p) => ({
      platform: p.platform as Platform,
      chatId: p.chatId,
      messageId: p.messageId,
      viaHeadquarters: p.viaHeadquarters,
      round: p.round ?? 0,
    })),
    history: (doc.history ?? []).map((h) => ({
      type: h.type as HistoryEvent['type'],
      at: h.at,
      ...(h.actor ? { actor: { platform: h.actor.platform as Platform, userId: h.actor.userId } } : {}),
      ...(h.channel ? { channel: h.channel as RequestChannel } : {}),
      ...(h.note ? { note: h.note } : {}),
      ...(h.comment ? { comment: h.comment } : {}),
      ...(h.volunteer ? { volunteer: toVolunteer(h.volunteer) } : {}),
      ...(h.previousVolunteer ? { previousVolunteer: toVolunteer(h.previousVolunteer) } : {}),
      ...(h.from ? { from: h.from as MessageAuthor } : {}),
    })),
    createdAt: doc.createdAt,
  };
}
