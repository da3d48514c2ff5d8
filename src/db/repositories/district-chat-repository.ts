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
          { $set: { district: chat.district, boundBy: by, boundAt: at, ...(chat.title ? { title: chat.title } : {}) }, $unset: { broken: '' } },
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
    async move(platform, fromChatId, toChatId) {
      // Both ids may be reported (the old group's last update and the new supergroup's first, or a
      // refused send): whichever comes second finds the binding moved, or the new id bound already.
      if (await model.exists({ platform, chatId: toChatId })) {
        await model.deleteOne({ platform, chatId: fromChatId });
        return null;
      }
      const moved = await model.findOneAndUpdate({ platform, chatId: fromChatId }, { $set: { chatId: toChatId } }, { returnDocument: 'after' }).lean();
      return moved ? districtChatOf(moved) : null;
    },
    async markBroken(platform, chatId, reason, at) {
      const marked = await model
        .findOneAndUpdate({ platform, chatId, broken: { $exists: false } }, { $set: { broken: { at, reason } } }, { returnDocument: 'after' })
        .lean();
      return marked ? districtChatOf(marked) : null;
    },
    async notePost(platform, chatId, at) {
      await model.updateOne({ platform, chatId }, { $max: { lastPostAt: at } });
    },
  };
}

interface StoredDistrictChat {
  district: string;
  platform: DistrictChat['platform'];
  chatId: string;
  title?: string | null;
  broken?: { at?: Date | null; reason?: string | null } | null;
  lastPostAt?: Date | null;
}

/** A stored binding as the port gives it: the title, the break and the last post only where stored. */
function districtChatOf(doc: StoredDistrictChat): DistrictChat {
  return {
    district: doc.district,
    platform: doc.platform,
    chatId: doc.chatId,
    ...(doc.title ? { title: doc.title } : {}),
    ...(doc.broken?.at ? { broken: { at: doc.broken.at, reason: doc.broken.reason ?? '' } } : {}),
    ...(doc.lastPostAt ? { lastPostAt: doc.lastPostAt } : {}),
  };
}
