import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ARTIFACTS, browserIt as browserItUnless, browserMissing, openBrowser } from '../support/browser.js';
import { seedFourWeeks } from '../support/console-seed.js';
import { DISTRICTS, HQ_CHAT_ID, SystemHarness } from '../support/harness.js';

// The web console in a real browser (Debian's chromium driven by playwright-core) against the whole
// system as main starts it: an operator signs in with the link the bot sends, takes a request by
// phone through the form, finds it on the board and the dashboard; the request reaches the
// volunteers like a bot's. The dashboard's screenshot is saved under test/artifacts/.

const OPERATOR_ID = 700;
const SCREENSHOT = join(ARTIFACTS, 'console-dashboard.png');

const missing = browserMissing('console-browser.test.ts');
const browserIt = browserItUnless(missing);

let h: SystemHarness;
let context: BrowserContext | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (missing) return;
  h = await SystemHarness.start({ OPERATOR_TELEGRAM_IDS: String(OPERATOR_ID) });
  await seedFourWeeks(h.database.db.repositories, { now: new Date(), districts: DISTRICTS });
  ({ context, close: closeBrowser } = await openBrowser({ width: 1280, height: 900 }));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await h?.stop();
});

browserIt(
  "signs an operator in by the bot's link, takes a phone request, and shows it on the board and the dashboard",
  async () => {
    // The operator asks the bot for a link; the link opens a page with one button.
    const operator = h.person(OPERATOR_ID, 'Ольга');
    const reply = await operator.ask('/console');
    const url = /http:\/\/\S+\/console\/login\?token=[\w-]+/.exec(reply.message.text)?.[0];
    expect(url, reply.message.text).toBeDefined();
    const page: Page = context!.pages()[0] ?? (await context!.newPage());
    await page.goto(url!);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL('**/console/dashboard');
    expect(await page.locator('header .who').innerText()).toContain('Ольга · оператор');

    // The same link a second time signs nobody in.
    const second = await context!.newPage();
    await second.goto(url!);
    await second.getByRole('button', { name: 'Войти' }).click();
    expect(await second.locator('.notice.error').innerText()).toContain('Ссылка не подошла');
    await second.close();

    // The phone request, through the questionnaire's own questions.
    await page.getByRole('link', { name: 'Новая заявка' }).click();
    const prescription = page.locator('.field[data-when-step="helpKind"]');
    expect(await prescription.isHidden()).toBe(true);
    await page.getByLabel('Пенсионеру').check();
    await page.locator('input[name="age"]').fill('много');
    await page.getByLabel('Ленинский').check();
    await page.getByLabel('Доставка лекарств').check();
    // Shown only for medicine, as the bot asks it only then.
    expect(await prescription.isVisible()).toBe(true);
    await page.getByLabel('Нужна помощь с рецептом').check();
    await page.locator('[name="description"]').fill('Купить лекарства по списку, рецепт выпишет врач');
    await page.locator('[name="name"]').fill('Антонина Петровна');
    await page.locator('[name="address"]').fill('ул. Тестовая, д. 7, кв. 13');
    await page.locator('input[name="phone"]').fill('8 913 123-45-67');
    await page.getByLabel('Да, даю согласие').check();
    await page.getByRole('button', { name: 'Проверить' }).click();
    // Refused as the bot refuses it, with everything typed kept.
    expect(await page.locator('.field.invalid .error').innerText()).toContain('Пожалуйста, напишите число цифрами');
    expect(await page.locator('[name="name"]').inputValue()).toBe('Антонина Петровна');
    await page.locator('input[name="age"]').fill('84 года');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.getByText('Проверьте заявку перед отправкой').waitFor();
    expect(await page.locator('dl.fields').innerText()).toContain('+79131234567');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.waitForURL(/\/console\/requests\/\d+\?done=created/);
    const number = Number(/requests\/(\d+)/.exec(page.url())![1]);
    expect(await page.locator('.notice').first().innerText()).toContain(`Заявка №${number} принята`);
    expect(await page.locator('body').innerText()).toContain('Приняли по телефону');
    // The operator tells the caller the code word the card shows; the volunteer will say it at the door.
    const { codeWord } = (await h.database.db.repositories.requests.findByNumber(number))!;
    expect(await page.locator('.notice').first().innerText()).toContain('кодовое слово');
    expect(await page.locator('dl.fields').nth(1).innerText()).toMatch(new RegExp(`Кодовое слово\\s+${codeWord}`));

    // Dispatched like a bot's request: the district has no group, so the HQ chat gets the post, with nothing personal.
    const post = await h.emulator.waitFor(() => h.messagesTo(HQ_CHAT_ID).find((m) => m.message.text.includes(`Заявка №${number}\n`)));
    expect(post.message.text).toContain('Доставка лекарств');
    for (const personal of ['Антонина', 'Тестовая', '+7913']) expect(post.message.text).not.toContain(personal);

    // On the board, filtered by the phone channel.
    await page.getByRole('link', { name: 'Заявки' }).click();
    await page.locator('select[name="channel"]').selectOption('phone');
    await page.getByRole('button', { name: 'Показать' }).click();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').innerText()).toContain(`№${number}`);

    // On the dashboard: open now, today's column, and the charts; saved as a screenshot.
    await page.getByRole('link', { name: 'Панель' }).click();
    const open = await h.database.db.repositories.requests.search({ statuses: ['new', 'claimed'], skip: 0, limit: 0 });
    expect(await page.locator('.tile').first().innerText()).toContain(String(open.total));
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('svg.chart').first().locator('rect.s-new').count()).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  },
  90_000,
);
