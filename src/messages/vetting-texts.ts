import type { VettingDecision, VolunteerRecord, VolunteerStatus } from '../domain/volunteer.js';
import type { Scenario } from '../scenario/schema.js';
import type { Catalog } from '../scenario/text.js';
import type { RequestTexts, VettingTexts } from '../services/texts.js';

/**
 * The words about volunteers' applications: the HQ chat's post (never the phone), what the applicant
 * is told of a decision, the console's lists and refusals. Skills are named by the labels of the
 * application's own scenario, so a choice the HQ added reads as it does in the questionnaire.
 */
export function createVettingTexts(catalog: Catalog, scenario: Scenario | undefined, requestTexts: Pick<RequestTexts, 'dateTime'>): VettingTexts {
  const t = catalog.t.bind(catalog);
  const skillsStep = scenario?.steps.find((s) => s.id === 'skills');
  const skillKeys = new Map(skillsStep?.type === 'multichoice' ? (skillsStep.choices ?? []).map((c) => [c.value, c.label]) : []);
  const skill = (value: string) => {
    const key = skillKeys.get(value);
    return key ? t(key) : value;
  };
  const listOf = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : t('vetting.none'));
  const status = (s: VolunteerStatus) => t(`vetting.status.${s}`);

  /**
   * The lines every view of an application shows; the name and phone only where personal data may be
   * shown (a coordinator's private chat, the console), never in a group chat such as the HQ's.
   */
  function card(record: VolunteerRecord, personal: boolean): string {
    const lines = [
      t('vetting.card.title', { number: record.number, status: status(record.status) }),
      ...(personal ? [t('vetting.card.name', { name: record.details?.name ?? t('vetting.noName') })] : []),
      ...(personal && record.details ? [t('vetting.card.phone', { phone: record.details.phone })] : []),
      t('vetting.card.districts', { districts: listOf(record.districts) }),
      t('vetting.card.skills', { skills: listOf(record.skills.map(skill)) }),
      t('vetting.card.applied', { date: requestTexts.dateTime(record.appliedAt), channel: t(`coordinator.channel.${record.person.platform}`) }),
    ];
    const last = record.history.at(-1);
    if (last?.reason) lines.push(t('vetting.card.reason', { reason: last.reason }));
    return lines.join('\n');
  }

  return {
    card,
    status,
    skill,

    applicationPost: (record: VolunteerRecord) => `${card(record, false)}\n\n${t('vetting.post.howToDecide', { number: record.number })}`,

    approveLabel: () => t('vetting.post.approve'),
    rejectLabel: () => t('vetting.post.reject'),

    decision: (record: VolunteerRecord, decision: VettingDecision, reason: string | undefined) =>
      t(`vetting.told.${decision}`, { number: record.number, reason: reason ?? '' }),

    decided: (record: VolunteerRecord, decision: VettingDecision, personal = true) =>
      t(`vetting.decided.${decision}`, { number: record.number, name: personal ? ` (${record.details?.name ?? t('vetting.noName')})` : '' }),

    notApplicable: (record: VolunteerRecord, decision: VettingDecision) =>
      t('vetting.notApplicable', { number: record.number, status: status(record.status), decision: t(`vetting.decisionName.${decision}`) }),

    notFound: (number: number) => t('vetting.notFound', { number }),
    notCoordinator: () => t('bot.errors.notCoordinator'),
    unknownDistrict: (input: string, districts: readonly string[]) => t('coordinator.unknownDistrict', { input, districts: districts.join(', ') }),
    reasonNeeded: (number: number, decision: VettingDecision) => t(`vetting.reasonNeeded.${decision}`, { number }),
    rejectHint: (number: number) => t('vetting.rejectHint', { number }),

    list(items: readonly VolunteerRecord[], total: number, filter: { status?: VolunteerStatus; district?: string }, personal: boolean): string {
      const shown = filter.status ? status(filter.status) : t('vetting.list.all');
      const heading = filter.district
        ? t('vetting.list.headingDistrict', { status: shown, district: filter.district, total })
        : t('vetting.list.heading', { status: shown, total });
      if (items.length === 0) return `${heading}\n${t('vetting.list.empty')}`;
      const lines = items.map((r) => {
        const line = t('vetting.list.line', { number: r.number, status: status(r.status), districts: listOf(r.districts) });
        // The name and phone only where personal data may be shown: never in the HQ chat.
        if (!personal) return line;
        return `${line} · ${r.details ? `${r.details.name} · ${r.details.phone}` : t('vetting.noName')}`;
      });
      return [heading, ...lines, ...(total > items.length ? [t('vetting.list.more', { shown: items.length, total })] : [])].join('\n');
    },
  };
}
