import { isValidObjectId, type Types } from 'mongoose';
import type { Platform, RequestChannel } from '../../domain/request.js';
import type { AccessKind, AccessLog, AccessRecord } from '../../services/ports.js';
import type { AccessRecordModel } from '../models/access-record-model.js';

/** The access log in MongoDB. */
export function createMongoAccessLog(records: AccessRecordModel): AccessLog {
  return {
    async record(entry) {
      const doc = await records.create(entry);
      return toAccessRecord(doc.toObject());
    },
    async recordAll(entries) {
      if (entries.length > 0) await records.insertMany(entries);
    },
    async listForRequest(number) {
      return (await records.find({ requestNumber: number }).sort({ at: 1, _id: 1 }).lean()).map(toAccessRecord);
    },
    async listShowing(number, viewer) {
      const query = {
        requestNumber: number,
        'viewer.platform': viewer.platform,
        'viewer.userId': viewer.userId,
        withdrawnAt: { $exists: false },
        message: { $exists: true },
      };
      return (await records.find(query).sort({ at: 1, _id: 1 }).lean()).map(toAccessRecord);
    },
    async markWithdrawn(id, at) {
      if (!isValidObjectId(id)) return false;
      return (await records.updateOne({ _id: id, withdrawnAt: { $exists: false } }, { $set: { withdrawnAt: at } })).modifiedCount === 1;
    },
  };
}

function toAccessRecord(doc: {
  _id: Types.ObjectId;
  requestNumber: number;
  viewer: { platform: string; userId: string };
  channel: string;
  kind: string;
  at: Date;
  message?: { chatId: string; messageId: string; form: string; sentAt: Date } | null;
  withdrawnAt?: Date | null;
}): AccessRecord {
  return {
    id: String(doc._id),
    requestNumber: doc.requestNumber,
    viewer: { platform: doc.viewer.platform as Platform, userId: doc.viewer.userId },
    channel: doc.channel as RequestChannel,
    kind: doc.kind as AccessKind,
    at: doc.at,
    ...(doc.message
      ? {
          message: {
            chatId: doc.message.chatId,
            messageId: doc.message.messageId,
            form: doc.message.form as 'text' | 'contact_card',
            sentAt: doc.message.sentAt,
          },
        }
      : {}),
    ...(doc.withdrawnAt ? { withdrawnAt: doc.withdrawnAt } : {}),
  };
}
