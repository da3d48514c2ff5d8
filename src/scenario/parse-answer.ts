import { normalizeRussianPhone } from '../domain/phone.js';

/** The result of reading one typed answer: a value, or the catalog key of why it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string; params?: Record<string, string | number> };

// Characters that are invisible or turn text around: a person never means them, and left in they
// make two equal answers differ or garble how the text is shown to a volunteer.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD]/g;
// Control characters except tab and newline.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this expression is for.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Cleans free text before it is measured or stored. */
export function cleanText(input: string): string {
  return input
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A whole number within bounds; "78 лет" or "около 80" are read as the number they hold. */
export function parseWholeNumber(input: string, min: number, max: number): Parsed<number> {
  const text = cleanText(input);
  const groups = text.match(/\d+/g);
  if (groups?.length !== 1 || /\d[.,]\d/.test(text)) {
    return { ok: false, reason: 'engine.errors.notANumber', params: { min, max } };
  }
  // Letters around the number are fine ("78 лет"); signs or other symbols mean it was not a plain age.
  if (/[-+*/=<>]/.test(text)) return { ok: false, reason: 'engine.errors.notANumber', params: { min, max } };
  const value = Number(groups[0]);
  if (value < min || value > max) return { ok: false, reason: 'engine.errors.outOfRange', params: { min, max } };
  return { ok: true, value };
}

/** Free text within length limits, cleaned of invisible characters. */
export function parseFreeText(input: string, minLength: number, maxLength: number): Parsed<string> {
  const text = cleanText(input);
  const length = [...text].length;
  if (length === 0) return { ok: false, reason: 'engine.errors.empty' };
  if (length < minLength) return { ok: false, reason: 'engine.errors.tooShort', params: { min: minLength } };
  if (length > maxLength) return { ok: false, reason: 'engine.errors.tooLong', params: { max: maxLength, length } };
  return { ok: true, value: text };
}

/** A phone as typed or shared, normalised to +7XXXXXXXXXX. */
export function parsePhone(input: string): Parsed<string> {
  const text = cleanText(input);
  const phone = normalizeRussianPhone(text);
  if (phone) return { ok: true, value: phone };
  // "123-45-67": a city number without its code, which a volunteer from elsewhere could not dial.
  const digits = text.replace(/\D/g, '');
  if (/^[\d\s().-]+$/.test(text) && digits.length >= 5 && digits.length <= 7) return { ok: false, reason: 'engine.errors.phoneNeedsAreaCode' };
  return { ok: false, reason: 'engine.errors.badPhone' };
}

/** Folds a typed word and a button label to one form so "центральный " matches "Центральный". */
export function foldForMatching(text: string): string {
  return cleanText(text)
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}
