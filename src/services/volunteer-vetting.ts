import type { PersonRef, RequestChannel } from '../domain/request.js';
import { DECISIONS, type VettingDecision, type VolunteerRecord, type VolunteerStatus } from '../domain/volunteer.js';
import type { Answers, Scenario } from '../scenario/schema.js';
import { keyText } from '../scenario/text.js';
import type { IntakeFlow } from './intake.js';
import type { IsCoordinator } from './coordinators.js';
import type { ApplicationViewLog, ChatRef, Logger, Outbox, VolunteerQuery, VolunteerRoster } from './ports.js';

export interface VolunteerVettingDeps {
  roster: VolunteerRoster;
  /** Who was shown applicants' names and phones. */
  views: ApplicationViewLog;
  isCoordinator: IsCoordinator;
  outbox: Outbox;
  wake: () => void;
  /** Where applications go to be decided. */
  headquartersChats: readonly ChatRef[];
  /** CLAIM_REQUIRES_APPROVAL: only approved volunteers (and coordinators) may take requests. */
  requireApproval: boolean;
  /** What the applicant reads when a coordinator decided (with the reason, if one was given). */
  decisionText: (record: VolunteerRecord, decision: VettingDecision, reason: string | undefined) => string;
  logger: Logger;
  now: () => Date;
}

/** How an application ended: filed (the HQ chats will see it), or the person already has a standing. */
export type ApplyOutcome = { kind: 'applied'; record: VolunteerRecord } | { kind: 'already'; record: VolunteerRecord };

/** How a coordinator's decision ended. */
export type DecideOutcome =
  | { kind: 'decided'; record: VolunteerRecord; decision: VettingDecision }
  | { kind: 'not_coordinator' }
  | { kind: 'not_found'; number: number }
  /** Rejecting or suspending needs the reason the applicant will read. */
  | { kind: 'reason_needed'; number: number; decision: VettingDecision }
  /** The record is not in a status the decision applies to: decided already (a second press), or the wrong decision. */
  | { kind: 'not_applicable'; record: VolunteerRecord; decision: VettingDecision };

/** Whether a person may take requests: yes, or the standing that stops them (`none`: never applied). */
export type ClaimPermission = { ok: true } | { ok: false; status: VolunteerStatus | 'none' };

/** A decision whose applicant must read why. */
const NEEDS_REASON: ReadonlySet<VettingDecision> = new Set(['reject', 'suspend']);
/** The longest reason kept: a sentence or two. */
const MAX_REASON = 500;

/**
 * Volunteers the headquarters trusts: an application from the questionnaire goes to the HQ chats
 * (without the phone) to be approved or rejected; a coordinator may later suspend and reinstate.
 * Every change is one conditional update, so a second press or a second coordinator changes nothing.
 */
export function createVolunteerVetting(deps: VolunteerVettingDeps) {
  const { roster } = deps;

  /** Puts one message per HQ chat into the outbox; the worker renders the application when it sends. */
  async function announce(record: VolunteerRecord): Promise<void> {
    await deps.outbox.enqueue(
      deps.headquartersChats.map((hq) => ({
        key: `application:${record.number}:${record.appliedAt.getTime()}:${hq.platform}:${hq.chatId}`,
        message: { kind: 'application' as const, platform: hq.platform, chatId: hq.chatId, volunteerNumber: record.number },
      })),
      deps.now(),
    );
  }

  return {
    /** The person's record, if they ever applied or were moved in. */
    standing: (person: PersonRef): Promise<VolunteerRecord | null> => roster.find(person),

    findByNumber: (number: number): Promise<VolunteerRecord | null> => roster.findByNumber(number),

    /**
     * A page of the roster. `shownTo`: the coordinator these records are shown to with their names
     * and phones (a private chat, the console), recorded as having seen each that has them.
     */
    async list(query: VolunteerQuery, shownTo?: { person: PersonRef; channel: RequestChannel }) {
      const found = await roster.list(query);
      if (shownTo) {
        const at = deps.now();
        const viewer = { platform: shownTo.person.platform, userId: shownTo.person.userId };
        await deps.views.recordAll(found.items.filter((r) => r.details).map((r) => ({ volunteerNumber: r.number, viewer, channel: shownTo.channel, at })));
      }
      return found;
    },

    /** Files a finished application (the answers of scenarios/volunteer.yaml). */
    async apply(person: PersonRef, answers: Answers): Promise<ApplyOutcome> {
      const at = deps.now();
      const filed = await roster.apply({
        person,
        details: { name: String(answers.name), phone: String(answers.phone) },
        districts: asList(answers.districts),
        skills: asList(answers.skills),
        at,
      });
      if ('existing' in filed) return { kind: 'already', record: filed.existing };
      deps.logger.info({ volunteer: filed.record.number, platform: person.platform }, 'volunteer application filed');
      await announce(filed.record);
      deps.wake();
      return { kind: 'applied', record: filed.record };
    },

    /** A coordinator's decision on record `number`, from a button or a command. */
    async decide(by: PersonRef, number: number, decision: VettingDecision, reason?: string): Promise<DecideOutcome> {
      if (!(await deps.isCoordinator(by))) return { kind: 'not_coordinator' };
      const why = reason?.trim().slice(0, MAX_REASON) || undefined;
      if (NEEDS_REASON.has(decision) && !why) return { kind: 'reason_needed', number, decision };
      const rule = DECISIONS[decision];
      const changed = await roster.decide(number, rule.from, { status: rule.to, at: deps.now(), by, ...(why ? { reason: why } : {}) });
      if (!changed) {
        const record = await roster.findByNumber(number);
        return record ? { kind: 'not_applicable', record, decision } : { kind: 'not_found', number };
      }
      deps.logger.info({ volunteer: number, decision, platform: by.platform }, 'volunteer application decided');
      // The applicant hears of it through the outbox; the key makes a retried decision tell them once.
      const event = changed.history.length;
      await deps.outbox.enqueue(
        [
          {
            key: `vetting:${number}:${event}`,
            message: { kind: 'text', platform: changed.person.platform, chatId: changed.person.userId, text: deps.decisionText(changed, decision, why) },
          },
        ],
        deps.now(),
      );
      deps.wake();
      return { kind: 'decided', record: changed, decision };
    },

    /**
     * Whether a press of «Взять заявку» may go on. Coordinators count as approved; whether someone
     * is one is asked only of a person the roster does not approve, so an approved volunteer's press
     * costs one lookup and a refused one two.
     */
    async mayClaim(person: PersonRef): Promise<ClaimPermission> {
      if (!deps.requireApproval) return { ok: true };
      const record = await roster.find(person);
      if (record?.status === 'approved' || (await deps.isCoordinator(person))) return { ok: true };
      return { ok: false, status: record?.status ?? 'none' };
    },

    /** /forget: the name and phone go; the HQ's decision stays, so a rejected person is not approved by forgetting. */
    forget: (person: PersonRef): Promise<boolean> => roster.forgetDetails(person),

    /** Moves volunteers the HQ already had in as approved (see the README); returns how many were added. */
    approveExisting: (people: readonly PersonRef[]): Promise<number> => roster.approveExisting(people, deps.now()),
  };
}

/** The application questionnaire as a flow of the intake: its end files the application. */
export function applicationFlow(vetting: Pick<VolunteerVetting, 'apply'>, scenario: Scenario): IntakeFlow {
  return {
    scenario,
    cancelled: 'vetting.cancelled',
    async finish(answers, person) {
      const outcome = await vetting.apply({ platform: person.platform, userId: person.userId }, answers);
      const text =
        outcome.kind === 'applied'
          ? keyText('vetting.applied', { number: outcome.record.number })
          : keyText(`vetting.standing.${outcome.record.status}`, { number: outcome.record.number });
      return { done: true, replies: [{ kind: 'text', text, closesKeyboard: true }] };
    },
  };
}

function asList(answer: Answers[string] | undefined): string[] {
  if (Array.isArray(answer)) return answer;
  return answer === undefined ? [] : [String(answer)];
}

export type VolunteerVetting = ReturnType<typeof createVolunteerVetting>;
