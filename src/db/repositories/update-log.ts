import type { UpdateLog } from '../../services/update-log.js';
import type { ProcessedUpdateModel } from '../models/processed-update-model.js';

/** The update log in MongoDB: claiming a key is one atomic upsert, so processes share it. */
export function createMongoUpdateLog(model: ProcessedUpdateModel): UpdateLog {
  return {
    async firstSeen(key, at) {
      try {
        // Whoever's upsert inserts the document sees no document before it. This relies on the
        // single-document atomicity of findOneAndUpdate, not on the unique index (which the
        // embedded server does not enforce).
        const before = await model.findOneAndUpdate({ key }, { $setOnInsert: { key, at } }, { upsert: true, returnDocument: 'before' }).lean();
        return before === null;
      } catch (error) {
        // A real MongoDB may let two simultaneous upserts both try to insert; the unique index
        // refuses the second, whose key was therefore seen already.
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
  };
}

function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
