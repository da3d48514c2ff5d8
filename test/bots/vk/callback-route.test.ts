import { timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import type { VK } from 'vk-io';
import { createVkCallbackHandler } from '../../../bots/vk/callback-route.js';

// The secret of VK's Callback API is checked in constant time: comparing it with !== stops at the
// first differing character, and the time that takes tells a caller how much of a guess was right.

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const SECRET = 'callback-secret-0123456789';
const GROUP_ID = 222333;
const handled: unknown[] = [];
const vk = { updates: { handleWebhookUpdate: async (body: unknown) => void handled.push(body) } } as unknown as VK;
const app = Fastify();
app.post('/vk/callback', createVkCallbackHandler(vk, { groupId: GROUP_ID, secret: SECRET, confirmation: 'a1b2c3d4' }));
beforeAll(() => app.ready());
afterAll(() => app.close());
beforeEach(() => {
  vi.mocked(timingSafeEqual).mockClear();
  handled.length = 0;
});

const post = (body: unknown) => app.inject({ method: 'POST', url: '/vk/callback', payload: body as object });

it('compares a secret of the right length in constant time, and refuses a wrong one', async () => {
  const wrong = `${SECRET.slice(0, -1)}x`;
  expect((await post({ type: 'message_new', group_id: GROUP_ID, secret: wrong })).statusCode).toBe(401);
  expect(vi.mocked(timingSafeEqual)).toHaveBeenCalledTimes(1);
  expect(handled).toEqual([]);
});

it('refuses a secret of another length, or of another type, without comparing it', async () => {
  for (const secret of ['', 'short', `${SECRET}-and-more`, 42, null, [SECRET], { secret: SECRET }, undefined]) {
    const response = await post({ type: 'message_new', group_id: GROUP_ID, ...(secret === undefined ? {} : { secret }) });
    expect(response.statusCode, JSON.stringify(secret)).toBe(401);
    expect(response.body).toBe('unauthorized');
  }
  // A length mismatch is refused before timingSafeEqual, which would throw on unequal lengths.
  expect(vi.mocked(timingSafeEqual)).not.toHaveBeenCalled();
  expect(handled).toEqual([]);
});

it('takes the right secret: the confirmation, then events', async () => {
  expect((await post({ type: 'confirmation', group_id: GROUP_ID, secret: SECRET })).body).toBe('a1b2c3d4');
  expect((await post({ type: 'message_new', group_id: GROUP_ID, secret: SECRET, object: {} })).body).toBe('ok');
  expect(handled).toHaveLength(1);
});
