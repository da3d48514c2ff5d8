import { Schema, type Connection } from 'mongoose';
import { PLATFORMS } from '../../domain/request.js';

// Who was shown an applicant's name and phone, when and through which channel; nothing of the
// applicant is stored here.
const applicationViewSchema = new Schema(
  {
    volunteerNumber: { type: Number, required: true },
    viewer: {
      type: new Schema({ platform: { type: String, enum: PLATFORMS, required: true }, userId: { type: String, required: true } }, { _id: false }),
      required: true,
    },
    channel: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'application_views', versionKey: false },
);
applicationViewSchema.index({ volunteerNumber: 1, at: 1 });

export function createApplicationViewModel(connection: Connection) {
  return connection.model('ApplicationView', applicationViewSchema);
}
export type ApplicationViewModel = ReturnType<typeof createApplicationViewModel>;
