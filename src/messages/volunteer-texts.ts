import type { HelpRequest } from '../domain/request.js';
import type { Catalog } from '../scenario/text.js';
import type { RequestTexts } from '../services/texts.js';

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
