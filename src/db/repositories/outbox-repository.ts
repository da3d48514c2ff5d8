import type { RequesterMessageKind } from '../../domain/night-policy.js';
import type { Outbox, OutboxEntry, OutboxMessage } from '../../services/ports.js';
import type { OutboxModel } from '../models/outbox-model.js';

/** The outbox in MongoDB. A lease is one atomic update, so two workers never hold one message. */
export function createMongoOutbox(model: OutboxModel): Outbox {
  return {
    async enqueue(entries, at) {
      // $setOnInsert: a key already there (sent, or waiting) stays as it is.
      await Promise.all(
        entries.map(({ key, message, notBefore }) =>
          model.updateOne(
            { key },
            {
              $setOnInsert: {
                key,
                ...message,
                // A task card's note and a chart's caption are kept in the text field, which the schema has.
                ...(message.kind === 'task' && message.note ? { text: message.note } : {}),
                ...(message.kind === 'chart' ? { text: message.caption } : {}),
                chatKey: `${message.platform}:${message.chatId}`,
                status: 'pending',
                attempts: 0,
                notBefore: notBefore ?? at,
                createdAt: at,
              },
            },
            { upsert: true },
          ),
        ),
      );
    },

    async lease(worker, now, leaseMs, excludeChats) {
      const doc = await model
        .findOneAndUpdate(
          {
            // Waiting and due, or held by a worker whose lease ran out (it died or hung).
            $or: [
              { status: 'pending', notBefore: { $lte: now } },
              { status: 'sending', leaseUntil: { $lte: now } },
            ],
            ...(excludeChats.length > 0 ? { chatKey: { $nin: [...excludeChats] } } : {}),
          },
          { $set: { status: 'sending', leaseOwner: worker, leaseUntil: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } },
          { sort: { notBefore: 1 }, returnDocument: 'after' },
        )
        .lean();
      return doc ? toEntry(doc) : null;
    },

    async markSent(key, worker, at) {
      await model.updateOne(
        { key, status: 'sending', leaseOwner: worker },
        { $set: { status: 'sent', sentAt: at }, $unset: { leaseOwner: 1, leaseUntil: 1, lastError: 1 } },
      );
    },

    async retryLater(key, worker, notBefore, error) {
      await model.updateOne(
        { key, status: 'sending', leaseOwner: worker },
        { $set: { status: 'pending', notBefore, ...(error ? { lastError: error } : {}) }, $unset: { leaseOwner: 1, leaseUntil: 1 } },
      );
    },

    async markFailed(key, worker, reason, at) {
      await model.updateOne(
        { key, status: 'sending', leaseOwner: worker },
        { $set: { status: 'failed', lastError: reason, sentAt: at }, $unset: { leaseOwner: 1, leaseUntil: 1 } },
      );
    },

    async counts() {
      const [pending, failed, sent] = await Promise.all([
        model.countDocuments({ status: { $in: ['pending', 'sending'] } }),
        model.countDocuments({ status: 'failed' }),
        model.countDocuments({ status: 'sent' }),
      ]);
      return { pending, failed, sent };
    },
  };
}

function toEntry(doc: {
  key: string;
  kind: string;
  platform: string;
  chatId: string;
  requestNumber?: number | null;
  volunteerNumber?: number | null;
  viaHeadquarters?: boolean | null;
  round?: number | null;
  volunteerId?: string | null;
  viewerId?: string | null;
  reminder?: boolean | null;
  toRequester?: string | null;
  columns?: unknown;
  text?: string | null;
  attempts: number;
}): OutboxEntry {
  const base = { platform: doc.platform as OutboxMessage['platform'], chatId: doc.chatId };
  const round = doc.round ?? 0;
  const message: OutboxMessage =
    doc.kind === 'text'
      ? {
          kind: 'text',
          ...base,
          text: doc.text ?? '',
          ...(doc.requestNumber != null ? { requestNumber: doc.requestNumber } : {}),
          ...(doc.toRequester ? { toRequester: doc.toRequester as RequesterMessageKind } : {}),
        }
      : doc.kind === 'post'
        ? {
            kind: 'post',
            ...base,
            requestNumber: doc.requestNumber!,
            viaHeadquarters: doc.viaHeadquarters ?? false,
            round,
            ...(doc.reminder ? { reminder: true } : {}),
          }
        : doc.kind === 'task'
          ? { kind: 'task', ...base, requestNumber: doc.requestNumber!, volunteerId: doc.volunteerId ?? '', ...(doc.text ? { note: doc.text } : {}) }
          : doc.kind === 'withdraw'
            ? { kind: 'withdraw', ...base, requestNumber: doc.requestNumber!, viewerId: doc.viewerId ?? '' }
            : doc.kind === 'feedback'
              ? { kind: 'feedback', ...base, requestNumber: doc.requestNumber!, reminder: doc.reminder ?? false }
              : doc.kind === 'chart'
                ? { kind: 'chart', ...base, caption: doc.text ?? '', columns: (doc.columns as number[][] | undefined) ?? [] }
                : doc.kind === 'application'
                  ? { kind: 'application', ...base, volunteerNumber: doc.volunteerNumber ?? 0 }
                  : { kind: 'sync', ...base, requestNumber: doc.requestNumber!, round };
  return { key: doc.key, message, attempts: doc.attempts };
}
