import { describe, expect, it } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { computeStats, median } from '../../src/services/request-stats.js';

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
    expect(stats.byDistrict).toEqual([
      ['Ленинский', 3],
      ['Центральный', 1],
    ]);
    // Equal counts keep the catalog's order of kinds.
    expect(stats.byHelpKind).toEqual([
      ['medicine', 2],
      ['groceries', 1],
      ['legal', 1],
    ]);
    expect(stats.byCategory).toEqual([
      ['pensioner', 3],
      ['disabled', 1],
    ]);
    expect(stats.byChannel).toEqual({ telegram: 3, vk: 1, max: 0 });
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

  it('counts the requests filed by someone else for the person helped, by who they were to them', () => {
    const stats = computeStats([
      request({ onBehalf: { relation: 'child', callFirst: 'person' } }),
      request({ onBehalf: { relation: 'neighbour', callFirst: 'applicant' } }),
      request({ onBehalf: { relation: 'child', callFirst: 'applicant' } }),
      request({}),
    ]);
    expect(stats.forSomeoneElse).toEqual({
      count: 3,
      byRelation: [
        ['child', 2],
        ['neighbour', 1],
      ],
    });
    expect(computeStats([request({})]).forSomeoneElse).toEqual({ count: 0, byRelation: [] });
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
