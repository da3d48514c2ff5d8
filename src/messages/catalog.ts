import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Catalog, Locale } from '../scenario/text.js';

/**
 * `{age, plural, one {# год} few {# года} many {# лет} other {# года}}`: the form a number needs in
 * the catalog's language («81 год», «82 года», «84 лет» is wrong), `#` standing for the number. The
 * categories are the language's own (Intl.PluralRules); `=0` and the like match one exact number.
 */
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g;
const PLURAL_OPTION = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g;

export function createCatalog(locale: Locale, texts: Record<string, string>): Catalog {
  const plurals = new Intl.PluralRules(locale);
  const pluralOf = (whole: string, name: string, options: string, params: Record<string, string | number> | undefined): string => {
    if (!params || !Object.hasOwn(params, name)) return whole;
    const value = Number(params[name]);
    const forms = new Map([...options.matchAll(PLURAL_OPTION)].map((m) => [m[1]!, m[2]!]));
    // A value that is not one number (an age band such as «80+» or «60–69» after erasure) takes the
    // form of many («80+ лет»), where the language has one.
    const category = Number.isFinite(value) ? plurals.select(value) : forms.has('many') ? 'many' : 'other';
    const form = forms.get(`=${value}`) ?? forms.get(category) ?? forms.get('other');
    return form === undefined ? whole : form.replace(/#/g, String(params[name]));
  };
  return {
    locale,
    has: (key) => Object.hasOwn(texts, key),
    t(key, params) {
      const template = texts[key];
      if (template === undefined) return key;
      return template
        .replace(PLURAL, (whole, name: string, options: string) => pluralOf(whole, name, options, params))
        .replace(/\{(\w+)\}/g, (whole, name: string) => (params && Object.hasOwn(params, name) ? String(params[name]) : whole));
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
