import { join } from 'node:path';
import type { Catalog, Locale } from '../scenario/text.js';
import { loadCatalogFile } from './catalog.js';

/** Loads the Russian and English catalogs from a locales folder. */
export function loadCatalogs(dir: string): Record<Locale, Catalog> {
  return {
    ru: loadCatalogFile('ru', join(dir, 'ru.yaml')),
    en: loadCatalogFile('en', join(dir, 'en.yaml')),
  };
}
