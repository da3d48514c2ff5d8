import type { HelpRequest, PersonRef } from '../domain/request.js';
import type { ChatRef, KeyValueStore, Logger, Outbox, RequestRepository } from './ports.js';

/** The ratings a requester may give: 1 (very bad) to 5 (excellent). */
export const RATINGS = [1, 2, 3, 4, 5] as const;
/** Ratings this low are forwarded to the coordinators at once. */
const LOW_RATING = 2;
/** How long after rating the requester's next message is taken as their comment. */
const COMMENT_WINDOW_MS = 30 * 60_000;

/** The requester's feedback on a done request, stored on the request. */
export interface FeedbackStore {
  /** Records a rating once, by the request's own requester, on a done request; null otherwise. */
  rate(number: number, requester: PersonRef, rating: number, at: Date): Promise<HelpRequest | null>;
  /** Adds the requester's comment to their rating; false if there is no rating of theirs to add it to. */
  addComment(number: number, requester: PersonRef, comment: string): Promise<boolean>;
}

export interface FeedbackDeps {
  store: FeedbackStore;
  requests: Pick<RequestRepository, 'findByNumber'>;
  outbox: Outbox;
  wake: () => void;
  headquartersChats: readonly ChatRef[];
  lowRatingText: (request: HelpRequest, rating: number) => string;
  /** Small per-person state: which request a comment would belong to. */
  pending: KeyValueStore<unknown>;
  logger: Logger;
  now: () => Date;
}

/** The requester's answer to "how did it go": a rating, perhaps a comment, and low ones passed on. */
export function createFeedback(deps: FeedbackDeps) {
  const commentKey = (person: PersonRef) => `feedback:${person.platform}:${person.userId}`;

  return {
    /**
     * A rating pressed; 'already' when the person rated this request before (a second press, an old
     * button), 'not_allowed' when it is not theirs to rate (someone else's, or not done).
     */
    async rate(number: number, person: PersonRef, rating: number): Promise<'thanks' | 'already' | 'not_allowed'> {
      const rated = await deps.store.rate(number, person, rating, deps.now());
      if (!rated) {
        const request = await deps.requests.findByNumber(number);
        const theirs = request?.requester?.platform === person.platform && request.requester.userId === person.userId;
        return theirs && request?.feedback ? 'already' : 'not_allowed';
      }
      deps.logger.info({ request: number, rating }, 'feedback received');
      await deps.pending.write(commentKey(person), { number, until: new Date(deps.now().getTime() + COMMENT_WINDOW_MS).toISOString() });
      if (rating <= LOW_RATING) {
        const text = deps.lowRatingText(rated, rating);
        await deps.outbox.enqueue(
          deps.headquartersChats.map((hq) => ({
            key: `feedback:low:${number}:${hq.platform}:${hq.chatId}`,
            message: { kind: 'text' as const, ...hq, text, requestNumber: number },
          })),
          deps.now(),
        );
        deps.wake();
      }
      return 'thanks';
    },

    /** Takes a message as the comment to a rating just given; null when none is waiting for one. */
    async takeComment(person: PersonRef, text: string): Promise<number | null> {
      const pending = (await deps.pending.read(commentKey(person))) as { number: number; until: string } | undefined;
      if (!pending) return null;
      await deps.pending.delete(commentKey(person));
      if (new Date(pending.until) < deps.now() || !text.trim()) return null;
      return (await deps.store.addComment(pending.number, person, text.trim().slice(0, 1000))) ? pending.number : null;
    },
  };
}

export type Feedback = ReturnType<typeof createFeedback>;
