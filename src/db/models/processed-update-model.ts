import { Schema, type Connection } from 'mongoose';

/** How long a handled update is remembered: Telegram and VK give up redelivering well within it. */
export const PROCESSED_UPDATE_TTL_SECONDS = 2 * 24 * 60 * 60;

// One document per incoming update handled, keyed like "telegram:<bot id>:<update_id>".
const processedUpdateSchema = new Schema(
  { key: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'processed_updates', versionKey: false },
);
// A real MongoDB enforces this; the embedded server does not, and the repository does not rely on it.
processedUpdateSchema.index({ key: 1 }, { unique: true });
// A real MongoDB deletes the records after the TTL. The embedded development server has no TTL
// monitor, so there they pile up until the process stops (it is in memory only): acceptable there.
processedUpdateSchema.index({ at: 1 }, { expireAfterSeconds: PROCESSED_UPDATE_TTL_SECONDS });

export function createProcessedUpdateModel(connection: Connection) {
  return connection.model('ProcessedUpdate', processedUpdateSchema);
}
export type ProcessedUpdateModel = ReturnType<typeof createProcessedUpdateModel>;
