import type { RetentionStore } from '../../services/retention.js';
import type { ConversationModel } from '../models/conversation-model.js';
import type { OutboxModel } from '../models/outbox-model.js';
import type { ProcessedUpdateModel } from '../models/processed-update-model.js';
import type { RequestModel } from '../models/request-model.js';

/** The retention sweep's bulk writes over the collections that hold personal data. */
export function createMongoRetentionStore(models: {
  requests: RequestModel;
  conversations: ConversationModel;
  outbox: OutboxModel;
  processedUpdates: ProcessedUpdateModel;
}): RetentionStore {
  return {
    async eraseClosedBefore(before, limit) {
      const due = await models.requests
        .find({ personalErasedAt: { $exists: false }, status: { $in: ['done', 'cancelled'] }, closedAt: { $lt: before } }, { number: 1, history: 1 })
        .sort({ closedAt: 1 })
        .limit(limit)
        .lean();
      if (due.length === 0) return [];
      const at = new Date();
      // Free text of the history goes with the personal data; who did what and when stays.
      await models.requests.bulkWrite(
        due.map((doc) => ({
          updateOne: {
            filter: { number: doc.number, personalErasedAt: { $exists: false } },
            update: {
              $set: {
                personal: { name: '', address: '', phone: '', description: '' },
                history: (doc.history ?? []).map(({ comment: _erased, ...event }) => event),
                personalErasedAt: at,
              },
              $unset: { 'feedback.comment': 1 },
            },
          },
        })),
      );
      const numbers = due.map((d) => d.number);
      // Messages about them may quote a reason or carry a volunteer's name.
      await models.outbox.deleteMany({ requestNumber: { $in: numbers } });
      return numbers;
    },
    async forgetConversationsBefore(before) {
      return (await models.conversations.deleteMany({ updatedAt: { $lt: before } })).deletedCount;
    },
    async forgetProcessedUpdatesBefore(before) {
      return (await models.processedUpdates.deleteMany({ at: { $lt: before } })).deletedCount;
    },
  };
}
