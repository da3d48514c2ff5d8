import type { KeyValueStore } from '../../services/ports.js';
import type { ConversationModel } from '../models/conversation-model.js';

/**
 * Conversation state in MongoDB, one document per key, replaced whole on each write. Writes for one
 * key never race: the bots handle one update per chat at a time.
 *
 * The state is read and rewritten on every update a person sends (the Telegram conversation's log
 * grows to about 20 KB), and it is opaque here: so it goes through the model's driver collection,
 * not mongoose's queries, whose casting deep-clones the whole value first. That was a third of each
 * read's and write's CPU in the benchmark (bench/, README "Performance"); what is stored is the same.
 */
export function createMongoConversationStore<T>(model: ConversationModel): KeyValueStore<T> {
  const collection = model.collection;
  return {
    async read(key) {
      const doc = await collection.findOne({ key }, { projection: { value: 1 } });
      return doc ? (doc.value as T) : undefined;
    },
    async write(key, value) {
      await collection.updateOne({ key }, { $set: { value, updatedAt: new Date() } }, { upsert: true });
    },
    async delete(key) {
      await collection.deleteOne({ key });
    },
  };
}
