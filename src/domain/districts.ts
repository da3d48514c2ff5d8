import { UnknownDistrictError } from './errors.js';

/**
 * Finds a configured district from what a coordinator typed: exact match first, ignoring case and
 * "ё"/"е", then a unique prefix ("лен" → "Ленинский"), so a tired coordinator need not type it whole.
 */
export function resolveDistrict(input: string, districts: readonly string[]): string {
  const wanted = fold(input);
  if (!wanted) throw new UnknownDistrictError(input, districts);
  const exact = districts.find((d) => fold(d) === wanted);
  if (exact) return exact;
  const byPrefix = districts.filter((d) => fold(d).startsWith(wanted));
  if (byPrefix.length === 1) return byPrefix[0]!;
  throw new UnknownDistrictError(input, districts);
}

function fold(text: string): string {
  return text.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');
}
