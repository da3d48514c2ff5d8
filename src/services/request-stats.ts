import {
  CATEGORIES,
  HELP_KINDS,
  PLATFORMS,
  RELATIONS,
  REQUEST_STATUSES,
  type HelpRequest,
  type HelpKind,
  type Relation,
  type RequestStatus,
} from '../domain/request.js';
import type { Period } from '../domain/calendar.js';
import type { RequestRepository } from './ports.js';

/** Counts of requests by what coordinators ask about, and how long people waited. */
export interface RequestStats {
  total: number;
  byStatus: Record<RequestStatus, number>;
  /** District names with their counts, most first (equal counts by name). */
  byDistrict: [string, number][];
  byHelpKind: [HelpKind, number][];
  byCategory: [string, number][];
  /** Every messenger, with 0 if none came through it, and whichever other channels (phone, api:…) had some. */
  byChannel: Record<string, number>;
  /** Requests filed by someone else for the person helped, with who they were to them (most first). */
  forSomeoneElse: { count: number; byRelation: [Relation, number][] };
  /** Median time from creation to the first claim, over the requests ever claimed. */
  toClaim: { medianMs: number | null; count: number };
  /** Median time from creation to done, over the done requests. */
  toDone: { medianMs: number | null; count: number };
}

/** The statistics of a set of requests (those created in a period). Pure. */
export function computeStats(requests: readonly HelpRequest[]): RequestStats {
  const byStatus = Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as Record<RequestStatus, number>;
  const byChannel: Record<string, number> = Object.fromEntries(PLATFORMS.map((p) => [p, 0]));
  const districts = new Map<string, number>();
  const kinds = new Map<HelpKind, number>();
  const categories = new Map<string, number>();
  const relations = new Map<Relation, number>();
  const toClaim: number[] = [];
  const toDone: number[] = [];
  for (const r of requests) {
    byStatus[r.status]++;
    byChannel[r.channel] = (byChannel[r.channel] ?? 0) + 1;
    districts.set(r.district, (districts.get(r.district) ?? 0) + 1);
    kinds.set(r.helpKind, (kinds.get(r.helpKind) ?? 0) + 1);
    categories.set(r.category, (categories.get(r.category) ?? 0) + 1);
    if (r.onBehalf) relations.set(r.onBehalf.relation, (relations.get(r.onBehalf.relation) ?? 0) + 1);
    if (r.firstClaimedAt) toClaim.push(r.firstClaimedAt.getTime() - r.createdAt.getTime());
    if (r.status === 'done' && r.closedAt) toDone.push(r.closedAt.getTime() - r.createdAt.getTime());
  }
  const ranked = <K extends string>(counts: Map<K, number>, order: readonly string[] = []) =>
    [...counts.entries()].sort((a, b) => b[1] - a[1] || rank(order, a[0]) - rank(order, b[0]) || a[0].localeCompare(b[0]));
  return {
    total: requests.length,
    byStatus,
    byDistrict: ranked(districts),
    byHelpKind: ranked(kinds, HELP_KINDS),
    byCategory: ranked(categories, CATEGORIES),
    byChannel,
    forSomeoneElse: { count: [...relations.values()].reduce((a, b) => a + b, 0), byRelation: ranked(relations, RELATIONS) },
    toClaim: { medianMs: median(toClaim), count: toClaim.length },
    toDone: { medianMs: median(toDone), count: toDone.length },
  };
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Statistics of the requests created in a period, read from the repository. */
export function createRequestStats(deps: { requests: RequestRepository }) {
  return async (period: Period): Promise<RequestStats> => computeStats(await deps.requests.listCreatedBetween(period.from, period.to));
}

function rank(order: readonly string[], value: string): number {
  const index = order.indexOf(value);
  return index === -1 ? order.length : index;
}
