import { join } from 'node:path';
import { loadCatalogFile, type Catalog, type Locale } from './catalog.js';

/** Loads the Russian and English catalogs from a locales folder. */
export function loadCatalogs(dir: string): Record<Locale, Catalog> {
  return {
    ru: loadCatalogFile('ru', join(dir, 'ru.yaml')),
    en: loadCatalogFile('en', join(dir, 'en.yaml')),
  };
}
