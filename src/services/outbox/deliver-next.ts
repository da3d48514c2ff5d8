import type { QuietHoursRule } from '../../domain/quiet-hours.js';
import type { Catalog } from '../../scenario/text.js';
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
  const { requests, details, accessLog, volunteers, vettingTexts, catalog, drawReportChart, now } = deps;
  const context: DeliveryContext = {
    messenger,
    requests,
    details,
    accessLog,
    volunteers,
    vettingTexts,
    catalog,
    drawReportChart,
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
  const slot = await deps.pacer.takeSlot(platform, chatId, messenger.isGroupChat(chatId));
  if (slot.ok) return true;
  await deps.outbox.retryLater(entry.key, deps.workerId, slot.nextAt);
  return false;
}

/** A transient failure is tried again later (when the platform said, or with backoff); a permanent one is given up. */
async function handleFailure(entry: OutboxEntry, context: DeliveryContext, error: unknown, deps: DeliverNextDeps): Promise<void> {
  const failure = readFailure(error, context.messenger);
  if (failure.permanent) {
    await giveUp(entry, failure.reason, context, deps);
    return;
  }
  const retryInMs = deps.pacer.retryDelayMs(failure.retryAfterMs, entry.attempts);
  const notBefore = new Date(deps.now().getTime() + retryInMs);
  if (failure.retryAfterMs) await deps.pacer.holdChat(entry.message.platform, entry.message.chatId, notBefore);
  await deps.outbox.retryLater(entry.key, deps.workerId, notBefore, failure.reason);
  deps.logger.info({ key: entry.key, attempts: entry.attempts, retryInMs, err: describeError(error) }, 'outbox: will retry');
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
