import { describe, expect, it } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { computeStats, localDateOf, median, parsePeriod, startOfLocalDay, type Period } from '../../src/services/request-stats.js';

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
    expect([single.firstDay, single.lastDay]).toEqual([{ year: 2025, month: 2, day: 28 }, { year: 2025, month: 2, day: 28 }]);
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

let seq = 0;
function request(overrides: Partial<HelpRequest>): HelpRequest {
  seq++;
  return {
    id: `r${seq}`,
    number: seq,
    status: 'new',
    channel: 'telegram',
    requester: { platform: 'telegram', userId: '1', chatId: '1' },
    category: 'pensioner',
    age: 80,
    ageBand: '80+',
    district: 'Ленинский',
    helpKind: 'groceries',
    extra: {},
    personal: { name: 'N', address: 'A', phone: '+70000000000', description: 'D' },
    consentAt: new Date('2025-03-01T09:00:00Z'),
    round: 0,
    announcedUpTo: 0,
    posts: [],
    history: [],
    createdAt: new Date('2025-03-01T09:00:00Z'),
    ...overrides,
  };
}

const at = (minutes: number) => new Date(Date.parse('2025-03-01T09:00:00Z') + minutes * 60_000);

describe('computeStats', () => {
  it('counts by status, district, kind of help, category and channel', () => {
    const stats = computeStats([
      request({ status: 'new', district: 'Ленинский', helpKind: 'groceries' }),
      request({ status: 'claimed', district: 'Центральный', helpKind: 'medicine', channel: 'vk', firstClaimedAt: at(10) }),
      request({ status: 'done', district: 'Ленинский', helpKind: 'medicine', firstClaimedAt: at(20), closedAt: at(120) }),
      request({ status: 'cancelled', district: 'Ленинский', helpKind: 'legal', category: 'disabled', closedAt: at(5) }),
    ]);
    expect(stats.total).toBe(4);
    expect(stats.byStatus).toEqual({ new: 1, claimed: 1, done: 1, cancelled: 1 });
    expect(stats.byDistrict).toEqual([['Ленинский', 3], ['Центральный', 1]]);
    // Equal counts keep the catalog's order of kinds.
    expect(stats.byHelpKind).toEqual([['medicine', 2], ['groceries', 1], ['legal', 1]]);
    expect(stats.byCategory).toEqual([['pensioner', 3], ['disabled', 1]]);
    expect(stats.byChannel).toEqual({ telegram: 3, vk: 1 });
  });

  it('takes the median time to the first claim over every request ever claimed, and to done over done ones', () => {
    const stats = computeStats([
      // Released after 10 minutes and waiting again: its first claim still counts.
      request({ status: 'new', firstClaimedAt: at(10) }),
      request({ status: 'done', firstClaimedAt: at(30), closedAt: at(90) }),
      request({ status: 'done', firstClaimedAt: at(50), closedAt: at(300) }),
      // A cancelled request's closing time is no "time to done".
      request({ status: 'cancelled', closedAt: at(1) }),
    ]);
    expect(stats.toClaim).toEqual({ medianMs: 30 * 60_000, count: 3 });
    expect(stats.toDone).toEqual({ medianMs: ((90 + 300) / 2) * 60_000, count: 2 });
  });

  it('has nothing to take a median of in an empty period', () => {
    const stats = computeStats([]);
    expect(stats.total).toBe(0);
    expect(stats.toClaim).toEqual({ medianMs: null, count: 0 });
    expect(stats.byDistrict).toEqual([]);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });
});
