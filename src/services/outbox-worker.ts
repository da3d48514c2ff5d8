import type { QuietHoursRule } from '../domain/quiet-hours.js';
import type { Catalog } from '../scenario/text.js';
import { describeError } from './describe-error.js';
import { deliverNext } from './outbox/deliver-next.js';
import { createPacer } from './outbox/pacer.js';
import type { SendingLimits } from './outbox/sending-limits.js';
import type { ChatBindings } from './chat-bindings.js';
import type { ReportChartPainter, VettingTexts } from './texts.js';
import type { AccessLog, ChatPacing, ChatRef, Logger, Messengers, Outbox, RequestRepository, VolunteerRoster } from './ports.js';
import type { TaskDetails } from './task-details.js';
import type { RequestEffects } from './request-effects.js';

export { withHeadroom, type SendingLimits } from './outbox/sending-limits.js';

export interface OutboxWorkerDeps {
  outbox: Outbox;
  pacing: ChatPacing;
  requests: RequestRepository;
  effects: RequestEffects;
  /** Sends task cards and records them; the access log says which messages to withdraw. */
  details: TaskDetails;
  accessLog: AccessLog;
  /** Applications to volunteer, rendered when sent to the HQ chats. */
  volunteers: Pick<VolunteerRoster, 'findByNumber'>;
  vettingTexts: VettingTexts;
  /** The messengers by platform id; a message for a platform absent here waits for a process that has it. */
  messengers: Messengers;
  headquartersChats: readonly ChatRef[];
  catalog: Catalog;
  /** Draws the daily report's chart when it is sent. */
  drawReportChart: ReportChartPainter;
  /** Volunteer chats that moved or were lost under the bot, as a refused message shows. */
  bindings: Pick<ChatBindings, 'moved' | 'lost' | 'posted'>;
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

/**
 * Delivers the outbox: leases one due message at a time (atomically, so each is sent once however
 * many processes run), waits for its chat's slot and the bot's rate, sends it as the rule of its kind
 * says (outbox/delivery-rules.ts), and marks it. A transient failure is retried with backoff (or when
 * the platform asks); a permanent one is recorded and reported to the HQ chat.
 */
export function createOutboxWorker(deps: OutboxWorkerDeps) {
  const concurrency = deps.concurrency ?? 4;
  const idleMs = deps.idleMs ?? 500;
  const sweepEveryMs = deps.sweepEveryMs ?? 30_000;
  const pacer = createPacer(deps);
  const delivery = { ...deps, pacer, leaseMs: deps.leaseMs ?? 60_000 };
  const sleeper = createSleeper();
  let running = false;
  let loops: Promise<void>[] = [];
  let sweepTimer: NodeJS.Timeout | undefined;

  async function loop(): Promise<void> {
    while (running) {
      try {
        if (!(await deliverNext(delivery))) await sleeper.sleep(pacer.idleFor(idleMs));
      } catch (error) {
        // The database is away: wait and go on; leases keep every message safe meanwhile.
        deps.logger.error({ err: describeError(error) }, 'outbox: worker step failed');
        await sleeper.sleep(idleMs * 4);
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
      sleeper.wakeAll();
    },
    /** Finishes the deliveries in hand and stops. */
    async stop(): Promise<void> {
      running = false;
      clearInterval(sweepTimer);
      sleeper.wakeAll();
      await Promise.all(loops);
      loops = [];
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

/** Idle waits that end early when woken (something was enqueued, or the worker stops). */
function createSleeper() {
  let wakers: (() => void)[] = [];
  return {
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakers = wakers.filter((w) => w !== done);
          resolve();
        }
        wakers.push(done);
      });
    },
    wakeAll(): void {
      for (const wake of [...wakers]) wake();
    },
  };
}
