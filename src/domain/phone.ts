/**
 * Normalises a Russian phone number as people type it ("8 913 123-45-67", "+7(913)1234567",
 * "9131234567") to +7XXXXXXXXXX. Returns null when it cannot be a Russian mobile or landline number.
 */
export function normalizeRussianPhone(input: string): string | null {
  const trimmed = input.trim();
  // Only digits, spaces, brackets, dashes, dots and one leading plus are allowed: anything else
  // ("звоните вечером") means the person wrote something other than a number.
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  // After a plus the digits begin with the country code, and +7 takes ten more: ten in all is foreign.
  if (digits.length === 10) return trimmed.startsWith('+') ? null : `+7${digits}`;
  if (digits.length === 11 && (digits.startsWith('7') || digits.startsWith('8'))) {
    if (trimmed.startsWith('+') && digits.startsWith('8')) return null;
    return `+7${digits.slice(1)}`;
  }
  return null;
}
