import type { FeedbackStore } from '../../services/feedback.js';
import type { RequestModel } from '../models/request-model.js';
import { toHelpRequest } from './request-repository.js';

/** Feedback stored on the request itself, each write one conditional update. */
export function createMongoFeedbackStore(requests: RequestModel): FeedbackStore {
  return {
    async rate(number, requester, rating, at) {
      // Only the request's own requester, only once it is done, only the first rating.
      const doc = await requests
        .findOneAndUpdate(
          { number, status: 'done', 'requester.platform': requester.platform, 'requester.userId': requester.userId, feedback: { $exists: false } },
          { $set: { feedback: { rating, at } } },
          { returnDocument: 'after' },
        )
        .lean();
      return doc ? toHelpRequest(doc) : null;
    },
    async addComment(number, requester, comment) {
      const result = await requests.updateOne(
        {
          number,
          'requester.platform': requester.platform,
          'requester.userId': requester.userId,
          feedback: { $exists: true },
          'feedback.comment': { $exists: false },
        },
        { $set: { 'feedback.comment': comment } },
      );
      return result.modifiedCount === 1;
    },
  };
}
