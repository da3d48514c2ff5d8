import { describe, expect, it } from 'vitest';
import { decide, type Actor, type LifecycleAction, type Refusal } from '../../src/domain/lifecycle.js';
import type { HelpRequest, RequestStatus, Volunteer } from '../../src/domain/request.js';
import { makeRequest } from '../support/fakes.js';

const AT = new Date('2025-03-02T10:00:00Z');
const IVAN: Volunteer = { platform: 'telegram', userId: '11', displayName: 'Иван' };
const OLGA: Volunteer = { platform: 'vk', userId: '22', displayName: 'Ольга' };
const REQUESTER = { platform: 'telegram' as const, userId: '5' };

const volunteer = (v: Volunteer): Actor => ({ person: { platform: v.platform, userId: v.userId }, channel: v.platform, isCoordinator: false });
const coordinator: Actor = { person: { platform: 'telegram', userId: '900' }, channel: 'telegram', isCoordinator: true };
const requester: Actor = { person: REQUESTER, channel: 'telegram', isCoordinator: false };
const stranger: Actor = { person: { platform: 'telegram', userId: '77' }, channel: 'telegram', isCoordinator: false };

const request = (status: RequestStatus, holder?: Volunteer): HelpRequest =>
  makeRequest({ number: 17, status, consentAt: AT, createdAt: AT, ...(holder ? { volunteer: holder, claimedAt: AT } : {}) });

const release: LifecycleAction = { type: 'release', reason: 'Не дозвонился' };
const complete: LifecycleAction = { type: 'complete', comment: 'Привёз всё по списку' };
const cancel: LifecycleAction = { type: 'cancel', reason: 'Родственники справились сами' };
const assignOlga: LifecycleAction = { type: 'assign', volunteer: OLGA };

describe('allowed transitions', () => {
  it('lets the holder give a claimed request back: new again, posted anew, the reason kept', () => {
    const d = decide(request('claimed', IVAN), release, volunteer(IVAN), AT);
    expect(d).toEqual({
      ok: true,
      transition: {
        expected: { status: 'claimed', volunteer: { platform: 'telegram', userId: '11' } },
        status: 'new',
        volunteer: null,
        repost: true,
        event: { type: 'released', at: AT, actor: volunteer(IVAN).person, channel: 'telegram', previousVolunteer: IVAN, comment: 'Не дозвонился' },
      },
    });
  });

  it('lets the holder finish their request, with or without a comment', () => {
    const d = decide(request('claimed', IVAN), complete, volunteer(IVAN), AT);
    expect(d.ok && d.transition).toMatchObject({ status: 'done', volunteer: IVAN, repost: false, event: { type: 'done', comment: 'Привёз всё по списку' } });
    const bare = decide(request('claimed', IVAN), { type: 'complete' }, volunteer(IVAN), AT);
    expect(bare.ok && bare.transition.event).not.toHaveProperty('comment');
  });

  it('lets a coordinator close a new or a claimed request', () => {
    const fromNew = decide(request('new'), complete, coordinator, AT);
    expect(fromNew.ok && fromNew.transition).toMatchObject({ expected: { status: 'new', volunteer: null }, status: 'done', volunteer: null });
    const fromClaimed = decide(request('claimed', IVAN), complete, coordinator, AT);
    expect(fromClaimed.ok && fromClaimed.transition).toMatchObject({ status: 'done', volunteer: IVAN, event: { previousVolunteer: IVAN } });
  });

  it('lets the requester withdraw their request without a reason, new or claimed', () => {
    for (const r of [request('new'), request('claimed', IVAN)]) {
      const d = decide(r, { type: 'cancel' }, requester, AT);
      expect(d.ok && d.transition).toMatchObject({ status: 'cancelled', event: { type: 'cancelled', note: 'by_requester' } });
    }
  });

  it('lets a coordinator cancel with a reason, and tells the holder through previousVolunteer', () => {
    const d = decide(request('claimed', IVAN), cancel, coordinator, AT);
    expect(d.ok && d.transition).toMatchObject({
      status: 'cancelled',
      event: { type: 'cancelled', note: 'by_coordinator', comment: 'Родственники справились сами', previousVolunteer: IVAN },
    });
  });

  it('lets a coordinator assign a new request, and reassign a claimed one', () => {
    const fresh = decide(request('new'), assignOlga, coordinator, AT);
    expect(fresh.ok && fresh.transition).toMatchObject({ status: 'claimed', volunteer: OLGA, event: { type: 'assigned', volunteer: OLGA } });
    expect(fresh.ok && fresh.transition.event).not.toHaveProperty('previousVolunteer');
    const taken = decide(request('claimed', IVAN), assignOlga, coordinator, AT);
    expect(taken.ok && taken.transition).toMatchObject({
      expected: { status: 'claimed', volunteer: { platform: 'telegram', userId: '11' } },
      volunteer: OLGA,
      event: { previousVolunteer: IVAN },
    });
  });

  it('keeps a reason or comment short and trimmed', () => {
    const long = decide(request('claimed', IVAN), { type: 'release', reason: `  ${'я'.repeat(900)}  ` }, volunteer(IVAN), AT);
    expect(long.ok && long.transition.event.comment).toHaveLength(500);
  });
});

describe('refusals', () => {
  const cases: [string, HelpRequest, LifecycleAction, Actor, Refusal][] = [
    ['a double "done"', request('done', IVAN), complete, volunteer(IVAN), 'already_done'],
    ["closing someone else's request", request('claimed', IVAN), complete, volunteer(OLGA), 'not_yours'],
    ['finishing a request nobody claimed, as a volunteer', request('new'), complete, volunteer(IVAN), 'not_claimed'],
    ['giving back a request of someone else', request('claimed', IVAN), release, volunteer(OLGA), 'not_yours'],
    ['giving back a request that is not claimed', request('new'), release, volunteer(IVAN), 'not_claimed'],
    ['giving back without a reason', request('claimed', IVAN), { type: 'release', reason: '   ' }, volunteer(IVAN), 'reason_required'],
    ['giving back a cancelled request', request('cancelled', IVAN), release, volunteer(IVAN), 'already_cancelled'],
    ['cancelling by a stranger', request('new'), cancel, stranger, 'not_allowed'],
    ['cancelling by the volunteer', request('claimed', IVAN), cancel, volunteer(IVAN), 'not_allowed'],
    ['cancelling by a coordinator without a reason', request('new'), { type: 'cancel' }, coordinator, 'reason_required'],
    ['cancelling a done request', request('done', IVAN), cancel, coordinator, 'already_done'],
    ['cancelling twice', request('cancelled'), { type: 'cancel' }, requester, 'already_cancelled'],
    ['assigning by a volunteer', request('new'), assignOlga, volunteer(IVAN), 'not_allowed'],
    ['assigning to the one who holds it', request('claimed', OLGA), assignOlga, coordinator, 'already_assigned'],
    ['assigning a cancelled request', request('cancelled'), assignOlga, coordinator, 'already_cancelled'],
    ['assigning a done request', request('done', IVAN), assignOlga, coordinator, 'already_done'],
  ];
  it.each(cases)('refuses %s', (_name, r, action, actor, refusal) => {
    expect(decide(r, action, actor, AT)).toEqual({ ok: false, refusal });
  });
});

describe('comments on a done request', () => {
  it('lets whoever did it, or a coordinator, add a comment without changing the request', () => {
    for (const actor of [volunteer(IVAN), coordinator]) {
      const d = decide(request('done', IVAN), { type: 'comment', comment: ' Всё хорошо ' }, actor, AT);
      expect(d.ok && d.transition).toMatchObject({
        expected: { status: 'done' },
        status: 'done',
        volunteer: IVAN,
        event: { type: 'commented', comment: 'Всё хорошо' },
      });
    }
  });

  it.each([
    ['by another volunteer', request('done', IVAN), volunteer(OLGA), 'not_yours'],
    ['on a request not done yet', request('claimed', IVAN), volunteer(IVAN), 'not_claimed'],
    ['on a cancelled request', request('cancelled', IVAN), volunteer(IVAN), 'already_cancelled'],
  ] as [string, HelpRequest, Actor, Refusal][])('refuses a comment %s', (_name, r, actor, refusal) => {
    expect(decide(r, { type: 'comment', comment: 'x' }, actor, AT)).toEqual({ ok: false, refusal });
  });
});
