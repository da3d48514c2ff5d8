import type { ChatPacing } from '../../services/ports.js';
import type { ChatPacingModel } from '../models/chat-pacing-model.js';

/** Per-chat pacing in MongoDB: taking a slot is one conditional update, so processes share the limit. */
export function createMongoChatPacing(model: ChatPacingModel): ChatPacing {
  async function take(chat: string, intervalMs: number, now: Date) {
    return model
      .findOneAndUpdate({ chatKey: chat, nextAt: { $lte: now } }, { $set: { nextAt: new Date(now.getTime() + intervalMs) } }, { returnDocument: 'after' })
      .lean();
  }
  return {
    async reserve(chat, intervalMs, now) {
      if (await take(chat, intervalMs, now)) return { ok: true };
      // First message to this chat: create its document (a no-op if another process just did), try again.
      await model.updateOne({ chatKey: chat }, { $setOnInsert: { chatKey: chat, nextAt: new Date(0) } }, { upsert: true });
      if (await take(chat, intervalMs, now)) return { ok: true };
      const current = await model.findOne({ chatKey: chat }).lean();
      return { ok: false, nextAt: current?.nextAt ?? new Date(now.getTime() + intervalMs) };
    },
    async holdUntil(chat, until) {
      await model.updateOne({ chatKey: chat, nextAt: { $lt: until } }, { $set: { nextAt: until } });
    },
  };
}
