import { splitChatAddress } from '../../domain/chat-address.js';
import { ChatLostError, ChatMovedError, type ChatLostReason } from '../../domain/errors.js';
import type { QuietHoursRule } from '../../domain/quiet-hours.js';
import type { Catalog } from '../../scenario/text.js';
import type { ChatBindings } from '../chat-bindings.js';
import type { RequestEffects } from '../request-effects.js';
import type { ReportChartPainter, VettingTexts } from '../texts.js';
import { describeError } from '../describe-error.js';
import type { AccessLog, ChatRef, Logger, Messenger, Messengers, Outbox, OutboxEntry, RequestRepository, VolunteerRoster } from '../ports.js';
import type { TaskDetails } from '../task-details.js';
import { afterPermanentFailure, nightHandlingOf, planDelivery, type DeliveryContext } from './delivery-rules.js';
import type { Pacer } from './pacer.js';
import { readFailure } from './permanent-delivery-error.js';

export interface DeliverNextDeps {
  outbox: Outbox;
  requests: RequestRepository;
  details: TaskDetails;
  accessLog: AccessLog;
  volunteers: Pick<VolunteerRoster, 'findByNumber'>;
  vettingTexts: VettingTexts;
  messengers: Messengers;
  headquartersChats: readonly ChatRef[];
  catalog: Catalog;
  drawReportChart: ReportChartPainter;
  /** Volunteer chats that moved or were lost under the bot, as a refused message shows. */
  bindings: Pick<ChatBindings, 'moved' | 'lost' | 'posted'>;
  effects: Pick<RequestEffects, 'enqueueFor'>;
  logger: Logger;
  now: () => Date;
  quietHours: QuietHoursRule;
  pacer: Pacer;
  workerId: string;
  leaseMs: number;
}

/** How long a message for a platform this process does not run waits for a process that does. */
const PLATFORM_ABSENT_RETRY_MS = 60_000;

/** Leases the next due message and handles it; false when nothing was due. */
export async function deliverNext(deps: DeliverNextDeps): Promise<boolean> {
  const now = deps.now();
  const entry = await deps.outbox.lease(deps.workerId, now, deps.leaseMs, deps.pacer.busyChats(now.getTime()));
  if (!entry) return false;
  const { platform } = entry.message;
  const messenger = deps.messengers[platform];
  if (!messenger) {
    await deps.outbox.retryLater(entry.key, deps.workerId, new Date(now.getTime() + PLATFORM_ABSENT_RETRY_MS), `${platform} is not running here`);
    return true;
  }
  await deliver(entry, messenger, deps);
  return true;
}

/** Sends one leased message as its kind's rule says, at night as the night policy says, and marks it. */
async function deliver(entry: OutboxEntry, messenger: Messenger, deps: DeliverNextDeps): Promise<void> {
  const handling = nightHandlingOf(entry.message, () => deps.quietHours.isQuiet(deps.now()));
  if (handling === 'hold-until-morning') {
    await deps.outbox.retryLater(entry.key, deps.workerId, deps.quietHours.endOf(deps.now()));
    return;
  }
  const { requests, details, accessLog, volunteers, vettingTexts, catalog, drawReportChart, bindings, now } = deps;
  const context: DeliveryContext = {
    messenger,
    requests,
    details,
    accessLog,
    volunteers,
    vettingTexts,
    catalog,
    drawReportChart,
    bindings,
    now,
    deliveryKey: entry.key,
    silent: handling === 'send-silently',
  };
  try {
    const delivery = await planDelivery(entry.message, context);
    if (delivery.action === 'wait') {
      await deps.outbox.retryLater(entry.key, deps.workerId, new Date(deps.now().getTime() + delivery.retryInMs), delivery.reason);
      return;
    }
    if (delivery.action === 'send') {
      if (!(await takeTurn(entry, messenger, deps))) return;
      await delivery.send();
      if (delivery.more) {
        // Due again at once; the pacer gives it the chat's next slot.
        await deps.outbox.retryLater(entry.key, deps.workerId, deps.now());
        return;
      }
    }
    await deps.outbox.markSent(entry.key, deps.workerId, deps.now());
  } catch (error) {
    await handleFailure(entry, context, error, deps);
  }
}

/** Waits for the chat's turn; false when the chat is busy, the message then put back for its next slot. */
async function takeTurn(entry: OutboxEntry, messenger: Messenger, deps: DeliverNextDeps): Promise<boolean> {
  const { platform, chatId } = entry.message;
  // Topics of one group share the group's limits.
  const slot = await deps.pacer.takeSlot(platform, splitChatAddress(chatId).chatId, messenger.isGroupChat(chatId));
  if (slot.ok) return true;
  await deps.outbox.retryLater(entry.key, deps.workerId, slot.nextAt);
  return false;
}

/** A transient failure is tried again later (when the platform said, or with backoff); a permanent one is given up. */
async function handleFailure(entry: OutboxEntry, context: DeliveryContext, error: unknown, deps: DeliverNextDeps): Promise<void> {
  if (error instanceof ChatMovedError) return follow(entry, error.toChatId, deps);
  if (error instanceof ChatLostError && context.messenger.isGroupChat(entry.message.chatId) && !isHeadquarters(entry, deps))
    return dropForLostChat(entry, error.reason, deps);
  const failure = readFailure(error, context.messenger);
  if (failure.permanent) {
    await giveUp(entry, failure.reason, context, deps);
    return;
  }
  const retryInMs = deps.pacer.retryDelayMs(failure.retryAfterMs, entry.attempts);
  const notBefore = new Date(deps.now().getTime() + retryInMs);
  if (failure.retryAfterMs) await deps.pacer.holdChat(entry.message.platform, splitChatAddress(entry.message.chatId).chatId, notBefore);
  await deps.outbox.retryLater(entry.key, deps.workerId, notBefore, failure.reason);
  deps.logger.info({ key: entry.key, attempts: entry.attempts, retryInMs, err: describeError(error) }, 'outbox: will retry');
}

/**
 * The chat has a new id (a group turned supergroup): its binding moves, and the message goes there
 * instead, under a key of its own so that a second try does not send it twice. An edit of a post
 * sent before the move is given up: that post is history of the old group now.
 */
async function follow(entry: OutboxEntry, toChatId: string, deps: DeliverNextDeps): Promise<void> {
  const { platform, chatId } = entry.message;
  await deps.bindings.moved(platform, chatId, toChatId);
  if (entry.message.kind !== 'sync')
    await deps.outbox.enqueue([{ key: `${entry.key}>${toChatId}`, message: { ...entry.message, chatId: toChatId } }], deps.now());
  // Done here: the copy carries it on.
  await deps.outbox.markSent(entry.key, deps.workerId, deps.now());
  deps.logger.info({ key: entry.key, platform }, 'outbox: the chat has a new id; the message follows it');
}

/**
 * The bot can no longer write in a volunteer chat: the binding is marked broken (the HQ chats told
 * once, the district's waiting requests posted where its requests go now), and this message given up
 * without a note of its own. A post's request is posted again where it goes now.
 */
async function dropForLostChat(entry: OutboxEntry, reason: ChatLostReason, deps: DeliverNextDeps): Promise<void> {
  const { platform, chatId } = entry.message;
  await deps.bindings.lost(platform, chatId, reason);
  await deps.outbox.markFailed(entry.key, deps.workerId, `chat lost: ${reason}`, deps.now());
  if (entry.message.kind === 'post') {
    const request = await deps.requests.findByNumber(entry.message.requestNumber);
    if (request) await deps.effects.enqueueFor(request);
  }
}

function isHeadquarters(entry: OutboxEntry, deps: DeliverNextDeps): boolean {
  return deps.headquartersChats.some((hq) => hq.platform === entry.message.platform && hq.chatId === entry.message.chatId);
}

async function giveUp(entry: OutboxEntry, reason: string, context: DeliveryContext, deps: DeliverNextDeps): Promise<void> {
  await deps.outbox.markFailed(entry.key, deps.workerId, reason, deps.now());
  // `failure`, not `reason`: the logger redacts every reason, which elsewhere is what a person typed.
  deps.logger.warn({ key: entry.key, failure: reason }, 'outbox: giving up on a message');
  await afterPermanentFailure(entry.message, context);
  await reportUndelivered(entry, deps);
}

/** Tells the HQ chats that a message could not be delivered (what it was about, nothing personal). */
async function reportUndelivered(entry: OutboxEntry, deps: DeliverNextDeps): Promise<void> {
  if (entry.key.startsWith('undelivered:')) return;
  const about = 'requestNumber' in entry.message ? entry.message.requestNumber : undefined;
  const text = about !== undefined ? deps.catalog.t('outbox.undeliveredAbout', { number: about }) : deps.catalog.t('outbox.undelivered');
  await deps.outbox.enqueue(
    deps.headquartersChats.map((hq) => ({ key: `undelivered:${entry.key}:${hq.platform}:${hq.chatId}`, message: { kind: 'text' as const, ...hq, text } })),
    deps.now(),
  );
}
