import { expect, it } from 'vitest';
import { requestDraftSchema, toPublicView, type HelpRequest } from '../../src/domain/request.js';
import { makeDraft, makeRequest } from '../support/fakes.js';

const request = (overrides: Partial<HelpRequest> = {}) => makeRequest({ channel: 'vk', requester: { platform: 'vk', userId: '5', chatId: '5' }, ...overrides });

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
