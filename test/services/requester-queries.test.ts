import { expect, it } from 'vitest';
import { createRequesterQueries, MY_REQUESTS_LIMIT } from '../../src/services/requester-queries.js';
import { FakeRequestRepository, makeDraft, steppingClock } from '../support/fakes.js';

it("lists the requester's own latest requests, newest first, at most MY_REQUESTS_LIMIT", async () => {
  const requests = new FakeRequestRepository();
  const now = steppingClock();
  const me = { platform: 'vk' as const, userId: '5', chatId: '5' };
  const someoneElse = { platform: 'vk' as const, userId: '6', chatId: '6' };
  for (let i = 0; i < MY_REQUESTS_LIMIT + 2; i++) {
    await requests.create({ draft: makeDraft(), channel: 'vk', requester: me, at: now() });
    await requests.create({ draft: makeDraft(), channel: 'vk', requester: someoneElse, at: now() });
  }

  const mine = await createRequesterQueries({ requests }).listMine({ platform: 'vk', userId: '5' });
  expect(mine).toHaveLength(MY_REQUESTS_LIMIT);
  expect(mine.every((r) => r.requester?.userId === '5')).toBe(true);
  // Mine are the odd numbers; the newest is 2 * (limit + 2) - 1.
  expect(mine.map((r) => r.number)).toEqual(Array.from({ length: MY_REQUESTS_LIMIT }, (_, i) => 2 * (MY_REQUESTS_LIMIT + 2) - 1 - 2 * i));
});
