import { REQUESTER_NIGHT_POLICY } from '../domain/night-policy.js';
import { isMessenger, type HelpKind, type HelpRequest } from '../domain/request.js';
import type { JobTexts } from '../messages/job-texts.js';
import type { ChatRef, Logger, Outbox, OutboxMessage, RequestRepository } from '../services/ports.js';
import type { Scheduler } from './scheduler.js';

/** The kinds of job that follow one request. */
export const REQUEST_JOBS = {
  escalate: 'request:escalate',
  staleClaim: 'request:stale-claim',
  feedback: 'request:feedback',
} as const;

/** When each follow-up is due, from the configuration. */
export interface FollowUpTiming {
  /** After how long an unclaimed request is raised again in its chats, and the coordinators told. */
  escalation(helpKind: HelpKind): { remindMs: number; alertMs: number };
  staleNudgeMs: number;
  staleAlertMs: number;
  feedbackAfterMs: number;
  feedbackReminderMs: number;
}

export interface RequestJobsDeps {
  scheduler: Scheduler;
  requests: RequestRepository;
  outbox: Outbox;
  /** Wakes this process's outbox worker after enqueueing. */
  wake: () => void;
  headquartersChats: readonly ChatRef[];
  texts: JobTexts;
  timing: FollowUpTiming;
  logger: Logger;
  now: () => Date;
}

/** How much later than the reminder its repost is due, so that the request comes below its reminder. */
const REPOST_AFTER_MS = 1000;

type Stage = 1 | 2;
type EscalateData = { requestNumber: number; round: number; stage: Stage };
type StaleData = { requestNumber: number; claimedAtMs: number; stage: Stage };
type FeedbackData = { requestNumber: number; stage: Stage };

/**
 * The follow-ups of a request: raising an unclaimed one again and then telling the coordinators,
 * nudging a volunteer whose claim went stale and then telling the coordinators, and asking the
 * requester how it went. `planFor` schedules what the request's current state calls for and removes
 * what it no longer does; every handler checks the request again when it runs and does nothing if
 * it moved on, and sends through the outbox under keys naming the request and the step, so a job run
 * twice (after a crash, by two processes) sends nothing twice.
 */
export function createRequestJobs(deps: RequestJobsDeps) {
  const { scheduler, timing } = deps;

  async function enqueue(entries: { key: string; message: OutboxMessage; notBefore?: Date }[]): Promise<void> {
    if (entries.length === 0) return;
    await deps.outbox.enqueue(entries, deps.now());
    deps.wake();
  }
  const toHeadquarters = (key: string, text: string, requestNumber: number) =>
    deps.headquartersChats.map((hq) => ({ key: `${key}:${hq.platform}:${hq.chatId}`, message: { kind: 'text' as const, ...hq, text, requestNumber } }));

  /** When the request last started waiting for a volunteer: filed, or given back. */
  function waitingSince(request: HelpRequest): Date {
    const back = request.history.filter((e) => e.type === 'released' || e.type === 'claim_undone').at(-1);
    return back?.at ?? request.createdAt;
  }

  return {
    /** Declares the handlers; every process that runs jobs calls this before the scheduler starts. */
    define(): void {
      scheduler.define<EscalateData>(REQUEST_JOBS.escalate, async ({ data, log }) => {
        const request = await deps.requests.findByNumber(data.requestNumber);
        if (request?.status !== 'new' || request.round !== data.round) return log.info({ stage: data.stage }, 'escalation: no longer waiting, skipped');
        const waited = deps.now().getTime() - waitingSince(request).getTime();
        const key = `job:escalate:${request.number}:${request.round}:${data.stage}`;
        if (data.stage === 1) {
          // One reminder per chat of the round, whether or not a repost is there already (a job run twice).
          const posts = [...new Map(request.posts.filter((p) => p.round === request.round).map((p) => [`${p.platform}:${p.chatId}`, p])).values()];
          // The reminder, then the request posted again below it: its claim button at hand, not far
          // up the chat. The repost is due a moment later so that it comes second.
          const repostAt = new Date(deps.now().getTime() + REPOST_AFTER_MS);
          await enqueue(
            posts.flatMap((p) => [
              {
                key: `${key}:${p.platform}:${p.chatId}`,
                message: { kind: 'text', platform: p.platform, chatId: p.chatId, text: deps.texts.reminder(request, waited), requestNumber: request.number },
              },
              {
                key: `${key}:${p.platform}:${p.chatId}:post`,
                message: {
                  kind: 'post',
                  platform: p.platform,
                  chatId: p.chatId,
                  requestNumber: request.number,
                  viaHeadquarters: p.viaHeadquarters,
                  round: request.round,
                  reminder: true,
                },
                notBefore: repostAt,
              },
            ]),
          );
        } else {
          await enqueue(toHeadquarters(key, deps.texts.unclaimedAlert(request, waited), request.number));
        }
        log.info({ stage: data.stage }, 'escalation sent');
      });

      scheduler.define<StaleData>(REQUEST_JOBS.staleClaim, async ({ data, log }) => {
        const request = await deps.requests.findByNumber(data.requestNumber);
        if (request?.status !== 'claimed' || request.claimedAt?.getTime() !== data.claimedAtMs || !request.volunteer) {
          return log.info({ stage: data.stage }, 'stale claim: moved on, skipped');
        }
        const waited = deps.now().getTime() - data.claimedAtMs;
        const key = `job:stale:${request.number}:${data.claimedAtMs}:${data.stage}`;
        const volunteer = request.volunteer;
        if (data.stage === 1) {
          // The reminder on top of the card again, with its buttons, so "done" is one tap away.
          const note = deps.texts.nudge(request, waited);
          await enqueue([
            {
              key,
              message: {
                kind: 'task',
                platform: volunteer.platform,
                chatId: volunteer.userId,
                requestNumber: request.number,
                volunteerId: volunteer.userId,
                note,
              },
            },
          ]);
        } else {
          await enqueue(toHeadquarters(key, deps.texts.staleAlert(request, waited), request.number));
        }
        log.info({ stage: data.stage }, 'stale claim followed up');
      });

      scheduler.define<FeedbackData>(
        REQUEST_JOBS.feedback,
        async ({ data, log }) => {
          const request = await deps.requests.findByNumber(data.requestNumber);
          const requester = request?.requester;
          if (request?.status !== 'done' || request.feedback || request.requesterUnreachableAt || !requester || !isMessenger(request.channel)) {
            return log.info({ stage: data.stage }, 'feedback: not wanted any more, skipped');
          }
          await enqueue([
            {
              key: `job:feedback:${request.number}:${data.stage}`,
              message: { kind: 'feedback', platform: requester.platform, chatId: requester.chatId, requestNumber: request.number, reminder: data.stage === 2 },
            },
          ]);
          // One gentle reminder if no answer comes, then nothing more.
          if (data.stage === 1) {
            await scheduler.scheduleOnce<FeedbackData>(
              REQUEST_JOBS.feedback,
              new Date(deps.now().getTime() + timing.feedbackReminderMs),
              { requestNumber: request.number, stage: 2 },
              `feedback:${request.number}:2`,
            );
          }
          log.info({ stage: data.stage }, 'feedback asked');
        },
        // The night policy holds the rating question until morning: the scheduler moves the job there.
        { writesToRequesters: REQUESTER_NIGHT_POLICY.ratingQuestion === 'hold-until-morning' },
      );
    },

    /** Schedules the follow-ups the request's state calls for and removes those it no longer does. */
    async planFor(request: HelpRequest): Promise<void> {
      const n = request.number;
      if (request.status === 'cancelled') {
        await scheduler.cancelFor(n);
        return;
      }
      if (request.status !== 'new') await scheduler.cancel({ name: REQUEST_JOBS.escalate, requestNumber: n });
      if (request.status !== 'claimed') await scheduler.cancel({ name: REQUEST_JOBS.staleClaim, requestNumber: n });

      if (request.status === 'new') {
        const since = waitingSince(request).getTime();
        const { remindMs, alertMs } = timing.escalation(request.helpKind);
        for (const [stage, after] of [
          [1, remindMs],
          [2, alertMs],
        ] as const) {
          await scheduler.scheduleOnce<EscalateData>(
            REQUEST_JOBS.escalate,
            new Date(since + after),
            { requestNumber: n, round: request.round, stage },
            `escalate:${n}:${request.round}:${stage}`,
          );
        }
      } else if (request.status === 'claimed' && request.claimedAt) {
        const claimedAtMs = request.claimedAt.getTime();
        for (const [stage, after] of [
          [1, timing.staleNudgeMs],
          [2, timing.staleAlertMs],
        ] as const) {
          await scheduler.scheduleOnce<StaleData>(
            REQUEST_JOBS.staleClaim,
            new Date(claimedAtMs + after),
            { requestNumber: n, claimedAtMs, stage },
            `stale:${n}:${claimedAtMs}:${stage}`,
          );
        }
      } else if (request.status === 'done' && request.closedAt && request.requester && !request.requesterUnreachableAt && isMessenger(request.channel)) {
        await scheduler.scheduleOnce<FeedbackData>(
          REQUEST_JOBS.feedback,
          new Date(request.closedAt.getTime() + timing.feedbackAfterMs),
          { requestNumber: n, stage: 1 },
          `feedback:${n}:1`,
        );
      }
    },
  };
}

export type RequestJobs = ReturnType<typeof createRequestJobs>;
