/**
 * `npm run scenarios:check`: validates every scenario file against the catalogs, so whoever edits
 * the YAML learns of a mistake before the bot starts (the file, the step and what is wrong).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogs } from './messages/load-catalogs.js';
import { loadScenarioFile, ScenarioFileError } from './scenario/load.js';

const dir = process.argv[2] ?? 'scenarios';
let failed = 0;
try {
  const catalogs = loadCatalogs(join(dir, 'locales'));
  const missing = catalogs.ru.keys().filter((key) => !catalogs.en.has(key));
  if (missing.length > 0) {
    failed++;
    console.error(`${join(dir, 'locales', 'en.yaml')}: missing translations of ${missing.join(', ')}`);
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))) {
    const path = join(dir, file);
    try {
      const scenario = loadScenarioFile(path, [catalogs.ru, catalogs.en]);
      console.log(`ok   ${path}: scenario "${scenario.id}", ${scenario.steps.length} steps`);
    } catch (error) {
      failed++;
      console.error(error instanceof ScenarioFileError ? `FAIL ${error.message}` : `FAIL ${path}: ${String(error)}`);
    }
  }
} catch (error) {
  failed++;
  console.error(`FAIL ${(error as Error).message}`);
}
process.exitCode = failed > 0 ? 1 : 0;
