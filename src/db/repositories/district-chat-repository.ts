import type { DistrictChat, DistrictChatRepository } from '../../services/ports.js';
import type { DistrictChatModel } from '../models/district-chat-model.js';

/** District bindings in MongoDB, one document per chat. */
export function createMongoDistrictChatRepository(model: DistrictChatModel): DistrictChatRepository {
  return {
    async bind(chat, by, at) {
      // Upsert keyed by the chat: a chat is in the collection once however often it is bound, with
      // no reliance on the unique index (which not every MongoDB-compatible server enforces).
      const before = await model
        .findOneAndUpdate(
          { platform: chat.platform, chatId: chat.chatId },
          { $set: { district: chat.district, boundBy: by, boundAt: at, ...(chat.title ? { title: chat.title } : {}) } },
          { upsert: true, returnDocument: 'before' },
        )
        .lean();
      return { previousDistrict: before?.district ?? null };
    },
    async unbind(platform, chatId) {
      const removed = await model.findOneAndDelete({ platform, chatId }).lean();
      return removed?.district ?? null;
    },
    async chatsOf(district) {
      const docs = await model.find({ district }).lean();
      return docs.map(districtChatOf);
    },
    async listAll() {
      const docs = await model.find({}).sort({ district: 1, platform: 1, chatId: 1 }).lean();
      return docs.map(districtChatOf);
    },
  };
}

/** A stored binding as the port gives it: the title only where one was stored. */
function districtChatOf(doc: { district: string; platform: DistrictChat['platform']; chatId: string; title?: string | null }): DistrictChat {
  return { district: doc.district, platform: doc.platform, chatId: doc.chatId, ...(doc.title ? { title: doc.title } : {}) };
}
