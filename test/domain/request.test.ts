import { expect, it } from 'vitest';
import { requestDraftSchema, toPublicView, type HelpRequest } from '../../src/domain/request.js';
import { makeDraft } from '../support/fakes.js';

function request(overrides: Partial<HelpRequest> = {}): HelpRequest {
  const draft = makeDraft();
  const at = new Date('2025-03-01T09:00:00Z');
  return {
    id: 'x',
    number: 7,
    status: 'new',
    channel: 'vk',
    requester: { platform: 'vk', userId: '5', chatId: '5' },
    category: draft.category,
    age: draft.age,
    district: draft.district,
    helpKind: draft.helpKind,
    extra: draft.extra,
    personal: draft.personal,
    consentAt: at,
    round: 0,
    announcedUpTo: 0,
    posts: [],
    history: [],
    createdAt: at,
    ...overrides,
  };
}

it('toPublicView keeps only what a group may see', () => {
  const r = request();
  expect(toPublicView(r)).toEqual({
    number: 7,
    status: 'new',
    district: r.district,
    category: r.category,
    age: r.age,
    helpKind: r.helpKind,
    createdAt: r.createdAt,
  });
});

it('toPublicView shows the volunteer by display name only', () => {
  const view = toPublicView(request({ status: 'claimed', volunteer: { platform: 'telegram', userId: '501', displayName: 'Анна В.' } }));
  expect(view.volunteerName).toBe('Анна В.');
  expect(JSON.stringify(view)).not.toContain('501');
});

it('the draft schema accepts the test draft, so the service tests start from a valid one', () => {
  expect(requestDraftSchema.safeParse(makeDraft()).success).toBe(true);
});
