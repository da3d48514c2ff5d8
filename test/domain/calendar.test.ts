import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  daysOf,
  instantAt,
  isoDate,
  lastDaysOf,
  localDateOf,
  offsetAt,
  parseIsoDate,
  parsePeriod,
  periodOf,
  startOfLocalDay,
  wallTimeAt,
  weekday,
  type Period,
} from '../../src/domain/calendar.js';

// Every instant here is fixed: nothing reads the machine's clock or its time zone.
const MSK = 'Europe/Moscow';
// 2025-03-12 is a Wednesday; 10:30 UTC is 13:30 in Moscow (UTC+3 all year).
const NOW = new Date('2025-03-12T10:30:00Z');

function period(input: string, now = NOW, tz = MSK): Period {
  const parsed = parsePeriod(input, now, tz);
  if (!parsed.ok) throw new Error(`not a period: ${input} (${parsed.error})`);
  return parsed.period;
}

const iso = (d: Date) => d.toISOString();

describe('parsePeriod', () => {
  it('reads today and yesterday as whole days of the HQ time zone', () => {
    expect([iso(period('today').from), iso(period('today').to)]).toEqual(['2025-03-11T21:00:00.000Z', '2025-03-12T21:00:00.000Z']);
    expect([iso(period('вчера').from), iso(period('yesterday').to)]).toEqual(['2025-03-10T21:00:00.000Z', '2025-03-11T21:00:00.000Z']);
    // Just after midnight in Moscow it is still the previous day in UTC: "today" follows Moscow.
    const earlyMorning = new Date('2025-03-12T21:30:00Z');
    expect(period('today', earlyMorning).firstDay).toEqual({ year: 2025, month: 3, day: 13 });
  });

  it('reads week from Monday, month from the 1st, and Nd as the last N days with today', () => {
    expect(period('week').firstDay).toEqual({ year: 2025, month: 3, day: 10 });
    expect(period('неделя').lastDay).toEqual({ year: 2025, month: 3, day: 12 });
    // On a Sunday the week began six days before.
    expect(period('week', new Date('2025-03-16T10:00:00Z')).firstDay).toEqual({ year: 2025, month: 3, day: 10 });
    expect(period('month').firstDay).toEqual({ year: 2025, month: 3, day: 1 });
    expect(period('7d').firstDay).toEqual({ year: 2025, month: 3, day: 6 });
    expect(period('30д').firstDay).toEqual({ year: 2025, month: 2, day: 11 });
    expect(period('1d')).toEqual(period('today'));
  });

  it('takes the last 7 days when no period is given', () => {
    expect(period('')).toEqual(period('7d'));
    expect(period('   ')).toEqual(period('7d'));
  });

  it('reads a date range with both days included, and a single date', () => {
    const range = period('2025-03-01..2025-03-07');
    expect([iso(range.from), iso(range.to)]).toEqual(['2025-02-28T21:00:00.000Z', '2025-03-07T21:00:00.000Z']);
    expect(period('2025-03-01 .. 2025-03-07')).toEqual(range);
    expect(period('2025-03-01—2025-03-07')).toEqual(range);
    const single = period('2025-02-28');
    expect([single.firstDay, single.lastDay]).toEqual([
      { year: 2025, month: 2, day: 28 },
      { year: 2025, month: 2, day: 28 },
    ]);
  });

  it('says what is wrong with a period it cannot use', () => {
    expect(parsePeriod('fortnight', NOW, MSK)).toEqual({ ok: false, error: 'unknown' });
    expect(parsePeriod('0d', NOW, MSK)).toEqual({ ok: false, error: 'unknown' });
    expect(parsePeriod('2025-02-30', NOW, MSK)).toEqual({ ok: false, error: 'bad_date' });
    expect(parsePeriod('2025-13-01..2025-13-02', NOW, MSK)).toEqual({ ok: false, error: 'bad_date' });
    expect(parsePeriod('2025-03-07..2025-03-01', NOW, MSK)).toEqual({ ok: false, error: 'reversed' });
    expect(parsePeriod('2020-01-01..2025-01-01', NOW, MSK)).toEqual({ ok: false, error: 'too_long' });
    expect(parsePeriod('999d', NOW, MSK)).toEqual({ ok: false, error: 'too_long' });
  });

  it('follows another time zone and its daylight-saving switches', () => {
    const nsk = period('today', NOW, 'Asia/Novosibirsk');
    expect(iso(nsk.from)).toBe('2025-03-11T17:00:00.000Z');
    // Berlin moves its clocks forward on 2025-03-30: that day has 23 hours.
    const switchDay = period('2025-03-30', NOW, 'Europe/Berlin');
    expect([iso(switchDay.from), iso(switchDay.to)]).toEqual(['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z']);
    const fallBack = period('2025-10-26', NOW, 'Europe/Berlin');
    expect(fallBack.to.getTime() - fallBack.from.getTime()).toBe(25 * 3_600_000);
  });

  it('starts a day at the first minute after a gap when midnight itself is skipped', () => {
    // Santiago de Chile moved its clocks from 00:00 to 01:00 on 2024-09-08.
    const start = startOfLocalDay({ year: 2024, month: 9, day: 8 }, 'America/Santiago');
    expect(localDateOf(start, 'America/Santiago')).toEqual({ year: 2024, month: 9, day: 8 });
    expect(localDateOf(new Date(start.getTime() - 60_000), 'America/Santiago')).toEqual({ year: 2024, month: 9, day: 7 });
  });
});

const HOUR = 3_600_000;
const LA = 'America/Los_Angeles';
const BERLIN = 'Europe/Berlin';
const KIRITIMATI = 'Pacific/Kiritimati';
const day = (year: number, month: number, date: number) => ({ year, month, day: date });
const hoursOf = (p: Period) => (p.to.getTime() - p.from.getTime()) / HOUR;

describe('the wall clock of a zone', () => {
  it('reads Moscow three hours ahead of UTC in winter and in summer alike', () => {
    expect(offsetAt(new Date('2025-01-15T12:00:00Z'), MSK)).toBe(3 * HOUR);
    expect(offsetAt(new Date('2025-07-15T12:00:00Z'), MSK)).toBe(3 * HOUR);
    expect(wallTimeAt(new Date('2025-03-12T21:30:15Z'), MSK)).toEqual({ year: 2025, month: 3, day: 13, hour: 0, minute: 30, second: 15 });
  });

  it('reads midnight as 00, not 24', () => {
    expect(wallTimeAt(new Date('2025-03-12T21:00:00Z'), MSK).hour).toBe(0);
  });

  it('follows Los Angeles across its spring-forward switch, second by second', () => {
    // 2025-03-09 at 02:00 PST the clocks jump to 03:00 PDT, which is 10:00 UTC.
    expect(offsetAt(new Date('2025-03-09T09:59:59Z'), LA)).toBe(-8 * HOUR);
    expect(offsetAt(new Date('2025-03-09T10:00:00Z'), LA)).toBe(-7 * HOUR);
    expect(wallTimeAt(new Date('2025-03-09T09:59:59Z'), LA)).toMatchObject({ hour: 1, minute: 59, second: 59 });
    expect(wallTimeAt(new Date('2025-03-09T10:00:00Z'), LA)).toMatchObject({ hour: 3, minute: 0, second: 0 });
  });

  it('follows Berlin across both of its switches', () => {
    expect(offsetAt(new Date('2025-03-30T00:59:59Z'), BERLIN)).toBe(1 * HOUR);
    expect(offsetAt(new Date('2025-03-30T01:00:00Z'), BERLIN)).toBe(2 * HOUR);
    expect(offsetAt(new Date('2025-10-26T00:59:59Z'), BERLIN)).toBe(2 * HOUR);
    expect(offsetAt(new Date('2025-10-26T01:00:00Z'), BERLIN)).toBe(1 * HOUR);
  });

  it('puts Kiritimati fourteen hours ahead, on the next calendar day while UTC is still on the last', () => {
    const at = new Date('2025-03-12T10:30:00Z');
    expect(offsetAt(at, KIRITIMATI)).toBe(14 * HOUR);
    expect(localDateOf(at, KIRITIMATI)).toEqual(day(2025, 3, 13));
    expect(localDateOf(at, LA)).toEqual(day(2025, 3, 12));
  });
});

describe('instantAt', () => {
  it('finds a wall-clock time on a day without a switch', () => {
    expect(instantAt(day(2025, 3, 12), { hour: 9, minute: 0 }, MSK).toISOString()).toBe('2025-03-12T06:00:00.000Z');
    expect(instantAt(day(2025, 3, 12), { hour: 9, minute: 0 }, KIRITIMATI).toISOString()).toBe('2025-03-11T19:00:00.000Z');
  });

  it('pushes a time the clocks skip forward by the gap (02:30 does not exist in Los Angeles on 9 March 2025)', () => {
    expect(instantAt(day(2025, 3, 9), { hour: 2, minute: 30 }, LA).toISOString()).toBe('2025-03-09T10:30:00.000Z');
  });

  it('gives the first of a time the clocks repeat', () => {
    expect(instantAt(day(2025, 11, 2), { hour: 1, minute: 30 }, LA).toISOString()).toBe('2025-11-02T08:30:00.000Z');
    expect(instantAt(day(2025, 10, 26), { hour: 2, minute: 30 }, BERLIN).toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });
});

describe('startOfLocalDay', () => {
  it('makes a spring-forward day 23 hours long and a fall-back day 25 (Los Angeles)', () => {
    expect(startOfLocalDay(day(2025, 3, 9), LA).toISOString()).toBe('2025-03-09T08:00:00.000Z');
    expect(hoursOf(periodOf(day(2025, 3, 9), day(2025, 3, 9), LA))).toBe(23);
    expect(hoursOf(periodOf(day(2025, 11, 2), day(2025, 11, 2), LA))).toBe(25);
    expect(hoursOf(periodOf(day(2025, 11, 3), day(2025, 11, 3), LA))).toBe(24);
  });

  it('begins a day at the first of two midnights when the clocks go back from 01:00 to 00:00 (Amman, 2021)', () => {
    const start = startOfLocalDay(day(2021, 10, 29), 'Asia/Amman');
    expect(start.toISOString()).toBe('2021-10-28T21:00:00.000Z');
    expect(localDateOf(new Date(start.getTime() - 1000), 'Asia/Amman')).toEqual(day(2021, 10, 28));
  });

  it('gives a day the calendar skipped no time at all (Kiritimati went from 30 December 1994 to 1 January 1995)', () => {
    const skipped = periodOf(day(1994, 12, 31), day(1994, 12, 31), KIRITIMATI);
    expect(skipped.from.getTime()).toBe(skipped.to.getTime());
    expect(localDateOf(new Date(skipped.from.getTime() - 1000), KIRITIMATI)).toEqual(day(1994, 12, 30));
    expect(localDateOf(skipped.from, KIRITIMATI)).toEqual(day(1995, 1, 1));
  });
});

describe('local days', () => {
  it('adds days across months, leap days and years', () => {
    expect(addDays(day(2024, 2, 28), 1)).toEqual(day(2024, 2, 29));
    expect(addDays(day(2025, 2, 28), 1)).toEqual(day(2025, 3, 1));
    expect(addDays(day(2025, 1, 1), -1)).toEqual(day(2024, 12, 31));
    expect(daysBetween(day(2024, 12, 31), day(2025, 3, 1))).toBe(60);
    expect(daysBetween(day(2025, 3, 1), day(2024, 12, 31))).toBe(-60);
  });

  it('knows the weekday and writes the day as ISO', () => {
    expect(weekday(day(2025, 3, 12))).toBe(3);
    expect(weekday(day(2025, 3, 16))).toBe(0);
    expect(isoDate(day(2025, 3, 7))).toBe('2025-03-07');
  });

  it('reads an ISO day, refusing days the calendar does not have', () => {
    expect(parseIsoDate('2025-03-07')).toEqual(day(2025, 3, 7));
    expect(parseIsoDate('2025-3-7')).toEqual(day(2025, 3, 7));
    expect(parseIsoDate('2024-02-29')).toEqual(day(2024, 2, 29));
    expect(parseIsoDate('2025-02-29')).toBeNull();
    expect(parseIsoDate('1999-12-31')).toBeNull();
    expect(parseIsoDate('2025-03-07T10:00')).toBeNull();
  });

  it('lists every day of a period, one per local day across a switch', () => {
    const days = daysOf(periodOf(day(2025, 3, 29), day(2025, 3, 31), BERLIN));
    expect(days.map(isoDate)).toEqual(['2025-03-29', '2025-03-30', '2025-03-31']);
  });

  it('takes the last N days with today, in the zone, not in UTC', () => {
    // 23:30 UTC on 12 March is already 13 March in Kiritimati and still 12 March in Los Angeles.
    const at = new Date('2025-03-12T23:30:00Z');
    expect(lastDaysOf(at, 3, KIRITIMATI)).toMatchObject({ firstDay: day(2025, 3, 11), lastDay: day(2025, 3, 13) });
    expect(lastDaysOf(at, 3, LA)).toMatchObject({ firstDay: day(2025, 3, 10), lastDay: day(2025, 3, 12) });
    expect(lastDaysOf(at, 3, LA).from.toISOString()).toBe('2025-03-10T07:00:00.000Z');
  });
});
