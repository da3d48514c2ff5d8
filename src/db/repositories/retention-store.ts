import { ageBand } from '../../domain/age-band.js';
import type { PersonRef, RequestStatus } from '../../domain/request.js';
import type { RetentionStore } from '../../services/retention.js';
import type { ConversationModel } from '../models/conversation-model.js';
import type { OutboxModel } from '../models/outbox-model.js';
import type { PersonModel } from '../models/person-model.js';
import type { ProcessedUpdateModel } from '../models/processed-update-model.js';
import type { RequestModel } from '../models/request-model.js';
import type { RoleModel } from '../models/role-model.js';

const CLOSED: RequestStatus[] = ['done', 'cancelled'];
const DELIVERED: ('sent' | 'failed')[] = ['sent', 'failed'];
const EMPTY_PERSONAL = { name: '', address: '', phone: '', description: '' };
/**
 * Erased by an earlier version, which left the requester's messenger ids, the branch answers and the
 * exact age: the exact age still there tells them, and they are erased again, completely.
 */
const NOT_ERASED_ENOUGH = { personalErasedAt: { $exists: true }, age: { $exists: true } };

type StoredEvent = { actor?: { platform: string; userId: string } | null; comment?: string | null; note?: string | null } & Record<string, unknown>;

/** The retention sweep's bulk writes over the collections that hold personal data. */
export function createMongoRetentionStore(models: {
  requests: RequestModel;
  conversations: ConversationModel;
  outbox: OutboxModel;
  processedUpdates: ProcessedUpdateModel;
  people: PersonModel;
  roles: RoleModel;
}): RetentionStore {
  return {
    async listDue({ closedBefore, withdrawnBefore, expiredFiledBefore }, limit) {
      const due = await models.requests
        .find(
          {
            status: { $in: CLOSED },
            $or: [
              { personalErasedAt: { $exists: false }, closedAt: { $lt: closedBefore } },
              // Only a requester's own cancellation carries this note, only an expiry that one.
              { personalErasedAt: { $exists: false }, 'history.note': 'by_requester', closedAt: { $lt: withdrawnBefore } },
              { personalErasedAt: { $exists: false }, 'history.note': 'expired', createdAt: { $lt: expiredFiledBefore } },
              NOT_ERASED_ENOUGH,
            ],
          },
          { number: 1 },
        )
        .sort({ closedAt: 1 })
        .limit(limit)
        .lean();
      return due.map((d) => d.number);
    },

    async erase(numbers, at) {
      if (numbers.length === 0) return [];
      const due = await models.requests
        .find(
          { number: { $in: [...numbers] }, status: { $in: CLOSED }, $or: [{ personalErasedAt: { $exists: false } }, NOT_ERASED_ENOUGH] },
          { number: 1, history: 1, age: 1, ageBand: 1, requester: 1 },
        )
        .lean();
      if (due.length === 0) return [];
      await models.requests.bulkWrite(
        due.map((doc) => {
          const requester = doc.requester;
          const byRequester = (e: StoredEvent) => !!requester && e.actor?.platform === requester.platform && e.actor.userId === requester.userId;
          // Who did what and when stays; what people wrote goes, and the requester's own events keep
          // only a note that they were theirs, not their messenger ids.
          const history = ((doc.history ?? []) as unknown as StoredEvent[]).map(({ comment: _erased, ...event }) => {
            if (!byRequester(event)) return event;
            const { actor: _id, ...anonymous } = event;
            return { ...anonymous, note: anonymous.note ?? 'by_requester' };
          });
          return {
            updateOne: {
              filter: { number: doc.number, $or: [{ personalErasedAt: { $exists: false } }, NOT_ERASED_ENOUGH] },
              update: {
                $set: { personal: EMPTY_PERSONAL, extra: {}, ageBand: doc.ageBand ?? ageBand(doc.age ?? 0), history, personalErasedAt: at },
                $unset: { requester: 1, age: 1, 'feedback.comment': 1 },
              },
            },
          };
        }),
      );
      const erased = due.map((d) => d.number);
      // Delivered messages may quote a reason or name a volunteer, and all name the chat: gone now.
      // Waiting ones (the news of the change that closed it) still go out, and are forgotten after.
      await models.outbox.deleteMany({ requestNumber: { $in: erased }, status: { $in: DELIVERED } });
      await models.outbox.updateMany({ requestNumber: { $in: erased } }, { $set: { forgetWhenDelivered: true } });
      return erased;
    },

    async forgetDeliveredOfErased() {
      return (await models.outbox.deleteMany({ forgetWhenDelivered: true, status: { $in: DELIVERED } })).deletedCount;
    },

    async forgetConversationsBefore(before) {
      return (await models.conversations.deleteMany({ updatedAt: { $lt: before } })).deletedCount;
    },

    async forgetProcessedUpdatesBefore(before) {
      return (await models.processedUpdates.deleteMany({ at: { $lt: before } })).deletedCount;
    },

    async forgetPeopleSeenBefore(before, keep) {
      const gone = await models.people.find({ lastSeenAt: { $lt: before } }, { platform: 1, userId: 1 }).lean();
      if (gone.length === 0) return 0;
      // Anyone holding a role stays however long they were away: their name is how others find them.
      const granted = await models.roles.find({}, { platform: 1, userId: 1 }).lean();
      const kept = new Set([...keep, ...granted].map((p: PersonRef | { platform: string; userId: string }) => `${p.platform}:${p.userId}`));
      const ids = gone.filter((p) => !kept.has(`${p.platform}:${p.userId}`)).map((p) => p._id);
      if (ids.length === 0) return 0;
      return (await models.people.deleteMany({ _id: { $in: ids } })).deletedCount;
    },

    async forgetPerson(person) {
      await models.people.deleteOne({ platform: person.platform, userId: person.userId });
    },
  };
}
