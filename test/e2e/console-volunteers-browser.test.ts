import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ARTIFACTS, browserIt as browserItUnless, browserMissing, openBrowser } from '../support/browser.js';
import { COORDINATOR_ID, SystemHarness } from '../support/harness.js';

// «Волонтёры» in a real browser (Debian's chromium driven by playwright-core) against the whole system
// as main starts it: a coordinator signs in with the bot's link, finds two applications waiting,
// rejects one with a reason and approves the other; each applicant hears of it from the bot. The
// page's screenshot is saved under test/artifacts/.

const SCREENSHOT = join(ARTIFACTS, 'console-volunteers.png');

const missing = browserMissing('console-volunteers-browser.test.ts');
const browserIt = browserItUnless(missing);

let h: SystemHarness;
let context: BrowserContext | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (missing) return;
  h = await SystemHarness.start({ CLAIM_REQUIRES_APPROVAL: 'true' });
  ({ context, close: closeBrowser } = await openBrowser({ width: 1280, height: 900 }));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await h?.stop();
});

/** An application as the bot's questionnaire files it, by a person who can then read the bot's answer. */
async function applied(userId: number, name: string, district: string, phone: string) {
  const filed = await h.database.db.repositories.volunteerRoster.apply({
    person: { platform: 'telegram', userId: String(userId) },
    details: { name, phone },
    districts: [district],
    skills: ['on_foot'],
    at: new Date(),
  });
  if (!('record' in filed)) throw new Error(`${name} had applied already`);
  return { number: filed.record.number, person: h.person(userId, name) };
}

browserIt(
  'lets a coordinator reject one application with a reason and approve another, and tells both applicants',
  async () => {
    const svetlana = await applied(4101, 'Светлана', 'Ленинский', '+79131110001');
    const timur = await applied(4102, 'Тимур', 'Центральный', '+79131110002');

    const reply = await h.person(COORDINATOR_ID, 'Мария').ask('/console');
    const url = /http:\/\/\S+\/console\/login\?token=[\w-]+/.exec(reply.message.text)?.[0];
    expect(url, reply.message.text).toBeDefined();
    const page: Page = context!.pages()[0] ?? (await context!.newPage());
    await page.goto(url!);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL('**/console/dashboard');

    // Both applications wait for a decision, with the phone to call first.
    await page.getByRole('link', { name: 'Волонтёры' }).click();
    await page.waitForURL('**/console/volunteers');
    const svetlanaCard = page.locator(`#volunteer-${svetlana.number}`);
    const timurCard = page.locator(`#volunteer-${timur.number}`);
    expect(await svetlanaCard.innerText()).toContain(`Анкета №${svetlana.number} · ждёт решения`);
    expect(await svetlanaCard.innerText()).toContain('+79131110001');
    expect(await timurCard.innerText()).toContain('Центральный');

    // A rejection needs its reason: the browser does not send the form without one.
    await timurCard.getByRole('button', { name: 'Отклонить' }).click();
    expect(page.url()).toMatch(/\/console\/volunteers$/);
    await timurCard.getByLabel('Причина отказа').fill('Не дозвонились, перезвоните в штаб');
    await timurCard.getByRole('button', { name: 'Отклонить' }).click();
    await page.waitForURL(/done=reject/);
    expect(await page.locator('.notice').innerText()).toContain(`Анкета №${timur.number} (Тимур) отклонена`);
    expect(await page.locator(`#volunteer-${timur.number}`).count()).toBe(0);

    await page.locator(`#volunteer-${svetlana.number}`).getByRole('button', { name: 'Одобрить' }).click();
    await page.waitForURL(/done=approve/);
    expect(await page.locator('.notice').innerText()).toContain(`Анкета №${svetlana.number} (Светлана) одобрена`);

    // The rejected application, with its reason, under its own status.
    await page.locator('select[name="status"]').selectOption('rejected');
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.waitForURL(/status=rejected/);
    expect(await page.locator(`#volunteer-${timur.number}`).innerText()).toContain('Не дозвонились, перезвоните в штаб');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Each applicant hears of it from the bot.
    expect((await timur.person.reply()).message.text).toContain('Причина: Не дозвонились, перезвоните в штаб');
    expect((await svetlana.person.reply()).message.text).toContain(`анкета волонтёра №${svetlana.number} одобрена`);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(svetlana.number))?.history.at(-1)).toMatchObject({
      status: 'approved',
      by: { platform: 'telegram', userId: String(COORDINATOR_ID) },
    });
  },
  90_000,
);
