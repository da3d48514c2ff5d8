import { REQUESTER_NIGHT_POLICY, type NightHandling, type RequesterMessageKind } from '../domain/night-policy.js';
import type { QuietHoursRule } from '../domain/quiet-hours.js';
import { toPublicView, type Platform } from '../domain/request.js';
import { renderStackedBars, STATUS_COLOURS } from '../messages/report-chart.js';
import type { Catalog } from '../messages/catalog.js';
import { describeError } from './describe-error.js';
import type { ChatPacing, ChatRef, Logger, Messengers, Outbox, OutboxEntry, OutboxMessage, RequestRepository } from './ports.js';
import type { RequestEffects } from './request-effects.js';

/** The platforms' sending limits: spacing per chat and a rate for the whole bot. */
export interface SendingLimits {
  groupIntervalMs: Record<Platform, number>;
  privateIntervalMs: Record<Platform, number>;
  perSecond: Record<Platform, number>;
}

/**
 * Spacing to spare: a message sent in its slot can reach the platform a little late (a busy event
 * loop, the network) and the next one on time, so the two would land closer than the limit allows.
 * 4 % more spacing absorbs that across a platform's counting window and still uses 96 % of the limit.
 */
const HEADROOM = 1.04;

/** The limits each platform declares (bots/<platform>/), with spacing to spare, as the worker paces by them. */
export function withHeadroom(platforms: readonly { id: Platform; sendingLimits: { groupIntervalMs: number; privateIntervalMs: number; perSecond: number } }[]): SendingLimits {
  const each = (f: (limits: (typeof platforms)[number]['sendingLimits']) => number) =>
    Object.fromEntries(platforms.map((p) => [p.id, f(p.sendingLimits)])) as Record<Platform, number>;
  return {
    groupIntervalMs: each((l) => l.groupIntervalMs * HEADROOM),
    privateIntervalMs: each((l) => l.privateIntervalMs * HEADROOM),
    perSecond: each((l) => l.perSecond / HEADROOM),
  };
}

export interface OutboxWorkerDeps {
  outbox: Outbox;
  pacing: ChatPacing;
  requests: RequestRepository;
  effects: RequestEffects;
  messengers: Messengers;
  headquartersChats: readonly ChatRef[];
  catalog: Catalog;
  limits: SendingLimits;
  logger: Logger;
  now: () => Date;
  /** When requesters are in their quiet hours: their messages are then sent as the night policy says. */
  quietHours: QuietHoursRule;
  /** Names this worker in leases; unique per process. */
  workerId: string;
  /** Deliveries in flight at once in this process. */
  concurrency?: number;
  /** How long a lease lasts: a worker that dies holding a message loses it to another after this. */
  leaseMs?: number;
  /** How often an idle worker looks for due messages (it is also woken when something is enqueued here). */
  idleMs?: number;
  /** How often to look for requests whose messages a crash left unenqueued. */
  sweepEveryMs?: number;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Delivers the outbox: leases one due message at a time (atomically, so each is sent once however
 * many processes run), waits for its chat's slot and the bot's rate, sends it, and marks it. A
 * transient failure is retried with backoff (or after Telegram's retry_after); a permanent one is
 * recorded and reported to the HQ chat.
 */
export function createOutboxWorker(deps: OutboxWorkerDeps) {
  const concurrency = deps.concurrency ?? 4;
  const leaseMs = deps.leaseMs ?? 60_000;
  const idleMs = deps.idleMs ?? 500;
  const sweepEveryMs = deps.sweepEveryMs ?? 30_000;
  /** Chats known to be busy until a time: not asked for until then. */
  const quietChats = new Map<string, number>();
  /** The earliest time the next message of each platform may go, for the bot-wide rate. */
  const nextGlobalSlot: Partial<Record<Platform, number>> = {};
  let running = false;
  let loops: Promise<void>[] = [];
  let wakers: (() => void)[] = [];
  let sweepTimer: NodeJS.Timeout | undefined;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakers = wakers.filter((w) => w !== done);
        resolve();
      }
      wakers.push(done);
    });
  }

  function excluded(now: number): string[] {
    for (const [chat, until] of quietChats) if (until <= now) quietChats.delete(chat);
    return [...quietChats.keys()];
  }

  /** Leases and handles one message; false when nothing was due. */
  async function step(): Promise<boolean> {
    const now = deps.now();
    const entry = await deps.outbox.lease(deps.workerId, now, leaseMs, excluded(now.getTime()));
    if (!entry) return false;
    const { platform, chatId } = entry.message;
    const messenger = deps.messengers[platform];
    if (!messenger) {
      await deps.outbox.retryLater(entry.key, deps.workerId, new Date(now.getTime() + 60_000), `${platform} is not running here`);
      return true;
    }
    const chat = `${platform}:${chatId}`;
    const interval = messenger.isGroupChat(chatId) ? deps.limits.groupIntervalMs[platform] : deps.limits.privateIntervalMs[platform];
    /** Takes the chat's slot right before the call, so the spacing Telegram sees is the one reserved. */
    const pace = async (): Promise<boolean> => {
      await waitForGlobalSlot(platform);
      const slot = await deps.pacing.reserve(chat, interval, deps.now());
      if (slot.ok) return true;
      quietChats.set(chat, slot.nextAt.getTime());
      await deps.outbox.retryLater(entry.key, deps.workerId, slot.nextAt);
      return false;
    };
    await deliver(entry, chat, pace);
    return true;
  }

  async function waitForGlobalSlot(platform: Platform): Promise<void> {
    const spacing = 1000 / deps.limits.perSecond[platform];
    const now = Date.now();
    const at = Math.max(now, nextGlobalSlot[platform] ?? 0);
    nextGlobalSlot[platform] = at + spacing;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  /** How a message goes out now: at night, news for a requester as its row of the night policy says. */
  function handlingNow(message: OutboxMessage): NightHandling {
    const kind = requesterKindOf(message);
    return kind && deps.quietHours.isQuiet(deps.now()) ? REQUESTER_NIGHT_POLICY[kind] : 'send';
  }

  async function deliver(entry: OutboxEntry, chat: string, pace: () => Promise<boolean>): Promise<void> {
    const { message } = entry;
    const messenger = deps.messengers[message.platform]!;
    const handling = handlingNow(message);
    if (handling === 'hold-until-morning') {
      await deps.outbox.retryLater(entry.key, deps.workerId, deps.quietHours.endOf(deps.now()));
      return;
    }
    const options = { deliveryKey: entry.key, ...(handling === 'send-silently' ? { silent: true } : {}) };
    try {
      if (message.kind === 'text') {
        if (!(await pace())) return;
        await messenger.sendText(message.chatId, message.text, options);
      } else if (message.kind === 'chart') {
        // A platform that cannot show pictures has the report's text, which says the same in words.
        if (messenger.sendChart) {
          if (!(await pace())) return;
          await messenger.sendChart(message.chatId, renderStackedBars(message.columns, STATUS_COLOURS), message.caption, { deliveryKey: entry.key });
        }
      } else {
        const request = await deps.requests.findByNumber(message.requestNumber);
        if (!request) throw Object.assign(new Error(`request ${message.requestNumber} does not exist`), { permanent: true });
        if (message.kind === 'feedback') {
          // Asked only while the answer is still wanted: done, and not rated meanwhile.
          if (request.status === 'done' && !request.feedback) {
            if (!(await pace())) return;
            const text = deps.catalog.t(message.reminder ? 'jobs.feedbackReminder' : 'jobs.feedbackQuestion', { number: request.number });
            await messenger.sendFeedbackRequest(message.chatId, request.number, text, options);
          }
        } else if (message.kind === 'task') {
          // Details go only to whoever holds the request when they are sent: a volunteer it was taken
          // from meanwhile must not receive the address and phone.
          if (request.status === 'claimed' && request.volunteer?.platform === message.platform && request.volunteer.userId === message.volunteerId) {
            if (!(await pace())) return;
            await messenger.sendTaskCard(message.chatId, request, { deliveryKey: entry.key, ...(message.note ? { note: message.note } : {}) });
          }
        } else {
          const post = request.posts.find((p) => p.platform === message.platform && p.chatId === message.chatId && p.round === message.round);
          if (message.kind === 'post') {
            // Already posted (this worker's predecessor died after sending, before marking), or a post
            // of a round the request has left behind: nothing to do.
            if (!post && message.round === request.round) {
              if (!(await pace())) return;
              const messageId = await messenger.postRequest(message.chatId, toPublicView(request), message.viaHeadquarters, { deliveryKey: entry.key });
              await deps.requests.addPost(
                request.number,
                { platform: message.platform, chatId: message.chatId, messageId, viaHeadquarters: message.viaHeadquarters, round: message.round },
                deps.now(),
              );
            }
          } else if (post) {
            if (!(await pace())) return;
            await messenger.updatePost(post, toPublicView(request, post));
          } else if (message.round === request.round) {
            // The post itself is still on its way; the edit waits for it (it renders the state then).
            await deps.outbox.retryLater(entry.key, deps.workerId, new Date(deps.now().getTime() + 2000), 'post not sent yet');
            return;
          }
        }
      }
      await deps.outbox.markSent(entry.key, deps.workerId, deps.now());
    } catch (error) {
      const failure = (error as { permanent?: boolean }).permanent
        ? { permanent: true as const, reason: (error as Error).message }
        : messenger.describeFailure(error);
      if (failure.permanent) {
        await deps.outbox.markFailed(entry.key, deps.workerId, failure.reason, deps.now());
        // `failure`, not `reason`: the logger redacts every reason, which elsewhere is what a person typed.
        deps.logger.warn({ key: entry.key, failure: failure.reason }, 'outbox: giving up on a message');
        // A requester who blocked the bot is not asked again by follow-ups (a no-op for other chats).
        if ((message.kind === 'text' || message.kind === 'feedback') && message.requestNumber !== undefined) {
          await deps.requests.markRequesterUnreachable(message.requestNumber, message.chatId, deps.now());
        }
        await reportUndelivered(entry);
        return;
      }
      const backoff = failure.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(entry.attempts, 12));
      const notBefore = new Date(deps.now().getTime() + backoff);
      if (failure.retryAfterMs) {
        // The platform asked this chat (or the bot) to slow down: keep the chat quiet everywhere.
        await deps.pacing.holdUntil(chat, notBefore);
        quietChats.set(chat, notBefore.getTime());
      }
      await deps.outbox.retryLater(entry.key, deps.workerId, notBefore, failure.reason);
      deps.logger.info({ key: entry.key, attempts: entry.attempts, retryInMs: backoff, err: describeError(error) }, 'outbox: will retry');
    }
  }

  /** Tells the HQ chats that a message could not be delivered (what it was about, nothing personal). */
  async function reportUndelivered(entry: OutboxEntry): Promise<void> {
    if (entry.key.startsWith('undelivered:')) return;
    const about = 'requestNumber' in entry.message ? entry.message.requestNumber : undefined;
    const text = about !== undefined ? deps.catalog.t('outbox.undeliveredAbout', { number: about }) : deps.catalog.t('outbox.undelivered');
    await deps.outbox.enqueue(
      deps.headquartersChats.map((hq) => ({ key: `undelivered:${entry.key}:${hq.platform}:${hq.chatId}`, message: { kind: 'text' as const, ...hq, text } })),
      deps.now(),
    );
  }

  /** Idle until a quiet chat reopens, or the idle tick, whichever comes first. */
  function untilNextChance(): number {
    const now = Date.now();
    const reopens = Math.min(...quietChats.values());
    return Math.max(1, Math.min(idleMs, reopens - now));
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        if (!(await step())) await sleep(untilNextChance());
      } catch (error) {
        // The database is away: wait and go on; leases keep every message safe meanwhile.
        deps.logger.error({ err: describeError(error) }, 'outbox: worker step failed');
        await sleep(idleMs * 4);
      }
    }
  }

  async function sweep(): Promise<void> {
    try {
      const found = await deps.effects.sweep(sweepEveryMs);
      if (found > 0) deps.logger.warn({ requests: found }, 'outbox: enqueued messages a crash had left behind');
    } catch (error) {
      deps.logger.error({ err: describeError(error) }, 'outbox: sweep failed');
    }
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      loops = Array.from({ length: concurrency }, () => loop());
      void sweep();
      sweepTimer = setInterval(() => void sweep(), sweepEveryMs);
    },
    /** Something was enqueued: look now rather than at the next idle tick. */
    wake(): void {
      for (const wake of [...wakers]) wake();
    },
    /** Finishes the deliveries in hand and stops. */
    async stop(): Promise<void> {
      running = false;
      clearInterval(sweepTimer);
      for (const wake of [...wakers]) wake();
      await Promise.all(loops);
      loops = [];
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

/** The row of the night policy a message falls under; undefined for messages that are not to a requester. */
function requesterKindOf(message: OutboxMessage): RequesterMessageKind | undefined {
  if (message.kind === 'feedback') return message.reminder ? 'ratingReminder' : 'ratingQuestion';
  if (message.kind === 'text') return message.toRequester;
  return undefined;
}
