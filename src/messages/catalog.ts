import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Languages the catalogs are written in; Russian is the one every key must exist in. */
export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A message catalog: flat keys ("request.age.question") to texts with {placeholders}. */
export interface Catalog {
  readonly locale: Locale;
  has(key: string): boolean;
  /** The text for a key with its {placeholders} filled; an unknown key is returned as is, never thrown. */
  t(key: string, params?: Record<string, string | number>): string;
  keys(): string[];
}

export function createCatalog(locale: Locale, texts: Record<string, string>): Catalog {
  return {
    locale,
    has: (key) => Object.hasOwn(texts, key),
    t(key, params) {
      const template = texts[key];
      if (template === undefined) return key;
      return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
        params && Object.hasOwn(params, name) ? String(params[name]) : whole,
      );
    },
    keys: () => Object.keys(texts),
  };
}

/** Reads a YAML catalog file; nested maps become dotted keys. */
export function loadCatalogFile(locale: Locale, file: string): Catalog {
  const tree: unknown = parse(readFileSync(file, 'utf8'));
  const flat: Record<string, string> = {};
  flatten(tree, '', flat, file);
  return createCatalog(locale, flat);
}

function flatten(node: unknown, prefix: string, out: Record<string, string>, file: string): void {
  if (typeof node === 'string') {
    out[prefix] = node.trimEnd();
    return;
  }
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    for (const [key, value] of Object.entries(node)) flatten(value, prefix ? `${prefix}.${key}` : key, out, file);
    return;
  }
  throw new Error(`${file}: "${prefix}" must be a text or a group of texts`);
}
