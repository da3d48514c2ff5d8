import { Schema, type Connection } from 'mongoose';
import { AGE_BANDS } from '../../domain/age-band.js';
import {
  CALL_FIRST,
  CATEGORIES,
  HELP_KINDS,
  HISTORY_EVENT_TYPES,
  isRequestChannel,
  MESSAGE_AUTHORS,
  PLATFORMS,
  RELATIONS,
  REQUEST_STATUSES,
} from '../../domain/request.js';

const personRef = { platform: { type: String, enum: PLATFORMS, required: true }, userId: { type: String, required: true } };
const volunteerSchema = new Schema({ ...personRef, displayName: { type: String, required: true } }, { _id: false });
// A messenger, 'phone', 'web' or 'api:<source>': open-ended, so checked by the domain rather than an enum.
const channel = { type: String, validate: { validator: isRequestChannel, message: 'not a request channel' } };

const historyEventSchema = new Schema(
  {
    type: { type: String, enum: HISTORY_EVENT_TYPES, required: true },
    at: { type: Date, required: true },
    actor: { type: new Schema(personRef, { _id: false }), required: false },
    channel,
    note: String,
    comment: String,
    volunteer: { type: volunteerSchema, required: false },
    previousVolunteer: { type: volunteerSchema, required: false },
    from: { type: String, enum: MESSAGE_AUTHORS, required: false },
  },
  { _id: false },
);

const groupPostSchema = new Schema(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    chatId: { type: String, required: true },
    messageId: { type: String, required: true },
    viaHeadquarters: { type: Boolean, required: true },
    round: { type: Number, default: 0 },
  },
  { _id: false },
);

const requestSchema = new Schema(
  {
    number: { type: Number, required: true },
    status: { type: String, enum: REQUEST_STATUSES, required: true },
    channel: { ...channel, required: true },
    // Absent for a phone call or a partner line: nobody to write back to; and once erased.
    requester: { type: new Schema({ ...personRef, chatId: { type: String, required: true } }, { _id: false }), required: false },
    takenBy: { type: volunteerSchema, required: false },
    // A client's key and the digest of what it sent (domain ClientKey), flat so that the upsert that
    // stores it once can take the key from its filter.
    clientKey: String,
    clientFingerprint: String,
    category: { type: String, enum: CATEGORIES, required: true },
    // The exact age goes with the personal data; the band stays for statistics.
    age: { type: Number, min: 1, max: 120 },
    ageBand: { type: String, enum: AGE_BANDS },
    district: { type: String, required: true },
    helpKind: { type: String, enum: HELP_KINDS, required: true },
    extra: { type: Map, of: String, default: {} },
    // Personal data sits in one sub-document so that it can be shown, withheld or erased as a whole.
    personal: {
      // The code word said at the door goes with them: erased, withheld and shown alike.
      // The applicant's name and phone, on a request filed for someone else, go with them too.
      type: new Schema(
        { name: String, address: String, phone: String, description: String, codeWord: String, applicantName: String, applicantPhone: String },
        { _id: false },
      ),
      required: true,
    },
    // Filed for someone else: who the applicant is to the person, and whom to call first (not personal: counted).
    onBehalf: { type: new Schema({ relation: { type: String, enum: RELATIONS }, callFirst: { type: String, enum: CALL_FIRST } }, { _id: false }) },
    consentAt: { type: Date, required: true },
    volunteer: { type: volunteerSchema },
    claimedAt: Date,
    firstClaimedAt: Date,
    closedAt: Date,
    feedback: {
      type: new Schema({ rating: { type: Number, min: 1, max: 5, required: true }, comment: String, at: { type: Date, required: true } }, { _id: false }),
    },
    personalErasedAt: Date,
    requesterUnreachableAt: Date,
    round: { type: Number, default: 0 },
    posts: { type: [groupPostSchema], default: [] },
    /** Set with every state change, cleared once its messages are in the outbox (see request-effects). */
    effectsPending: { type: Boolean, default: false },
    /** How many history events have had their news put into the outbox. */
    announcedUpTo: { type: Number, default: 0 },
    history: { type: [historyEventSchema], default: [] },
  },
  { timestamps: true, collection: 'requests' },
);

// The human number is the request's public identity.
requestSchema.index({ number: 1 }, { unique: true });
// Open requests of a district, newest first (/open, escalation).
requestSchema.index({ status: 1, district: 1, createdAt: -1 });
// The sweep for messages a crash left unenqueued.
requestSchema.index({ effectsPending: 1, updatedAt: 1 });
// A volunteer's own requests (/tasks).
requestSchema.index({ 'volunteer.platform': 1, 'volunteer.userId': 1, status: 1, claimedAt: 1 });
// All open requests newest first (/open without a district), and periods for statistics and export.
requestSchema.index({ status: 1, createdAt: -1 });
requestSchema.index({ createdAt: 1 });
// A client's key is one request per channel; createOnce's upsert keeps that on a server that does not
// enforce the index (the embedded one), the index keeps it on a real MongoDB.
requestSchema.index({ channel: 1, clientKey: 1 }, { unique: true, partialFilterExpression: { clientKey: { $exists: true } } });
// What happened on a day, for the daily report.
requestSchema.index({ 'history.at': 1 });
requestSchema.index({ 'feedback.at': 1 });
// Closed requests whose personal data is due for erasure (and expired ones, by when they were filed).
requestSchema.index({ personalErasedAt: 1, status: 1, closedAt: 1 });
requestSchema.index({ personalErasedAt: 1, status: 1, createdAt: 1 });
// A requester's own requests (/my).
requestSchema.index({ 'requester.platform': 1, 'requester.userId': 1, createdAt: -1 });

export function createRequestModel(connection: Connection) {
  return connection.model('Request', requestSchema);
}
export type RequestModel = ReturnType<typeof createRequestModel>;
