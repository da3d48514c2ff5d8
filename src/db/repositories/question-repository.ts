import { isValidObjectId, type Types } from 'mongoose';
import type { Platform } from '../../domain/request.js';
import type { Question, QuestionRepository } from '../../services/ports.js';
import type { QuestionModel } from '../models/question-model.js';

/** Questions for the HQ in MongoDB, newest first. */
export function createMongoQuestionRepository(questions: QuestionModel): QuestionRepository {
  return {
    async add(asker, text, at) {
      const doc = await questions.create({ platform: asker.platform, userId: asker.userId, chatId: asker.chatId, text, at, answers: [] });
      return toQuestion(doc.toObject());
    },
    async listNewest(limit) {
      return (await questions.find().sort({ at: -1, _id: -1 }).limit(limit).lean()).map(toQuestion);
    },
    async findById(id) {
      if (!isValidObjectId(id)) return null;
      const doc = await questions.findById(id).lean();
      return doc ? toQuestion(doc) : null;
    },
    async addAnswer(id, answer) {
      if (!isValidObjectId(id)) return null;
      const doc = await questions.findByIdAndUpdate(id, { $push: { answers: answer } }, { returnDocument: 'after' }).lean();
      return doc ? toQuestion(doc) : null;
    },
    async forgetAsker(person) {
      return (await questions.deleteMany({ platform: person.platform, userId: person.userId })).deletedCount;
    },
    async forgetAskedBefore(before) {
      return (await questions.deleteMany({ at: { $lt: before } })).deletedCount;
    },
  };
}

function toQuestion(doc: {
  _id: Types.ObjectId;
  platform: string;
  userId: string;
  chatId: string;
  text: string;
  at: Date;
  answers?: { text: string; at: Date; by?: { platform?: string | null; userId?: string | null } | null }[];
}): Question {
  return {
    id: String(doc._id),
    asker: { platform: doc.platform as Platform, userId: doc.userId, chatId: doc.chatId },
    text: doc.text,
    at: doc.at,
    answers: (doc.answers ?? []).map((a) => ({
      text: a.text,
      at: a.at,
      ...(a.by?.platform && a.by.userId ? { by: { platform: a.by.platform as Platform, userId: a.by.userId } } : {}),
    })),
  };
}
