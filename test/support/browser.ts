import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { it } from 'vitest';

/**
 * Debian's chromium driven by playwright-core, for the console's browser tests. In CI the browser is
 * installed by .ci/run and the tests must run; elsewhere it may be missing and they are skipped.
 */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests save their screenshots for people to look at (gitignored). */
export const ARTIFACTS = join(import.meta.dirname, '../artifacts');

/** True when the browser tests of this run are skipped: no chromium, and not in CI (where it must be there). */
export function browserMissing(file: string): boolean {
  const missing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
  if (missing) console.warn(`${file}: skipped, ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);
  return missing;
}

/** `it`, or `it.skip` when the browser is missing outside CI. */
export const browserIt = (missing: boolean) => (missing ? it.skip : it);

/** A fresh browser profile at a window size, in Russian and Moscow time as the console's people use it. */
export async function openBrowser(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
