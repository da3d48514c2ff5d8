import { Schema, type Connection } from 'mongoose';
import { PLATFORMS } from '../../domain/request.js';

// Who was shown a request's personal data, when, through which channel, and the message that shows
// it while it is in a private chat. Nothing of the requester is stored here, so retention keeps it.
const accessRecordSchema = new Schema(
  {
    requestNumber: { type: Number, required: true },
    viewer: {
      type: new Schema({ platform: { type: String, enum: PLATFORMS, required: true }, userId: { type: String, required: true } }, { _id: false }),
      required: true,
    },
    channel: { type: String, required: true },
    kind: { type: String, required: true },
    at: { type: Date, required: true },
    message: {
      type: new Schema(
        {
          chatId: { type: String, required: true },
          messageId: { type: String, required: true },
          form: { type: String, enum: ['text', 'contact_card'], required: true },
          sentAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      required: false,
    },
    withdrawnAt: { type: Date, required: false },
  },
  { collection: 'access_records', versionKey: false },
);
// A request's records on its card; the messages still showing it in one viewer's chat.
accessRecordSchema.index({ requestNumber: 1, at: 1 });
accessRecordSchema.index({ requestNumber: 1, 'viewer.platform': 1, 'viewer.userId': 1, withdrawnAt: 1 });

export function createAccessRecordModel(connection: Connection) {
  return connection.model('AccessRecord', accessRecordSchema);
}
export type AccessRecordModel = ReturnType<typeof createAccessRecordModel>;
