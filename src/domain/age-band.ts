/**
 * An age as statistics keep it once the personal data is erased: the exact age of a named person in a
 * district narrows them down too well, a band of ten years does not.
 */
export const AGE_BANDS = ['<18', '18–39', '40–59', '60–69', '70–79', '80+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBand(age: number): AgeBand {
  if (age < 18) return '<18';
  if (age < 40) return '18–39';
  if (age < 60) return '40–59';
  if (age < 70) return '60–69';
  if (age < 80) return '70–79';
  return '80+';
}
