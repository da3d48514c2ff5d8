import { Schema, type Connection } from 'mongoose';
import { PLATFORMS } from '../../domain/request.js';

const person = {
  type: new Schema({ platform: { type: String, enum: PLATFORMS, required: true }, userId: { type: String, required: true } }, { _id: false }),
  required: true,
};

// One-time sign-in links of the web console, by the SHA-256 of their token: a leaked database does
// not hand out sign-ins. Used once (usedAt set atomically), and only before expiresAt.
const loginTokenSchema = new Schema(
  {
    tokenHash: { type: String, required: true },
    person,
    displayName: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
  },
  { collection: 'console_login_tokens', versionKey: false },
);
loginTokenSchema.index({ tokenHash: 1 }, { unique: true });
loginTokenSchema.index({ 'person.platform': 1, 'person.userId': 1 });
// A real MongoDB deletes expired links and sessions; the embedded server has no TTL monitor, so the
// repository checks expiresAt itself on every read, and nothing relies on the deletion.
loginTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

// Web console sessions, by the SHA-256 of the cookie's value.
const sessionSchema = new Schema(
  {
    sessionHash: { type: String, required: true },
    person,
    displayName: { type: String, required: true },
    csrfToken: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    preview: Schema.Types.Mixed,
  },
  { collection: 'console_sessions', versionKey: false, timestamps: true },
);
sessionSchema.index({ sessionHash: 1 }, { unique: true });
// Taking a role away ends all of the person's sessions (and links) at once.
sessionSchema.index({ 'person.platform': 1, 'person.userId': 1 });
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function createConsoleLoginTokenModel(connection: Connection) {
  return connection.model('ConsoleLoginToken', loginTokenSchema);
}
export function createConsoleSessionModel(connection: Connection) {
  return connection.model('ConsoleSession', sessionSchema);
}
export type ConsoleLoginTokenModel = ReturnType<typeof createConsoleLoginTokenModel>;
export type ConsoleSessionModel = ReturnType<typeof createConsoleSessionModel>;
