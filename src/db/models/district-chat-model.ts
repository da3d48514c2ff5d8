import { Schema, type Connection } from 'mongoose';
import { PLATFORMS } from '../../domain/request.js';

const districtChatSchema = new Schema(
  {
    district: { type: String, required: true },
    platform: { type: String, enum: PLATFORMS, required: true },
    chatId: { type: String, required: true },
    // The group's title at /bind, for /districts; absent for chats bound before titles were kept.
    title: String,
    boundBy: { platform: { type: String, enum: PLATFORMS }, userId: String },
    boundAt: { type: Date, required: true },
    // Set when the bot could no longer write there; cleared by binding the chat again.
    broken: { at: Date, reason: String },
    lastPostAt: Date,
  },
  { collection: 'district_chats', versionKey: false },
);

// A chat serves one district at most; binding it again moves it.
districtChatSchema.index({ platform: 1, chatId: 1 }, { unique: true });
districtChatSchema.index({ district: 1 });

export function createDistrictChatModel(connection: Connection) {
  return connection.model('DistrictChat', districtChatSchema);
}
export type DistrictChatModel = ReturnType<typeof createDistrictChatModel>;
