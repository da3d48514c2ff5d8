import type { HelpRequest } from '../domain/request.js';
import type { Scenario } from '../scenario/schema.js';
import type { RequestTexts } from '../services/texts.js';
import type { Catalog } from '../scenario/text.js';

/** The line a superseded post ends with, by where the request was posted again. */
const SUPERSEDED = {
  here: 'group.supersededHere',
  district: 'group.supersededToDistrict',
  headquarters: 'group.supersededToHeadquarters',
  // Not posted again yet: the line promises no place.
  unknown: 'group.superseded',
} as const;

/** True when the volunteer holding the request was given it (/assign, the console), not took it themselves. */
function givenByCoordinator(request: HelpRequest): boolean {
  const last = [...request.history].reverse().find((e) => e.type === 'claimed' || e.type === 'assigned');
  return last?.type === 'assigned';
}

export function createRequestTexts(catalog: Catalog, timeZone: string, scenario: Scenario): RequestTexts {
  const locale = catalog.locale === 'ru' ? 'ru-RU' : 'en-GB';
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'short', timeStyle: 'short' });
  const dateFormat = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'short' });
  const category = (code: string) => catalog.t(`request.category.${code}`);
  const helpKind = (code: string) => catalog.t(`request.helpKind.${code}`);
  const status = (code: string) => catalog.t(`status.${code}`);
  const relation = (code: string) => catalog.t(`request.relation.${code}`);
  const callFirst = (code: string) => catalog.t(`request.onBehalf.callFirst.${code}`);

  const texts: RequestTexts = {
    category,
    helpKind,
    status,
    relation,
    callFirst,
    onBehalf(request) {
      const applicant = request.personal.applicant;
      if (!request.onBehalf || !applicant) return '';
      return `\n\n${catalog.t('request.onBehalf.lines', {
        applicantName: applicant.name,
        relation: relation(request.onBehalf.relation),
        applicantPhone: applicant.phone,
        callFirst: callFirst(request.onBehalf.callFirst),
      })}`;
    },
    dateTime: (at) => dateTimeFormat.format(at),
    date: (at) => dateFormat.format(at),
    groupPost(view, viaHeadquarters) {
      const lines = [];
      if (viaHeadquarters) lines.push(catalog.t('group.viaHeadquarters', { district: view.district }));
      lines.push(
        catalog.t('group.post', {
          number: view.number,
          district: view.district,
          category: category(view.category),
          age: view.age,
          helpKind: helpKind(view.helpKind),
          time: texts.dateTime(view.createdAt),
        }),
      );
      // A post of an earlier round points to the new one; otherwise it shows where the request stands.
      if (view.superseded) lines.push(catalog.t(SUPERSEDED[view.repostedTo ?? 'unknown'], { district: view.district }));
      else if (view.status === 'claimed' && view.volunteerName) lines.push(catalog.t('group.claimedBy', { volunteer: view.volunteerName }));
      else if (view.status === 'done') lines.push(view.volunteerName ? catalog.t('group.doneBy', { volunteer: view.volunteerName }) : catalog.t('group.done'));
      else if (view.status === 'cancelled') lines.push(catalog.t('group.cancelled'));
      return lines.join('\n\n');
    },
    withdrawnCard(request) {
      // Called only for a reader who no longer holds it: taken by someone else, back to new, or closed.
      const why = { claimed: 'reassigned', new: 'released', done: 'done', cancelled: 'cancelled' }[request.status];
      return catalog.t('volunteer.withdrawn', {
        number: request.number,
        district: request.district,
        helpKind: helpKind(request.helpKind),
        why: catalog.t(`volunteer.withdrawnWhy.${why}`),
      });
    },
    volunteerDetails(request) {
      const extra = Object.entries(request.extra)
        .map(([stepId, value]) => {
          const step = scenario.steps.find((s) => s.id === stepId);
          if (!step?.label) return '';
          const choice = step.type === 'choice' ? step.choices?.find((c) => c.value === value) : undefined;
          return `\n${catalog.t(step.label)}: ${choice ? catalog.t(choice.label) : value}`;
        })
        .join('');
      return catalog.t('claim.details', {
        heading: catalog.t(givenByCoordinator(request) ? 'claim.heading.assigned' : 'claim.heading.claimed', { number: request.number }),
        number: request.number,
        district: request.district,
        category: category(request.category),
        age: request.age ?? request.ageBand,
        helpKind: helpKind(request.helpKind),
        extra,
        description: request.personal.description,
        name: request.personal.name,
        address: request.personal.address,
        phone: request.personal.phone,
        onBehalf: texts.onBehalf(request),
        codeWordLine: request.codeWord ? catalog.t('claim.codeWordLine', { codeWord: request.codeWord }) : '',
      });
    },
    requesterClaimed: (number, volunteer) => catalog.t('claim.requesterNotified', { number, volunteer }),
    requesterReleased: (number) => catalog.t('lifecycle.requesterReleased', { number }),
    requesterDone: (number) => catalog.t('lifecycle.requesterDone', { number }),
    requesterWithdrew: (number) => catalog.t('lifecycle.requesterWithdrew', { number }),
    requesterCancelled: (number, reason) => catalog.t('lifecycle.requesterCancelled', { number, reason }),
    requesterExpired: (number) => catalog.t('lifecycle.requesterExpired', { number }),
    headquartersExpired: (number, district) => catalog.t('lifecycle.headquartersExpired', { number, district }),
    volunteerReassigned: (number) => catalog.t('lifecycle.volunteerReassigned', { number }),
    volunteerClosedByCoordinator: (number) => catalog.t('lifecycle.volunteerClosedByCoordinator', { number }),
    volunteerCancelled: (number) => catalog.t('lifecycle.volunteerCancelled', { number }),
    volunteerRequesterWrote: (number, text) => catalog.t('conversation.toVolunteer', { number, text }),
    headquartersRequesterWrote: (number) => catalog.t('conversation.toHeadquarters', { number }),
    requesterAnswer: (number, text, volunteerName) =>
      volunteerName
        ? catalog.t('conversation.answerFromVolunteer', { number, text, volunteer: volunteerName })
        : catalog.t('conversation.answerFromHeadquarters', { number, text }),
    myRequests(requests) {
      if (requests.length === 0) return catalog.t('bot.my.empty');
      const lines = requests.map((request) =>
        catalog.t('bot.my.line', {
          number: request.number,
          date: texts.date(request.createdAt),
          helpKind: helpKind(request.helpKind),
          status: status(request.status),
        }),
      );
      return [catalog.t('bot.my.header'), ...lines].join('\n');
    },
  };
  return texts;
}
