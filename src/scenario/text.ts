/**
 * A piece of user-facing text as the engine sees it: a catalog key with parameters, or a literal
 * that needs no translation (a district name, the person's own answer), or several of them in a row
 * (the choices marked on a multichoice step), shown separated by commas.
 */
export type Text = { key: string; params?: Record<string, string | number> } | { literal: string } | { list: Text[] };

export const keyText = (key: string, params?: Record<string, string | number>): Text => (params ? { key, params } : { key });
export const literalText = (literal: string): Text => ({ literal });
export const listText = (list: Text[]): Text => ({ list });

/** Languages the catalogs are written in; Russian is the one every key must exist in. */
export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * What words a Text: flat keys ("request.age.question") to texts with {placeholders}, in one
 * language. The services and the engine are handed one; `src/messages/catalog.ts` reads them from
 * the locale files.
 */
export interface Catalog {
  readonly locale: Locale;
  has(key: string): boolean;
  /** The text for a key with its {placeholders} filled; an unknown key is returned as is, never thrown. */
  t(key: string, params?: Record<string, string | number>): string;
  keys(): string[];
}

/** Turns a Text into a string in the catalog's language. */
export function renderText(catalog: Catalog, text: Text): string {
  if ('literal' in text) return text.literal;
  if ('list' in text) return text.list.map((item) => renderText(catalog, item)).join(', ');
  return catalog.t(text.key, text.params);
}
