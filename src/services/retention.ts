import type { PersonRef } from '../domain/request.js';
import type { Logger, QuestionRepository, RequestRepository, VolunteerRoster } from './ports.js';
import type { LifecycleOutcome } from './request-lifecycle.js';

/** Which closed requests are due for erasure: each rule is "closed (or filed) before this moment". */
export interface ErasureDue {
  /** Done or cancelled before this: the retention period is over. */
  closedBefore: Date;
  /** Withdrawn by the requester before this: they said they need nothing, so it goes sooner. */
  withdrawnBefore: Date;
  /**
   * Expired and filed before this (the open limit and the retention period ago): its clock runs from
   * when it should have expired, so data left open for a year is not kept a retention period more.
   */
  expiredFiledBefore: Date;
}

/** What the retention sweep and the erasure on request remove, each part a bulk write. */
export interface RetentionStore {
  /** Numbers of closed requests not erased yet and due by one of the rules, oldest first. */
  listDue(due: ErasureDue, limit: number): Promise<number[]>;
  /**
   * Erases the personal data of these requests if they are closed and not erased yet: name, address,
   * phone, description, every free text (reasons, comments, the feedback comment), the branch answers
   * (`extra`), the exact age (a band stays) and the requester's messenger ids; what statistics count
   * stays. Delivered messages about them go at once; those still waiting are sent (their news must
   * reach people) and forgotten once delivered. Returns the numbers erased.
   */
  erase(numbers: readonly number[], at: Date): Promise<number[]>;
  /** Forgets the messages about erased requests that were waiting at erasure and are delivered now. */
  forgetDeliveredOfErased(): Promise<number>;
  /** Forgets questionnaires left half-way before `before`, with the answers typed into them. */
  forgetConversationsBefore(before: Date): Promise<number>;
  /** Forgets which updates were handled before `before` (redeliveries stop long before). */
  forgetProcessedUpdatesBefore(before: Date): Promise<number>;
  /**
   * Forgets people last seen before `before` who hold no granted role and are not among `keep`
   * (the coordinators and operators of the configuration).
   */
  forgetPeopleSeenBefore(before: Date, keep: readonly PersonRef[]): Promise<number>;
  /** Forgets one person of the people registry (they asked to be forgotten). */
  forgetPerson(person: PersonRef): Promise<void>;
}

/** How long each kind of data is kept. */
export interface RetentionPeriods {
  /** After a request closed. */
  closedMs: number;
  /** After the requester withdrew it. */
  withdrawnMs: number;
  /** How long a request may stay open before it is closed as expired. */
  openLimitMs: number;
  abandonedConversationMs: number;
  /** Since a person without a role was last seen. */
  peopleMs: number;
}

/**
 * The periods as the consent text quotes them, in whole days ({closedDays}, {withdrawnDays},
 * {openDays}, {abandonedDays}): what a person agrees to is what the configuration does.
 */
export function retentionTextParams(periods: RetentionPeriods): Record<string, number> {
  const days = (ms: number) => Math.max(1, Math.round(ms / 86_400_000));
  return {
    closedDays: days(periods.closedMs),
    withdrawnDays: days(periods.withdrawnMs),
    openDays: days(periods.openLimitMs),
    abandonedDays: days(periods.abandonedConversationMs),
  };
}

export interface RetentionDeps {
  store: RetentionStore;
  /** Applications to volunteer: a rejected one's name and phone go, like a closed request's, `closedMs` after the rejection. */
  volunteers?: Pick<VolunteerRoster, 'forgetRejectedBefore'>;
  /** The console's questions: forgotten, like a closed request, `closedMs` after they were asked. */
  questions?: Pick<QuestionRepository, 'forgetAskedBefore'>;
  requests: Pick<RequestRepository, 'listOpen'>;
  /** Closes a request open too long as expired, through the lifecycle (its people are told). */
  expire: (requestNumber: number) => Promise<LifecycleOutcome>;
  /** Removes the scheduled jobs of a request whose data is gone. */
  cancelJobsOf: (requestNumber: number) => Promise<unknown>;
  /** People the registry keeps whatever their activity: the configured coordinators and operators. */
  protectedPeople: () => Promise<readonly PersonRef[]>;
  periods: RetentionPeriods;
  logger: Logger;
  now: () => Date;
}

/** The counts of one sweep. */
export interface SweepResult {
  expired: number;
  requests: number;
  messages: number;
  conversations: number;
  updates: number;
  people: number;
  /** Questions of the console's inbox forgotten (when the sweep has the inbox). */
  questions?: number;
  /** Rejected applications to volunteer whose name and phone were erased (when the sweep has the roster). */
  applications?: number;
}

/** How long a handled update is remembered on a server without TTL indexes (the embedded one). */
const PROCESSED_UPDATES_MS = 2 * 86_400_000;
/** Requests handled per batch: each batch is one read and one write, and the sweep goes on until none is left. */
const BATCH = 500;
/** The request numbers a log line names at most; the count says how many more there were. */
const LOGGED_NUMBERS = 100;

/**
 * Expires requests open too long, then erases personal data past its period, forgets delivered
 * messages of erased requests, abandoned questionnaires and people long gone. A job rather than a TTL
 * index, so it works on every server, keeps the anonymous statistics, and logs what it did (request
 * numbers and counts, never a value).
 */
export function createRetention(deps: RetentionDeps) {
  const { periods } = deps;
  return async function sweep(): Promise<SweepResult> {
    const now = deps.now().getTime();
    // Expired first, so one left open past the open limit and the retention period goes in this sweep.
    let expired = 0;
    for (;;) {
      const { items } = await deps.requests.listOpen({ createdBefore: new Date(now - periods.openLimitMs), skip: 0, limit: BATCH });
      let changed = 0;
      for (const request of items) if ((await deps.expire(request.number)).kind === 'changed') changed++;
      expired += changed;
      // A batch that changed nothing would be listed again: the rest waits for the next sweep.
      if (items.length < BATCH || changed === 0) break;
    }
    const due: ErasureDue = {
      closedBefore: new Date(now - periods.closedMs),
      withdrawnBefore: new Date(now - periods.withdrawnMs),
      expiredFiledBefore: new Date(now - periods.openLimitMs - periods.closedMs),
    };
    const erased: number[] = [];
    for (;;) {
      const numbers = await deps.store.listDue(due, BATCH);
      const done = numbers.length > 0 ? await deps.store.erase(numbers, new Date(now)) : [];
      for (const number of done) await deps.cancelJobsOf(number);
      erased.push(...done);
      if (numbers.length < BATCH || done.length === 0) break;
    }
    const messages = await deps.store.forgetDeliveredOfErased();
    const conversations = await deps.store.forgetConversationsBefore(new Date(now - periods.abandonedConversationMs));
    const updates = await deps.store.forgetProcessedUpdatesBefore(new Date(now - PROCESSED_UPDATES_MS));
    const people = await deps.store.forgetPeopleSeenBefore(new Date(now - periods.peopleMs), await deps.protectedPeople());
    const questions = (await deps.questions?.forgetAskedBefore(new Date(now - periods.closedMs))) ?? 0;
    const applications = (await deps.volunteers?.forgetRejectedBefore(new Date(now - periods.closedMs))) ?? 0;
    const result = {
      expired,
      requests: erased.length,
      messages,
      conversations,
      updates,
      people,
      ...(deps.questions ? { questions } : {}),
      ...(deps.volunteers ? { applications } : {}),
    };
    deps.logger.info({ ...result, ...(erased.length > 0 ? { numbers: erased.slice(0, LOGGED_NUMBERS) } : {}) }, 'retention: personal data erased');
    return result;
  };
}
