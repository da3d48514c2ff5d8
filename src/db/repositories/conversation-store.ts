import type { KeyValueStore } from '../../services/ports.js';
import type { ConversationModel } from '../models/conversation-model.js';

/**
 * Conversation state in MongoDB, one document per key, replaced whole on each write. Writes for one
 * key never race: the bots handle one update per chat at a time.
 */
export function createMongoConversationStore<T>(model: ConversationModel): KeyValueStore<T> {
  return {
    async read(key) {
      const doc = await model.findOne({ key }).lean();
      return doc ? (doc.value as T) : undefined;
    },
    async write(key, value) {
      await model.updateOne({ key }, { $set: { value, updatedAt: new Date() } }, { upsert: true });
    },
    async delete(key) {
      await model.deleteOne({ key });
    },
  };
}
