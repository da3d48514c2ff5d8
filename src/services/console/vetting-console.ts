import { resolveDistrict } from '../../domain/districts.js';
import { UnknownDistrictError } from '../../domain/errors.js';
import type { PersonRef, Platform } from '../../domain/request.js';
import type { VettingDecision } from '../../domain/volunteer.js';
import type { VettingTexts } from '../texts.js';
import type { DecideOutcome, VolunteerVetting } from '../volunteer-vetting.js';
import type { ParsedCommand } from './command-parser.js';

/** What the vetting commands answer, in the console's own reply shape. */
export interface VettingReply {
  text: string;
  /** A refusal of a press, shown on the button. */
  notice?: boolean;
}

/** How many volunteers one /volunteers answer lists: a message read on a phone. */
const LIST_LIMIT = 20;

/** Where the command was given: the phone of a volunteer only in a coordinator's private chat. */
export interface VettingWhere {
  by: PersonRef;
  channel: Platform;
  privately: boolean;
}

/**
 * The coordinators' side of vetting in a chat: /volunteers, /approve, /reject, /suspend, /reinstate
 * and the «Одобрить» / «Отклонить» buttons under an application. The console checked the role and
 * the place before; the vetting service checks the role again, as the web console calls it too.
 */
export function createVettingConsole(deps: { vetting: VolunteerVetting; texts: VettingTexts; districts: readonly string[] }) {
  const { vetting, texts } = deps;

  function answer(outcome: DecideOutcome, privately: boolean): VettingReply {
    switch (outcome.kind) {
      case 'decided':
        return { text: texts.decided(outcome.record, outcome.decision, privately) };
      case 'not_coordinator':
        return { text: texts.notCoordinator(), notice: true };
      case 'not_found':
        return { text: texts.notFound(outcome.number) };
      case 'reason_needed':
        return { text: texts.reasonNeeded(outcome.number, outcome.decision) };
      case 'not_applicable':
        return { text: texts.notApplicable(outcome.record, outcome.decision) };
    }
  }

  return {
    /** A parsed vetting command. */
    async run(where: VettingWhere, cmd: Extract<ParsedCommand, { name: 'volunteers' | VettingDecision }>): Promise<VettingReply> {
      if (cmd.name !== 'volunteers') {
        const reason = 'reason' in cmd ? cmd.reason : undefined;
        return answer(await vetting.decide(where.by, cmd.number, cmd.name, reason), where.privately);
      }
      let district: string | undefined;
      try {
        district = cmd.district === undefined ? undefined : resolveDistrict(cmd.district, deps.districts);
      } catch (error) {
        if (error instanceof UnknownDistrictError) return { text: texts.unknownDistrict(cmd.district!, deps.districts) };
        throw error;
      }
      // Names and phones are shown in a private chat only, and recorded as seen there.
      const shownTo = where.privately ? { person: where.by, channel: where.channel } : undefined;
      const { items, total } = await vetting.list(
        { ...(cmd.status ? { status: cmd.status } : {}), ...(district ? { district } : {}), limit: LIST_LIMIT },
        shownTo,
      );
      return { text: texts.list(items, total, { ...(cmd.status ? { status: cmd.status } : {}), ...(district ? { district } : {}) }, where.privately) };
    },

    /** «Одобрить» approves at once (a suspension undoes it); «Отклонить» asks for the reason. */
    async press(where: VettingWhere, action: { type: 'approve' | 'reject'; number: number }): Promise<VettingReply> {
      if (action.type === 'reject') {
        const record = await vetting.findByNumber(action.number);
        if (!record) return { text: texts.notFound(action.number), notice: true };
        if (record.status !== 'pending') return { text: texts.notApplicable(record, 'reject'), notice: true };
        return { text: texts.rejectHint(action.number) };
      }
      const outcome = await vetting.decide(where.by, action.number, 'approve');
      // A second press, or one on an application decided elsewhere, is read on the button.
      return outcome.kind === 'decided' ? answer(outcome, where.privately) : { ...answer(outcome, where.privately), notice: true };
    },
  };
}

export type VettingConsole = ReturnType<typeof createVettingConsole>;
