import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDraft } from '../support/fakes.js';
import { COORDINATOR_ID, fileRequest, SystemHarness } from '../support/harness.js';

const GROUP = { id: -1003003, title: 'Волонтёры Октябрьского района' };
// SEND_LIMITS_SCALE=100 in the harness: a group gets one message every 30 ms instead of every 3 s.
const GROUP_INTERVAL_MS = 30;

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
  // The emulator answers 429 to a 21st message to a group within any 600 ms (Telegram's 20 a minute,
  // a hundred times faster); private chats are not limited here because the questionnaire's own
  // replies are not paced by the outbox.
  h.emulator.enforceChatRates({ group: { count: 20, windowMs: 20 * GROUP_INTERVAL_MS }, private: { count: 0, windowMs: 0 } });
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Октябрьский');
});
afterAll(async () => {
  await h?.stop();
});

/** The group posts of these request numbers, waited for until each is there. */
function postsOf(numbers: number[], timeoutMs = 10_000) {
  return h.emulator.waitFor(() => {
    const posts = numbers.map((n) => h.messagesTo(GROUP.id).filter((m) => m.message.text.includes(`Заявка №${n}\n`)));
    return posts.every((p) => p.length > 0) ? posts : undefined;
  }, timeoutMs);
}

function groupSendTimes(): number[] {
  return h.emulator
    .callsOf('sendMessage')
    .filter((c) => Number(c.payload.chat_id) === GROUP.id)
    .map((c) => c.time);
}

describe('the outbox against Telegram limits and faults', () => {
  it('drains a burst to one group at the group limit with no 429 and nothing lost or doubled', async () => {
    // Forty requests land at once (stored and enqueued together, as a busy hour would), so the
    // drain runs at the pace of the outbox, not of people typing.
    const { requests, outbox } = h.database.db.repositories;
    const before = groupSendTimes().length;
    const stored = await Promise.all(
      Array.from({ length: 40 }, () =>
        requests.create({
          draft: makeDraft({ district: 'Октябрьский' }),
          channel: 'telegram',
          requester: { platform: 'telegram', userId: '555', chatId: '555' },
          at: new Date(),
        }),
      ),
    );
    await outbox.enqueue(
      stored.map((r) => ({
        key: `post:${r.number}:telegram:${GROUP.id}:0`,
        message: { kind: 'post' as const, platform: 'telegram' as const, chatId: String(GROUP.id), requestNumber: r.number, viaHeadquarters: false, round: 0 },
      })),
      new Date(),
    );
    const posts = await postsOf(
      stored.map((r) => r.number),
      20_000,
    );
    expect(posts.map((p) => p.length)).toEqual(Array(40).fill(1));
    expect(h.emulator.limitViolations).toBe(0);
    const times = groupSendTimes().slice(before);
    const span = times.at(-1)! - times[0]!;
    const fractionOfAllowed = ((times.length - 1) * GROUP_INTERVAL_MS) / span;
    // Never faster than allowed; how close it comes is the benchmark's business (npm run bench).
    console.log(
      `burst: ${times.length} posts to one group in ${span} ms; ${(fractionOfAllowed * 100).toFixed(0)}% of the allowed rate; 429s: ${h.emulator.limitViolations}; lost: 0; doubled: 0`,
    );
    expect(fractionOfAllowed).toBeLessThanOrEqual(1);
  });

  it('waits out a 429 storm as Telegram asks, then delivers each post once', async () => {
    h.emulator.rateLimit('sendMessage', 1, 3);
    const started = Date.now();
    const number = await fileRequest(h.person(21_000, 'Терпеливый'), 'Октябрьский');
    const [posts] = await postsOf([number], 15_000);
    expect(posts).toHaveLength(1);
    const rateLimited = h.emulator.calls.filter((c) => c.method === 'sendMessage' && c.time >= started).length;
    console.log(`429 storm: delivered after ${Date.now() - started} ms, ${rateLimited} sendMessage calls in all`);
  });

  it('retries through a burst of 5xx answers and delivers the post once', async () => {
    h.emulator.fail('sendMessage', (p) => Number(p.chat_id) === GROUP.id, { error_code: 502, description: 'Bad Gateway', times: 3 });
    const number = await fileRequest(h.person(22_000, 'Настойчивый'), 'Октябрьский');
    const [posts] = await postsOf([number], 15_000);
    expect(posts).toHaveLength(1);
    expect(await h.database.db.repositories.outbox.counts()).toMatchObject({ failed: 0 });
  });

  it('tells the HQ chat of a group the bot was removed from, posts the request there instead, and does not retry the group', async () => {
    h.emulator.fail('sendMessage', (p) => Number(p.chat_id) === GROUP.id, {
      error_code: 403,
      description: 'Forbidden: bot was kicked from the supergroup chat',
    });
    const number = await fileRequest(h.person(23_000, 'Последний'), 'Октябрьский');
    const notice = await h.emulator.waitFor(() => h.messagesTo(-1009000).find((m) => m.message.text.includes('Бот больше не может писать')));
    expect(notice.message.text).toContain('«Октябрьский»');
    await h.emulator.waitFor(() => h.messagesTo(-1009000).find((m) => m.message.text.includes(`Заявка №${number}\n`)));
    const attempts = h.emulator.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === GROUP.id && c.payload.text?.includes(`№${number}\n`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.emulator.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === GROUP.id && c.payload.text?.includes(`№${number}\n`))).toHaveLength(
      attempts.length,
    );
    expect(attempts).toHaveLength(1);
  });
});
