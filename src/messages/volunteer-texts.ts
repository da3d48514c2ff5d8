import type { HelpRequest } from '../domain/request.js';
import type { Catalog } from './catalog.js';
import type { RequestTexts } from './request-texts.js';

/** The reasons a volunteer may pick for giving a request back, in the order the buttons show them. */
export const RELEASE_REASONS = ['noAnswer', 'noTime', 'unwell', 'other'] as const;

/** The label of a release reason by its button index; null for an index no button carries. */
export function releaseReasonLabel(catalog: Catalog, index: number): string | null {
  const code = RELEASE_REASONS[index];
  return code ? catalog.t(`volunteer.releaseReason.${code}`) : null;
}

/** The answer to /tasks: the volunteer's requests in hand, or that there are none. */
export function tasksText(catalog: Catalog, texts: RequestTexts, requests: HelpRequest[]): string {
  if (requests.length === 0) return catalog.t('volunteer.tasksEmpty');
  const lines = requests.map((r) =>
    catalog.t('volunteer.tasksLine', {
      number: r.number,
      district: r.district,
      helpKind: texts.helpKind(r.helpKind),
      date: texts.dateTime(r.claimedAt ?? r.createdAt),
    }),
  );
  return [catalog.t('volunteer.tasksHeader'), ...lines].join('\n');
}
