import { expect, it } from 'vitest';
import type { Volunteer } from '../../src/domain/request.js';
import { createClaimBurstWatch } from '../../src/services/claim-burst.js';
import { FakeOutbox, FakeRequestRepository, leakedPersonalStrings, makeDraft } from '../support/fakes.js';

const HQ = { platform: 'telegram' as const, chatId: '-100999' };
const requester = { platform: 'telegram' as const, userId: '1001', chatId: '1001' };
const anna: Volunteer = { platform: 'telegram', userId: '501', displayName: 'Анна В.' };
const draft = makeDraft({ district: 'Ленинский' });
const START = new Date('2025-03-01T09:00:00Z');
const minutes = (n: number) => new Date(START.getTime() + n * 60_000);

it('tells the HQ chats once when a volunteer takes more than CLAIM_BURST within the window, with numbers and nothing of the requesters', async () => {
  const requests = new FakeRequestRepository();
  const outbox = new FakeOutbox();
  let now = START;
  let wakes = 0;
  const afterClaim = createClaimBurstWatch({
    requests,
    outbox,
    headquartersChats: [HQ],
    claims: 5,
    windowMs: 10 * 60_000,
    text: (volunteer, count, number) => `${volunteer.displayName}: ${count}, №${number}`,
    wake: () => wakes++,
    now: () => now,
  });
  const claimAt = async (at: Date) => {
    now = at;
    const { number } = await requests.create({ draft, channel: 'telegram', requester, at });
    await requests.claim(number, anna, at);
    await afterClaim(anna, number);
    return number;
  };

  // One early claim, then five within ten minutes: six in the window only when the early one is in it.
  await claimAt(minutes(0));
  for (let i = 1; i <= 4; i++) await claimAt(minutes(i));
  expect(outbox.records.size).toBe(0);
  const sixth = await claimAt(minutes(5));
  expect([...outbox.records.values()].map((r) => r.message)).toEqual([{ kind: 'text', ...HQ, text: `Анна В.: 6, №${sixth}` }]);
  expect(wakes).toBe(1);
  // A seventh in the same burst is not told again.
  await claimAt(minutes(6));
  expect(outbox.records.size).toBe(1);
  expect(leakedPersonalStrings(JSON.stringify([...outbox.records.values()]), draft)).toEqual([]);
  // Hours later, a new burst of six is told again.
  for (let i = 0; i < 5; i++) await claimAt(minutes(300 + i));
  expect(outbox.records.size).toBe(1);
  await claimAt(minutes(305));
  expect(outbox.records.size).toBe(2);
});

it('does not count claims given back at once (the volunteer could not be written to)', async () => {
  const requests = new FakeRequestRepository();
  const outbox = new FakeOutbox();
  const afterClaim = createClaimBurstWatch({
    requests,
    outbox,
    headquartersChats: [HQ],
    claims: 1,
    windowMs: 10 * 60_000,
    text: () => 'burst',
    wake: () => undefined,
    now: () => minutes(2),
  });
  const first = await requests.create({ draft, channel: 'telegram', requester, at: minutes(1) });
  await requests.claim(first.number, anna, minutes(1));
  await requests.undoClaim(first.number, anna, 'volunteer_unreachable', minutes(1));
  const second = await requests.create({ draft, channel: 'telegram', requester, at: minutes(2) });
  await requests.claim(second.number, anna, minutes(2));
  await afterClaim(anna, second.number);
  expect(outbox.records.size).toBe(0);
});
