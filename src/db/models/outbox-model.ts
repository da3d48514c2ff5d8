import { Schema, type Connection } from 'mongoose';
import { REQUESTER_NIGHT_POLICY } from '../../domain/night-policy.js';
import { PLATFORMS } from '../../domain/request.js';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

// Every message to a group or a person, written before it is sent and delivered by a worker.
const outboxSchema = new Schema(
  {
    /** What the message is about, e.g. "post:17:telegram:-100123"; enqueueing twice keeps one. */
    key: { type: String, required: true },
    kind: { type: String, enum: ['post', 'sync', 'text', 'task', 'withdraw', 'feedback', 'chart', 'application'], required: true },
    platform: { type: String, enum: PLATFORMS, required: true },
    chatId: { type: String, required: true },
    /** platform:chatId, what pacing and the workers' exclusions look at. */
    chatKey: { type: String, required: true },
    requestNumber: Number,
    /** The application to volunteer an `application` message shows (rendered when sent, so no name is stored here). */
    volunteerNumber: Number,
    viaHeadquarters: Boolean,
    /** The posting round of a post or sync (see HelpRequest.round). */
    round: Number,
    /** Whom a task card is for: sent only while this volunteer holds the request. */
    volunteerId: String,
    /** Whose private chat a withdrawal takes a request's details out of. */
    viewerId: String,
    /** A feedback question's second, last asking; a post that is a reminder's repost. */
    reminder: Boolean,
    /** A text that is news for the requester: its row of the night policy. */
    toRequester: { type: String, enum: Object.keys(REQUESTER_NIGHT_POLICY) },
    /** A chart's numbers (its caption is in `text`): drawn when it is sent, so no image is stored. */
    columns: { type: Schema.Types.Mixed },
    // A notification's text, or the note on top of a task card (as `note` in the message). Only these carry text, and never a requester's personal data (task cards are rendered
    // from the request when they are sent, so the details are not copied here).
    text: String,
    status: { type: String, enum: OUTBOX_STATUSES, required: true },
    attempts: { type: Number, required: true },
    notBefore: { type: Date, required: true },
    leaseOwner: String,
    leaseUntil: Date,
    lastError: String,
    createdAt: { type: Date, required: true },
    sentAt: Date,
    /** Its request was erased while it waited: it is still sent, then forgotten by the retention sweep. */
    forgetWhenDelivered: Boolean,
  },
  { collection: 'outbox', versionKey: false },
);
outboxSchema.index({ key: 1 }, { unique: true });
// What a worker asks for: due messages, oldest first.
outboxSchema.index({ status: 1, notBefore: 1 });

export function createOutboxModel(connection: Connection) {
  return connection.model('Outbox', outboxSchema);
}
export type OutboxModel = ReturnType<typeof createOutboxModel>;
