import { expect, it } from 'vitest';
import { createPacer } from '../../src/services/outbox/pacer.js';
import type { ChatPacing } from '../../src/services/ports.js';

const AT = new Date('2025-03-01T09:00:00Z');
const limits = {
  groupIntervalMs: { telegram: 3000, vk: 1000, max: 3000 },
  privateIntervalMs: { telegram: 1000, vk: 500, max: 1000 },
  // No wait for the bot-wide rate: these tests are about the chats.
  perSecond: { telegram: 1e9, vk: 1e9, max: 1e9 },
};

/** A ChatPacing that records what it is asked and answers as told. */
function recordingPacing(answer: { ok: true } | { ok: false; nextAt: Date } = { ok: true }) {
  const reserved: [string, number][] = [];
  const held: [string, Date][] = [];
  const pacing: ChatPacing = {
    reserve: async (chat, intervalMs) => {
      reserved.push([chat, intervalMs]);
      return answer;
    },
    holdUntil: async (chat, until) => void held.push([chat, until]),
  };
  return { pacing, reserved, held };
}

it('spaces a group chat by its platform group interval and a private chat by the private one', async () => {
  const store = recordingPacing();
  const pacer = createPacer({ pacing: store.pacing, limits, now: () => AT });
  expect(await pacer.takeSlot('telegram', '-100222', true)).toEqual({ ok: true });
  expect(await pacer.takeSlot('vk', '42', false)).toEqual({ ok: true });
  expect(store.reserved).toEqual([
    ['telegram:-100222', 3000],
    ['vk:42', 500],
  ]);
  expect(pacer.busyChats(AT.getTime())).toEqual([]);
});

it('keeps a chat whose next slot is later out of the leases until then', async () => {
  const nextAt = new Date(AT.getTime() + 2000);
  const pacer = createPacer({ pacing: recordingPacing({ ok: false, nextAt }).pacing, limits, now: () => AT });
  expect(await pacer.takeSlot('telegram', '-100222', true)).toEqual({ ok: false, nextAt });
  expect(pacer.busyChats(nextAt.getTime() - 1)).toEqual(['telegram:-100222']);
  expect(pacer.busyChats(nextAt.getTime())).toEqual([]);
});

it('holds a chat the platform asked to slow down, for every process and in this one', async () => {
  const store = recordingPacing();
  const pacer = createPacer({ pacing: store.pacing, limits, now: () => AT });
  const until = new Date(AT.getTime() + 60_000);
  await pacer.holdChat('vk', '2000000001', until);
  expect(store.held).toEqual([['vk:2000000001', until]]);
  expect(pacer.busyChats(AT.getTime())).toEqual(['vk:2000000001']);
});

it('backs off from half a second, doubling with each attempt up to five minutes, unless the platform said how long', () => {
  const pacer = createPacer({ pacing: recordingPacing().pacing, limits, now: () => AT });
  expect([0, 1, 2, 3, 9, 10, 30].map((attempts) => pacer.retryDelayMs(undefined, attempts))).toEqual([500, 1000, 2000, 4000, 256_000, 300_000, 300_000]);
  expect(pacer.retryDelayMs(7000, 30)).toBe(7000);
});
