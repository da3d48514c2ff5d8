import { Schema, type Connection } from 'mongoose';

// When each chat may next receive a message: one document per chat, shared by all processes.
const chatPacingSchema = new Schema(
  { chatKey: { type: String, required: true }, nextAt: { type: Date, required: true } },
  { collection: 'chat_pacing', versionKey: false },
);
chatPacingSchema.index({ chatKey: 1 }, { unique: true });

export function createChatPacingModel(connection: Connection) {
  return connection.model('ChatPacing', chatPacingSchema);
}
export type ChatPacingModel = ReturnType<typeof createChatPacingModel>;
