import { Schema, type Connection } from 'mongoose';
import { PLATFORMS } from '../../domain/request.js';

// Words a person wrote outside a questionnaire with no request of theirs to attach them to: a question
// for the HQ, kept with who to answer. Personal data: forgotten on /forget and by the retention sweep.
const questionSchema = new Schema(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    userId: { type: String, required: true },
    chatId: { type: String, required: true },
    text: { type: String, required: true },
    at: { type: Date, required: true },
    answers: {
      type: [
        new Schema({ text: { type: String, required: true }, at: { type: Date, required: true }, by: { platform: String, userId: String } }, { _id: false }),
      ],
      default: [],
    },
  },
  { collection: 'questions', versionKey: false },
);
questionSchema.index({ at: -1 });
questionSchema.index({ platform: 1, userId: 1 });

export function createQuestionModel(connection: Connection) {
  return connection.model('Question', questionSchema);
}
export type QuestionModel = ReturnType<typeof createQuestionModel>;
