import type { Platform } from '../../domain/request.js';
import type { ConsoleSessionStore } from '../../services/ports.js';
import type { ConsoleLoginTokenModel, ConsoleSessionModel } from '../models/console-session-model.js';

/** Web console sign-in tokens and sessions in MongoDB, keyed by hashes; every read checks expiry itself. */
export function createMongoConsoleSessionStore(models: { loginTokens: ConsoleLoginTokenModel; sessions: ConsoleSessionModel }): ConsoleSessionStore {
  const { loginTokens, sessions } = models;
  const ref = (p: { platform: string; userId: string }) => ({ platform: p.platform as Platform, userId: p.userId });
  return {
    async saveLoginToken(tokenHash, { person, displayName, expiresAt }) {
      await loginTokens.create({ tokenHash, person, displayName, expiresAt });
    },
    async consumeLoginToken(tokenHash, now) {
      // One conditional update: of two uses at once (a double click, a link preview racing the person)
      // exactly one finds it unused.
      const doc = await loginTokens
        .findOneAndUpdate({ tokenHash, usedAt: { $exists: false }, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { returnDocument: 'after' })
        .lean();
      return doc ? { person: ref(doc.person), displayName: doc.displayName } : null;
    },
    async create(sessionHash, session) {
      await sessions.create({ sessionHash, ...session });
    },
    async find(sessionHash, now) {
      const doc = await sessions.findOne({ sessionHash, expiresAt: { $gt: now } }).lean();
      if (!doc) return null;
      return {
        person: ref(doc.person),
        displayName: doc.displayName,
        csrfToken: doc.csrfToken,
        expiresAt: doc.expiresAt,
        ...(doc.preview !== undefined && doc.preview !== null ? { preview: doc.preview } : {}),
      };
    },
    async savePreview(sessionHash, preview) {
      await sessions.updateOne({ sessionHash }, preview === undefined ? { $unset: { preview: 1 } } : { $set: { preview } });
    },
    async delete(sessionHash) {
      await sessions.deleteOne({ sessionHash });
    },
    async deleteAllOf(person) {
      const of = { 'person.platform': person.platform, 'person.userId': person.userId };
      const [ended] = await Promise.all([sessions.deleteMany(of), loginTokens.deleteMany(of)]);
      return ended.deletedCount;
    },
  };
}
