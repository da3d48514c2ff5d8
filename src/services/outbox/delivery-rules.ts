import { REQUESTER_NIGHT_POLICY, type NightHandling, type RequesterMessageKind } from '../../domain/night-policy.js';
import { toPublicView, type GroupPost, type HelpRequest } from '../../domain/request.js';
import type { Catalog } from '../../scenario/text.js';
import { RecipientUnreachableError } from '../../domain/errors.js';
import type { ChatBindings } from '../chat-bindings.js';
import type { ReportChartPainter, VettingTexts } from '../texts.js';
import { encodeConsoleAction } from '../console/action-codec.js';
import type { AccessLog, Messenger, OutboxMessage, RequestRepository, SendOptions, VolunteerRoster } from '../ports.js';
import type { ChatButton } from '../private-chat/reply.js';
import { holds, type TaskDetails } from '../task-details.js';
import { PermanentDeliveryError } from './permanent-delivery-error.js';

/** What is to be done with a message now, by the state of its request at delivery time. */
export type Delivery =
  /**
   * Send it: `send` makes the platform's call (once the chat's slot is taken) and records what it
   * must; `more`: there is more of it for the chat's next slot (one call per slot).
   */
  | { action: 'send'; send: () => Promise<void>; more?: true }
  /** Nothing to send any more (done before, or overtaken by events): the message is finished. */
  | { action: 'skip' }
  /** Not yet: it depends on another message still on its way. */
  | { action: 'wait'; retryInMs: number; reason: string };

/** What a rule may use to decide and to send. */
export interface DeliveryContext {
  messenger: Messenger;
  requests: RequestRepository;
  /** Sends a holder their task card and records it (src/services/task-details.ts). */
  details: TaskDetails;
  accessLog: AccessLog;
  /** Applications to volunteer, read when one is sent to the HQ chat. */
  volunteers: Pick<VolunteerRoster, 'findByNumber'>;
  vettingTexts: VettingTexts;
  catalog: Catalog;
  drawReportChart: ReportChartPainter;
  /** Volunteer chats: a post that reached one is noted. */
  bindings: Pick<ChatBindings, 'posted'>;
  now: () => Date;
  /** The outbox key: a platform that can recognises a message sent twice by it. */
  deliveryKey: string;
  /** The night policy says: without a notification sound. */
  silent: boolean;
}

/** How one kind of outbox message is delivered. */
interface DeliveryRule<M extends OutboxMessage> {
  /** Its row of the night policy when it is news for a requester; otherwise it goes at any hour. */
  nightKind(message: M): RequesterMessageKind | undefined;
  plan(message: M, context: DeliveryContext): Promise<Delivery>;
  /** What giving up on it means besides the note to the HQ chat, which every kind gets. */
  afterPermanentFailure?(message: M, context: DeliveryContext): Promise<void>;
}

type MessageOf<K extends OutboxMessage['kind']> = Extract<OutboxMessage, { kind: K }>;

const send = (call: () => Promise<void>): Delivery => ({ action: 'send', send: call });
const SKIP: Delivery = { action: 'skip' };
const notToRequester = (): undefined => undefined;

/** The options of a message to a person who may be asleep: its delivery key, and silence as the night policy says. */
function personalOptions(context: DeliveryContext): SendOptions {
  return { deliveryKey: context.deliveryKey, ...(context.silent ? { silent: true } : {}) };
}

/** The request a message is about, as it is now; a message about a request that is gone can never be sent. */
async function requestOf(number: number, context: DeliveryContext): Promise<HelpRequest> {
  const request = await context.requests.findByNumber(number);
  if (!request) throw new PermanentDeliveryError(`request ${number} does not exist`);
  return request;
}

/** A requester who blocked the bot is not asked again by follow-ups (a no-op for other chats). */
async function markRequesterUnreachable(message: MessageOf<'text' | 'feedback'>, context: DeliveryContext): Promise<void> {
  if (message.requestNumber !== undefined) await context.requests.markRequesterUnreachable(message.requestNumber, message.chatId, context.now());
}

/** The posts of a message's round in its chat that went out: the first, and the reminder's repost if any. */
function postsOf(request: HelpRequest, message: MessageOf<'post' | 'sync'>) {
  return request.posts.filter((p) => p.platform === message.platform && p.chatId === message.chatId && p.round === message.round);
}

/**
 * Where the platform no longer lets the bot edit or delete a message with a request's details, its
 * reader is asked to delete it; one who blocked the bot meanwhile cannot be asked.
 */
async function askToDelete(message: MessageOf<'withdraw'>, recordId: string, context: DeliveryContext): Promise<void> {
  const text = context.catalog.t('volunteer.detailsLeftBehind', { number: message.requestNumber });
  await context.messenger.sendText(message.chatId, text, { deliveryKey: `${context.deliveryKey}:${recordId}` }).catch((error: unknown) => {
    if (!(error instanceof RecipientUnreachableError)) throw error;
  });
}

/** A round's post, and the one repost of its reminder: more in a chat means this one went out already. */
const POSTS_WITH_REMINDER = 2;

/** How long a superseded post waits for the new round's post, so it can say where that went. */
const REPOST_WAIT_MS = 60_000;

/**
 * A post of an earlier round, edited once the request was given back, says where it went again; the
 * new round's post goes out with it, so the edit waits for it a little. A new post that cannot be
 * sent does not hold the old one for longer: then the edit says «posted again» without a place.
 */
function awaitsRepost(request: HelpRequest, post: GroupPost, now: Date): boolean {
  if (post.round >= request.round || request.status !== 'new') return false;
  if (request.posts.some((p) => p.round === request.round)) return false;
  const since = request.history.at(-1)?.at;
  return !!since && now.getTime() - since.getTime() < REPOST_WAIT_MS;
}

/** One row per kind of outbox message. */
const DELIVERY_RULES: { [K in OutboxMessage['kind']]: DeliveryRule<MessageOf<K>> } = {
  text: {
    nightKind: (message) => message.toRequester,
    plan: async (message, context) => send(() => context.messenger.sendText(message.chatId, message.text, personalOptions(context))),
    afterPermanentFailure: markRequesterUnreachable,
  },

  chart: {
    nightKind: notToRequester,
    // A platform that cannot show pictures has the report's text, which says the same in words.
    plan: async (message, { messenger, deliveryKey, drawReportChart }) =>
      messenger.sendChart ? send(() => messenger.sendChart!(message.chatId, drawReportChart(message.columns), message.caption, { deliveryKey })) : SKIP,
  },

  application: {
    nightKind: notToRequester,
    async plan(message, context) {
      const record = await context.volunteers.findByNumber(message.volunteerNumber);
      // Decided meanwhile (in another HQ chat, on the console) or forgotten: nothing is left to decide here.
      if (record?.status !== 'pending' || !record.details) return SKIP;
      const { vettingTexts: texts, deliveryKey } = context;
      const { number } = record;
      const buttons: ChatButton[][] = [
        [
          { label: texts.approveLabel(), action: { kind: 'console', data: encodeConsoleAction({ type: 'approve', number }) }, tone: 'positive' },
          { label: texts.rejectLabel(), action: { kind: 'console', data: encodeConsoleAction({ type: 'reject', number }) }, tone: 'negative' },
        ],
      ];
      return send(() => context.messenger.sendWithButtons(message.chatId, texts.applicationPost(record), buttons, { deliveryKey }));
    },
  },

  feedback: {
    nightKind: (message) => (message.reminder ? 'ratingReminder' : 'ratingQuestion'),
    async plan(message, context) {
      const request = await requestOf(message.requestNumber, context);
      // Asked only while the answer is still wanted: done, and not rated meanwhile.
      if (request.status !== 'done' || request.feedback) return SKIP;
      const text = context.catalog.t(message.reminder ? 'jobs.feedbackReminder' : 'jobs.feedbackQuestion', { number: request.number });
      return send(() => context.messenger.sendFeedbackRequest(message.chatId, request.number, text, personalOptions(context)));
    },
    afterPermanentFailure: markRequesterUnreachable,
  },

  task: {
    nightKind: notToRequester,
    async plan(message, context) {
      const request = await requestOf(message.requestNumber, context);
      // Details go only to whoever holds the request when they are sent: a volunteer it was taken
      // from meanwhile must not receive the address and phone.
      const holder = { platform: message.platform, userId: message.volunteerId };
      if (!holds(request, holder)) return SKIP;
      const options = { deliveryKey: context.deliveryKey, ...(message.note ? { note: message.note } : {}) };
      return send(() => context.details.show(request, holder, 'task_card', options));
    },
  },

  withdraw: {
    nightKind: notToRequester,
    async plan(message, context) {
      const request = await requestOf(message.requestNumber, context);
      const viewer = { platform: message.platform, userId: message.viewerId };
      // Theirs again (given back and taken anew before this went out): the details are theirs to see.
      if (holds(request, viewer)) return SKIP;
      const [first, ...rest] = (await context.accessLog.listShowing(request.number, viewer)).filter((r) => r.message);
      if (!first?.message) return SKIP;
      const shown = first.message;
      // One message per slot of the chat; the rest of them at its next slots.
      const withdraw = async () => {
        if ((await context.messenger.withdrawShown(shown, request, context.now())) === 'kept') await askToDelete(message, first.id, context);
        await context.accessLog.markWithdrawn(first.id, context.now());
      };
      return { action: 'send', send: withdraw, ...(rest.length > 0 ? { more: true as const } : {}) };
    },
  },

  post: {
    nightKind: notToRequester,
    async plan(message, context) {
      const request = await requestOf(message.requestNumber, context);
      // Already posted (this worker's predecessor died after sending, before marking), or a post
      // of a round the request has left behind: nothing to do. A reminder's repost is for a request
      // still waiting, and goes out once.
      const posted = postsOf(request, message).length;
      if (message.round !== request.round) return SKIP;
      if (message.reminder ? request.status !== 'new' || posted >= POSTS_WITH_REMINDER : posted > 0) return SKIP;
      return send(async () => {
        const { platform, chatId, viaHeadquarters, round } = message;
        const messageId = await context.messenger.postRequest(chatId, toPublicView(request), viaHeadquarters, { deliveryKey: context.deliveryKey });
        await context.requests.addPost(request.number, { platform, chatId, messageId, viaHeadquarters, round }, context.now());
        if (!viaHeadquarters) await context.bindings.posted(platform, chatId);
      });
    },
  },

  sync: {
    nightKind: notToRequester,
    async plan(message, context) {
      const request = await requestOf(message.requestNumber, context);
      // Every post of the round in the chat, the reminder's repost too, loses its button together; a
      // superseded round's post waits a little for the new one, to say where it went.
      const posts = postsOf(request, message);
      if (posts.some((post) => awaitsRepost(request, post, context.now()))) return { action: 'wait', retryInMs: 2000, reason: 'new round not posted yet' };
      if (posts.length > 0)
        return send(async () => {
          for (const post of posts) await context.messenger.updatePost(post, toPublicView(request, post));
        });
      // The post itself is still on its way; the edit waits for it (it renders the state then).
      if (message.round === request.round) return { action: 'wait', retryInMs: 2000, reason: 'post not sent yet' };
      return SKIP;
    },
  },
};

/** The rule of a message's kind (the table is keyed by kind, so the row matches the message). */
function ruleFor<M extends OutboxMessage>(message: M): DeliveryRule<M> {
  return DELIVERY_RULES[message.kind] as unknown as DeliveryRule<M>;
}

/** What is to be done with a message now. */
export function planDelivery(message: OutboxMessage, context: DeliveryContext): Promise<Delivery> {
  return ruleFor(message).plan(message, context);
}

/** Whatever giving up on a message means for its kind. */
export async function afterPermanentFailure(message: OutboxMessage, context: DeliveryContext): Promise<void> {
  await ruleFor(message).afterPermanentFailure?.(message, context);
}

/**
 * How a message goes out now: news for a requester during quiet hours as its row of the night policy
 * says, anything else at once. `isQuiet` is asked only for news for a requester.
 */
export function nightHandlingOf(message: OutboxMessage, isQuiet: () => boolean): NightHandling {
  const kind = ruleFor(message).nightKind(message);
  return kind && isQuiet() ? REQUESTER_NIGHT_POLICY[kind] : 'send';
}
