import type { Text } from '../scenario/text.js';
import type { Catalog } from './catalog.js';

/** Turns an engine Text into a string in the catalog's language. */
export function renderText(catalog: Catalog, text: Text): string {
  return 'literal' in text ? text.literal : catalog.t(text.key, text.params);
}
