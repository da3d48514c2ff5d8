import type { Text } from '../scenario/text.js';
import type { Catalog } from './catalog.js';

/** Turns an engine Text into a string in the catalog's language. */
export function renderText(catalog: Catalog, text: Text): string {
  if ('literal' in text) return text.literal;
  if ('list' in text) return text.list.map((item) => renderText(catalog, item)).join(', ');
  return catalog.t(text.key, text.params);
}
