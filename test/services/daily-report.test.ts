import { expect, it } from 'vitest';
import { decide } from '../../src/domain/lifecycle.js';
import { formatDuration } from '../../src/messages/durations.js';
import { createJobTexts } from '../../src/messages/job-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createDailyReport } from '../../src/services/daily-report.js';
import { FakeRequestRepository, makeDraft } from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

// Novosibirsk is UTC+7: its 2025-03-10 runs from 2025-03-09T17:00Z to 2025-03-10T17:00Z.
const TZ = 'Asia/Novosibirsk';
const NOW = new Date('2025-03-11T02:00:00Z'); // 09:00 on 2025-03-11 there: the report is of the 10th
const at = (iso: string) => new Date(iso);
const holder = { platform: 'telegram' as const, userId: 'v1', displayName: 'Иван' };
const asHolder = { person: { platform: 'telegram' as const, userId: 'v1' }, channel: 'telegram' as const, isCoordinator: false };

async function seed() {
  const requests = new FakeRequestRepository();
  const file = (district: string, iso: string) =>
    requests.create({ draft: makeDraft({ district }), channel: 'telegram', requester: { platform: 'telegram', userId: '5', chatId: '5' }, at: at(iso) });
  // Filed the day before, taken and done on the day.
  const early = await file('Ленинский', '2025-03-08T05:00:00Z');
  await requests.claim(early.number, holder, at('2025-03-09T18:00:00Z'));
  const done = decide((await requests.findByNumber(early.number))!, { type: 'complete' }, asHolder, at('2025-03-10T03:00:00Z'));
  await requests.applyTransition(early.number, done.ok ? done.transition : fail());
  requests.setFeedback(early.number, { rating: 4, at: at('2025-03-10T06:00:00Z') });
  // Filed on the day: one taken an hour later, one still waiting, one cancelled.
  const taken = await file('Ленинский', '2025-03-10T01:00:00Z');
  await requests.claim(taken.number, holder, at('2025-03-10T02:00:00Z'));
  await file('Центральный', '2025-03-10T04:00:00Z');
  const withdrawn = await file('Центральный', '2025-03-10T05:00:00Z');
  const cancel = decide(
    withdrawn,
    { type: 'cancel' },
    { person: { platform: 'telegram', userId: '5' }, channel: 'telegram', isCoordinator: false },
    at('2025-03-10T06:00:00Z'),
  );
  await requests.applyTransition(withdrawn.number, cancel.ok ? cancel.transition : fail());
  // Filed after the day ended there (already the 11th in Novosibirsk).
  await file('Центральный', '2025-03-10T18:00:00Z');
  return requests;
}

it("counts the day in the headquarters' time zone: filed, taken, done, cancelled, by district; open and overdue now; ratings", async () => {
  const report = await createDailyReport({ requests: await seed(), timeZone: TZ, overdueAfterMs: 2 * 3_600_000, now: () => NOW })();
  expect(report.day).toEqual({ year: 2025, month: 3, day: 10 });
  expect(report.created.total).toBe(3);
  expect({ claimed: report.claimed, done: report.done, cancelled: report.cancelled }).toEqual({ claimed: 2, done: 1, cancelled: 1 });
  expect(report.byDistrict).toEqual({
    Ленинский: { created: 1, claimed: 2, done: 1, cancelled: 0 },
    Центральный: { created: 2, claimed: 0, done: 0, cancelled: 1 },
  });
  // Open now: the one taken, and two waiting (since the 10th, and since 01:00 on the 11th): both
  // longer than the two hours after which a request counts as overdue.
  expect(report.openNow).toBe(3);
  expect(report.overdueNow).toBe(2);
  expect(report.toClaimMedianMs).toBe(3_600_000);
  expect(report.feedback).toEqual({ count: 1, average: 4 });
  expect(report.perDay).toHaveLength(14);
  expect(report.perDay.at(-1)).toEqual({ day: { year: 2025, month: 3, day: 10 }, byStatus: { new: 1, claimed: 1, done: 0, cancelled: 1 } });
  expect(report.perDay.at(-3)).toEqual({ day: { year: 2025, month: 3, day: 8 }, byStatus: { new: 0, claimed: 0, done: 1, cancelled: 0 } });
});

it('renders the report as one plain message with a bar per day', async () => {
  const report = await createDailyReport({ requests: await seed(), timeZone: TZ, overdueAfterMs: 2 * 3_600_000, now: () => NOW })();
  const texts = createJobTexts(catalogs.ru, createRequestTexts(catalogs.ru, TZ, helpScenario));
  const text = texts.dailyReport(report, 2 * 3_600_000);
  expect(text).toContain('📊 Отчёт за 10.03.2025');
  expect(text).toContain('Новых заявок: 3');
  expect(text).toContain('Взято: 2 · Выполнено: 1 · Отменено: 1');
  expect(text).toContain('Сейчас открыто: 3; ждут волонтёра дольше, чем 2 ч: 2');
  expect(text).toContain('Медиана от заявки до волонтёра: 1 ч');
  expect(text).toContain('Оценок за день: 1, средняя 4.0');
  expect(text).toContain('Центральный: 2 / 0 / 0 / 1');
  expect(text).toMatch(/10\.03 ▇+ 3$/m);
  expect(text).toMatch(/09\.03 · 0$/m);
  for (const personal of Object.values(makeDraft().personal)) expect(text).not.toContain(personal);
});

it('writes waits as a coordinator reads them', () => {
  expect(formatDuration(catalogs.ru, 20_000)).toBe('меньше минуты');
  expect(formatDuration(catalogs.ru, 45 * 60_000)).toBe('45 мин');
  expect(formatDuration(catalogs.ru, 120 * 60_000)).toBe('2 ч');
  expect(formatDuration(catalogs.ru, 125 * 60_000)).toBe('2 ч 5 мин');
  expect(formatDuration(catalogs.ru, 50 * 3_600_000)).toBe('2 дня 2 ч');
});

function fail(): never {
  throw new Error('the rules refused a change the test expects to be allowed');
}
