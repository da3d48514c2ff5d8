import { Schema, type Connection } from 'mongoose';
import { PLATFORMS } from '../../domain/request.js';

// Everyone who pressed a button or wrote to a bot: enough to name them (public name, @username) and to
// know whether the bot may write to them. Never a phone or anything the questionnaire asks.
const personSchema = new Schema(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    userId: { type: String, required: true },
    username: String,
    /** The username lower-cased, for lookups: Telegram usernames ignore case. */
    usernameKey: String,
    displayName: String,
    lastSeenAt: { type: Date, required: true },
    privateChatAt: Date,
  },
  { collection: 'people', versionKey: false },
);

// One document per person; upserts are keyed by these fields, so nothing relies on the index holding.
personSchema.index({ platform: 1, userId: 1 }, { unique: true });
personSchema.index({ platform: 1, usernameKey: 1, lastSeenAt: -1 });

export function createPersonModel(connection: Connection) {
  return connection.model('Person', personSchema);
}
export type PersonModel = ReturnType<typeof createPersonModel>;
