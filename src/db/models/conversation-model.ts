import { Schema, type Connection } from 'mongoose';

// The bots' conversation state (where each person is in a scenario), so a conversation survives a
// restart of the bot process. The key is chosen by the adapter (platform and chat).
const conversationSchema = new Schema(
  { key: { type: String, required: true }, value: { type: Schema.Types.Mixed, required: true }, updatedAt: { type: Date, required: true } },
  { collection: 'conversations', versionKey: false, minimize: false },
);
conversationSchema.index({ key: 1 }, { unique: true });

export function createConversationModel(connection: Connection) {
  return connection.model('Conversation', conversationSchema);
}
export type ConversationModel = ReturnType<typeof createConversationModel>;
