import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ARTIFACTS, browserIt as browserItUnless, browserMissing, openBrowser } from '../support/browser.js';
import { seedFourWeeks } from '../support/console-seed.js';
import { DISTRICTS } from '../support/scenario-fixtures.js';
import { startWebApp, WEB_COORDINATOR, type WebApp } from '../support/web-app.js';

// Every console page in chromium on phones (360 and 390 px) and on a laptop (1280 px): nothing wider than
// the window, the charts' words big enough to read, the dashboard's figures inside their tiles. A
// screenshot of each page at each width is saved under test/artifacts/ for people to look at, with
// the figures measured (console-widths.json).

const missing = browserMissing('console-widths.test.ts');
const browserIt = browserItUnless(missing);

// 360 px: the narrowest phone the console promises to fit; 390 px: a common one; 1280 px: a laptop.
const WIDTHS = [360, 390, 1280] as const;
/** The smallest chart text a person reads without zooming, as the box chromium draws it in. */
const MIN_CHART_TEXT_PX = 10;

let w: WebApp;
let base = '';
let claimedNumber = 0;
const measured: Record<string, Layout> = {};

beforeAll(async () => {
  if (missing) return;
  w = await startWebApp();
  // Volunteers answer within seconds here, so the dashboard says «меньше минуты», its longest figure.
  await seedFourWeeks(w.repositories, { now: w.now(), districts: DISTRICTS, claimAfterMinutes: () => 0.2 });
  // An operator granted in the console, so the operators page shows its list with a long name.
  const operator = { platform: 'telegram' as const, userId: '7001234567' };
  await w.repositories.people.record({
    person: operator,
    username: 'operator_of_the_evening_shift',
    displayName: 'Оператор вечерней смены горячей линии',
    privately: true,
    at: w.now(),
  });
  await w.repositories.roles.grant(operator, WEB_COORDINATOR, w.now(), 'operator');
  // A question from someone with no request, long enough to wrap, for the «Вопросы» page.
  await w.repositories.questions.add(
    { platform: 'vk', userId: '123456789', chatId: '123456789' },
    'Здравствуйте! Подскажите, пожалуйста, можно ли оставить заявку на помощь соседке, которая сама не пользуется телефоном, и что для этого нужно?',
    w.now(),
  );
  claimedNumber = (await w.repositories.requests.search({ statuses: ['claimed'], skip: 0, limit: 1 })).items[0]!.number;
  await w.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}`;
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  if (Object.keys(measured).length > 0) writeFileSync(join(ARTIFACTS, 'console-widths.json'), `${JSON.stringify(measured, null, 2)}\n`);
  await w?.stop();
});

/** A sign-in page for a fresh link: opening it uses nothing up. */
async function signInPage(): Promise<string> {
  const link = await w.web.access.issueLink(WEB_COORDINATOR, 'Координатор Мария');
  return `${base}/console/login?token=${new URL(link!.url).searchParams.get('token')}`;
}

/** Each page a coordinator meets, and how to reach it from a signed-in browser. */
const PAGES: { name: string; open: (page: Page) => Promise<unknown> }[] = [
  { name: 'sign-in', open: async (page) => page.goto(await signInPage()) },
  { name: 'dashboard', open: (page) => page.goto(`${base}/console/dashboard`) },
  { name: 'board', open: (page) => page.goto(`${base}/console/requests`) },
  { name: 'card', open: (page) => page.goto(`${base}/console/requests/${claimedNumber}`) },
  { name: 'intake', open: (page) => page.goto(`${base}/console/intake`) },
  {
    name: 'intake-refused',
    open: async (page) => {
      await page.goto(`${base}/console/intake`);
      await page.getByRole('button', { name: 'Проверить' }).click();
      await page.locator('.field.invalid').first().waitFor();
    },
  },
  {
    name: 'preview',
    open: async (page) => {
      await page.goto(`${base}/console/preview`);
      await page.getByRole('button', { name: 'Начать с начала' }).click();
      await page.locator('.bubble.bot').first().waitFor();
    },
  },
  { name: 'questions', open: (page) => page.goto(`${base}/console/questions`) },
  { name: 'people', open: (page) => page.goto(`${base}/console/people`) },
  { name: 'error', open: (page) => page.goto(`${base}/console/requests/999999`) },
];

interface Layout {
  windowWidth: number;
  pageWidth: number;
  /** Elements reaching past either side of the window, as tag.class [left..right]. */
  outside: string[];
  /** Boxes (cards, tiles and what the tiles hold) whose content is wider than they are. */
  overflowing: string[];
  chartTextHeights: number[];
}

/** What the page looks like to the layout: its width, what sticks out of the window or of its box, the charts' text. */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    const windowWidth = window.innerWidth;
    const outside: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -0.5 || box.right > windowWidth + 0.5) outside.push(`${name(el)} [${Math.round(box.left)}..${Math.round(box.right)}]`);
    }
    const overflowing = [...document.querySelectorAll('.card, .tile, .tile *')]
      .filter((el) => el.scrollWidth > el.clientWidth + 0.5)
      .map((el) => `${name(el)} ${el.scrollWidth} > ${el.clientWidth}`);
    const chartTextHeights = [...document.querySelectorAll('svg.chart text')]
      .map((el) => el.getBoundingClientRect().height)
      .filter((height) => height > 0)
      .map((height) => Math.round(height * 10) / 10);
    return { windowWidth, pageWidth: document.documentElement.scrollWidth, outside, overflowing, chartTextHeights };
  });
}

describe.each(WIDTHS)('at %i px', (width) => {
  let context: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (missing) return;
    ({ context, close: closeBrowser } = await openBrowser({ width, height: 900 }));
    const page = await context.newPage();
    await page.goto(await signInPage());
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL('**/console/dashboard');
    await page.close();
  }, 60_000);
  afterAll(async () => {
    await closeBrowser?.();
  });

  browserIt.each(PAGES)(
    '$name fits the window and reads without zooming',
    async ({ name, open }) => {
      const page = await context.newPage();
      // The console works on a closed network: no font, script or picture from anywhere else.
      const elsewhere: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(`${base}/`)) elsewhere.push(request.url());
      });
      await open(page);
      const layout = await measure(page);
      measured[`${name}@${width}`] = layout;
      await page.screenshot({ path: join(ARTIFACTS, `console-${name}-${width}.png`), fullPage: true });
      await page.close();

      expect(layout.windowWidth).toBe(width);
      expect(elsewhere).toEqual([]);
      expect.soft(layout.pageWidth, 'the page is wider than the window').toBeLessThanOrEqual(width);
      expect.soft(layout.outside, 'elements past the window').toEqual([]);
      expect.soft(layout.overflowing, 'content wider than its box').toEqual([]);
      if (name === 'dashboard') {
        expect(layout.chartTextHeights.length).toBeGreaterThan(0);
        expect.soft(Math.min(...layout.chartTextHeights), 'the smallest chart text, px').toBeGreaterThanOrEqual(MIN_CHART_TEXT_PX);
      }
    },
    60_000,
  );
});
