import { describe, expect, it } from 'vitest';
import { nextAllowedMoment, quietHoursSchema, quietHoursStatus, type QuietHours } from '../../src/domain/quiet-hours.js';

const night: QuietHours = { start: '21:00', end: '09:00' };
const at = (iso: string) => new Date(iso);

describe('quiet hours 21:00–09:00 in Asia/Novosibirsk (UTC+7)', () => {
  const zone = 'Asia/Novosibirsk';
  it.each([
    ['2025-03-10T13:59:59.999Z', '20:59:59.999 local', false, '2025-03-10T13:59:59.999Z'],
    ['2025-03-10T14:00:00.000Z', '21:00 exactly', true, '2025-03-11T02:00:00.000Z'],
    ['2025-03-10T16:59:00.000Z', '23:59', true, '2025-03-11T02:00:00.000Z'],
    ['2025-03-10T17:00:00.000Z', '00:00 of the next day', true, '2025-03-11T02:00:00.000Z'],
    ['2025-03-11T01:59:59.999Z', '08:59:59.999', true, '2025-03-11T02:00:00.000Z'],
    ['2025-03-11T02:00:00.000Z', '09:00 exactly', false, '2025-03-11T02:00:00.000Z'],
    ['2025-03-11T05:00:00.000Z', 'noon', false, '2025-03-11T05:00:00.000Z'],
  ])('%s (%s): quiet %s, allowed from %s', (moment, _local, quiet, allowed) => {
    expect(quietHoursStatus(at(moment), night, zone)).toEqual({ quiet, nextAllowedAt: at(allowed) });
  });
});

describe('quiet hours 21:00–09:00 in Europe/Moscow (UTC+3)', () => {
  const zone = 'Europe/Moscow';
  it.each([
    ['2025-03-10T17:59:59.999Z', '20:59:59.999 local', false, '2025-03-10T17:59:59.999Z'],
    ['2025-03-10T18:00:00.000Z', '21:00 exactly', true, '2025-03-11T06:00:00.000Z'],
    ['2025-03-11T05:59:00.000Z', '08:59', true, '2025-03-11T06:00:00.000Z'],
    ['2025-03-11T06:00:00.000Z', '09:00 exactly', false, '2025-03-11T06:00:00.000Z'],
    ['2025-12-31T20:00:00.000Z', "23:00 on New Year's Eve", true, '2026-01-01T06:00:00.000Z'],
    ['2024-02-28T19:00:00.000Z', '22:00 before a leap day', true, '2024-02-29T06:00:00.000Z'],
  ])('%s (%s): quiet %s, allowed from %s', (moment, _local, quiet, allowed) => {
    expect(quietHoursStatus(at(moment), night, zone)).toEqual({ quiet, nextAllowedAt: at(allowed) });
  });

  it('reads the wall clock of the zone: 22:00 in Novosibirsk is 18:00 in Moscow', () => {
    const moment = at('2025-03-10T15:00:00.000Z');
    expect(quietHoursStatus(moment, night, 'Asia/Novosibirsk').quiet).toBe(true);
    expect(quietHoursStatus(moment, night, 'Europe/Moscow').quiet).toBe(false);
  });
});

describe('a window that does not cross midnight (13:00–15:00, Moscow)', () => {
  const siesta: QuietHours = { start: '13:00', end: '15:00' };
  it.each([
    ['2025-06-01T09:59:00.000Z', false, '2025-06-01T09:59:00.000Z'],
    ['2025-06-01T10:00:00.000Z', true, '2025-06-01T12:00:00.000Z'],
    ['2025-06-01T11:59:00.000Z', true, '2025-06-01T12:00:00.000Z'],
    ['2025-06-01T12:00:00.000Z', false, '2025-06-01T12:00:00.000Z'],
    ['2025-06-01T20:00:00.000Z', false, '2025-06-01T20:00:00.000Z'],
  ])('%s: quiet %s, allowed from %s', (moment, quiet, allowed) => {
    expect(quietHoursStatus(at(moment), siesta, 'Europe/Moscow')).toEqual({ quiet, nextAllowedAt: at(allowed) });
  });
});

describe('zones with daylight-saving time', () => {
  it('ends the night at 07:00 of the new offset after a spring-forward night (Berlin)', () => {
    // 23:00 CET on 29 March 2025; clocks jump 02:00 → 03:00; 07:00 CEST is 05:00 UTC.
    expect(nextAllowedMoment(at('2025-03-29T22:00:00Z'), { start: '22:00', end: '07:00' }, 'Europe/Berlin')).toEqual(at('2025-03-30T05:00:00Z'));
  });

  it('ends the night at 07:00 of the new offset after a fall-back night (Berlin)', () => {
    // 22:00 CEST on 25 October 2025; clocks go back 03:00 → 02:00; 07:00 CET is 06:00 UTC.
    expect(nextAllowedMoment(at('2025-10-25T20:00:00Z'), { start: '22:00', end: '07:00' }, 'Europe/Berlin')).toEqual(at('2025-10-26T06:00:00Z'));
  });

  it('ends at the first of two 02:30s when clocks go back', () => {
    expect(nextAllowedMoment(at('2025-10-25T22:00:00Z'), { start: '23:00', end: '02:30' }, 'Europe/Berlin')).toEqual(at('2025-10-26T00:30:00Z'));
  });

  it('moves an end that the clocks skip forward by the gap (New York, 02:30 does not exist on 9 March 2025)', () => {
    const allowed = nextAllowedMoment(at('2025-03-09T06:00:00Z'), { start: '22:00', end: '02:30' }, 'America/New_York');
    expect(allowed).toEqual(at('2025-03-09T07:30:00Z')); // 03:30 EDT
    expect(quietHoursStatus(allowed, { start: '22:00', end: '02:30' }, 'America/New_York').quiet).toBe(false);
  });

  it('is never wrong about a random moment: quiet all the way (checked every 10 min) until the allowed moment, which is not quiet', () => {
    const zones = ['Asia/Novosibirsk', 'Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
    const windows: QuietHours[] = [night, { start: '22:30', end: '07:15' }, { start: '00:00', end: '06:00' }, { start: '13:00', end: '15:00' }];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 400; i++) {
      const zone = zones[i % zones.length]!;
      const hours = windows[i % windows.length]!;
      const moment = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 365 * 24 * 60) * 60_000 + Math.floor(random() * 60_000));
      const status = quietHoursStatus(moment, hours, zone);
      expect(status.nextAllowedAt.getTime()).toBeGreaterThanOrEqual(moment.getTime());
      expect(quietHoursStatus(status.nextAllowedAt, hours, zone).quiet).toBe(false);
      expect(status.nextAllowedAt.getTime() - moment.getTime()).toBeLessThan(13 * 60 * 60_000);
      for (let t = moment.getTime(); t < status.nextAllowedAt.getTime(); t += 10 * 60_000) {
        expect(quietHoursStatus(new Date(t), hours, zone).quiet).toBe(true);
      }
    }
  });
});

describe('parsing QUIET_HOURS', () => {
  it('reads HH:MM-HH:MM and off', () => {
    expect(quietHoursSchema.parse('21:00-09:00')).toEqual(night);
    expect(quietHoursSchema.parse('OFF')).toBeNull();
  });

  it.each(['21:00', '21-09', '9:00-21:00', '21:00-24:00', '21:60-09:00', '21:00-09:00-10:00', '10:00-10:00', ''])('refuses %j', (text) => {
    expect(quietHoursSchema.safeParse(text).success).toBe(false);
  });

  it('never holds anything when there are no quiet hours', () => {
    const moment = at('2025-03-10T20:00:00Z');
    expect(quietHoursStatus(moment, null, 'Europe/Moscow')).toEqual({ quiet: false, nextAllowedAt: moment });
  });
});
