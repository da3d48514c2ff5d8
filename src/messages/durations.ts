import type { Catalog } from '../scenario/text.js';

/** "2 ч 5 мин", "2 дн 3 ч", "меньше минуты": how long something took or waited, read at a glance. */
export function formatDuration(catalog: Catalog, ms: number): string {
  const t = (key: string, n: number) => catalog.t(`coordinator.duration.${key}`, { n });
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return catalog.t('coordinator.duration.lessThanMinute');
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [];
  if (days) parts.push(t('days', days));
  if (hours) parts.push(t('hours', hours));
  // Minutes stop mattering once a wait is counted in days.
  if (rest && !days) parts.push(t('minutes', rest));
  return parts.join(' ');
}
