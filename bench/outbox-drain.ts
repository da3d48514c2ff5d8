import { makeDraft } from '../test/support/fakes.js';
import { COORDINATOR_ID, DISTRICTS, SystemHarness } from '../test/support/harness.js';
import { telegramPlatform } from '../bots/telegram/index.js';
import { withHeadroom } from '../src/services/outbox-worker.js';
import { createBenchEffects } from './effects.js';
import { percentile, round } from './stats.js';

export interface OutboxDrainFigures {
  posts: number;
  privateMessages: number;
  /** How much faster than Telegram's real limits the run went (the limits' ratios kept). */
  limitsScale: number;
  groupIntervalMs: number;
  /** The emulator answers 429 to a chat written to sooner than this after its last message. */
  enforcedGroupIntervalMs: number;
  /** The most posts the group got within any 20 intervals (Telegram: 20 a minute): at most 20. */
  maxPostsPerWindow: number;
  drainSeconds: number;
  achievedPerSecond: number;
  allowedPerSecond: number;
  fractionOfAllowed: number;
  tooManyRequests: number;
  lost: number;
  doubled: number;
  privateDelayP50Ms: number;
  privateDelayP99Ms: number;
  privateDelayMaxMs: number;
}

/**
 * 1 000 posts to one volunteer group at once plus a trickle of private messages to 50 people while
 * the group drains, through the real system and its outbox worker, against the Bot API emulator
 * enforcing Telegram's per-chat intervals sped up `scale` times.
 *
 * The emulator checks the spacing of arrivals, and one event loop runs the bot, its database and the
 * emulator here, so an arrival can lag its reserved slot by a few milliseconds: at 100 times Telegram's
 * speed that is a tenth of a group's 30 ms interval, at real speed nothing (3 s). So the emulator
 * allows JITTER_MS less than the interval (as the outbox tests do), and the rate itself is checked
 * separately: no window of 20 intervals may hold more than 20 posts.
 */
const JITTER_MS = 10;

export async function measureOutboxDrain(options: { posts: number; privateChats: number; scale: number; mongodbUri: string }): Promise<OutboxDrainFigures> {
  const { posts, privateChats, scale } = options;
  const groupIntervalMs = withHeadroom([telegramPlatform]).groupIntervalMs.telegram / scale;
  const privateIntervalMs = withHeadroom([telegramPlatform]).privateIntervalMs.telegram / scale;
  const enforcedGroupIntervalMs = Math.max(groupIntervalMs - JITTER_MS, groupIntervalMs / 2);
  const h = await startHarnessOn(options.mongodbUri, { SEND_LIMITS_SCALE: String(scale) });
  try {
    h.emulator.enforceChatIntervals({ groupMs: enforcedGroupIntervalMs, privateMs: Math.max(privateIntervalMs - JITTER_MS, privateIntervalMs / 2) });
    const group = -1_007_007;
    const district = DISTRICTS[0]!;
    const { requests, outbox, districtChats } = h.database.db.repositories;
    await districtChats.bind({ platform: 'telegram', chatId: String(group), district }, { platform: 'telegram', userId: String(COORDINATOR_ID) }, new Date());
    const stored = [];
    for (let i = 0; i < posts; i += 100) {
      stored.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, posts - i) }, (_, j) =>
            requests.create({
              draft: makeDraft({ district }),
              channel: 'telegram',
              requester: { platform: 'telegram', userId: String(50_000 + i + j), chatId: String(50_000 + i + j) },
              at: new Date(),
            }),
          ),
        )),
      );
    }
    // Enqueued as the system does it on submission, so the keys are its own and its crash sweep
    // cannot add a second copy.
    const effects = createBenchEffects(h.database.db.repositories);
    const started = Date.now();
    for (let i = 0; i < stored.length; i += 100) await Promise.all(stored.slice(i, i + 100).map((r) => effects.enqueueFor(r)));

    // People hear news of their own requests while the group drains: one every few group slots.
    const trickleEveryMs = groupIntervalMs * 10;
    const enqueuedAt = new Map<string, number>();
    for (let i = 0; i < privateChats; i++) {
      await new Promise((resolve) => setTimeout(resolve, trickleEveryMs));
      const chatId = String(70_000 + i);
      enqueuedAt.set(chatId, Date.now());
      await outbox.enqueue(
        [{ key: `bench-private:${chatId}`, message: { kind: 'text', platform: 'telegram', chatId, text: `Новости по заявке (${i + 1})` } }],
        new Date(),
      );
    }

    const groupTexts = () => h.messagesTo(group).map((m) => m.message.text);
    const deadline = posts * groupIntervalMs * 3 + 30_000;
    // Checked rarely and cheaply: the emulator shares this event loop, and a busy check would delay
    // the very sends it waits for.
    await h.emulator
      .waitFor(
        () => {
          const chats = new Set(h.emulator.callsOf('sendMessage').map((c) => String(c.payload.chat_id)));
          return h.messagesTo(group).length >= posts && [...enqueuedAt.keys()].every((chat) => chats.has(chat));
        },
        deadline,
        'every post and private message of the drain',
        250,
      )
      .catch(() => undefined);

    const perRequest = new Map<string, number>();
    for (const text of groupTexts()) {
      const number = /№(\d+)\n/.exec(text)?.[1];
      if (number) perRequest.set(number, (perRequest.get(number) ?? 0) + 1);
    }
    const delivered = stored.filter((r) => perRequest.has(String(r.number))).length;
    const doubled = [...perRequest.values()].filter((n) => n > 1).length;
    const sendTimes = h.emulator
      .callsOf('sendMessage')
      .filter((c) => String(c.payload.chat_id) === String(group))
      .map((c) => c.time);
    const spanMs = sendTimes.at(-1)! - sendTimes[0]!;
    const windowMs = groupIntervalMs * 20;
    let maxPostsPerWindow = 0;
    for (let i = 0, j = 0; i < sendTimes.length; i++) {
      while (sendTimes[i]! - sendTimes[j]! >= windowMs) j++;
      maxPostsPerWindow = Math.max(maxPostsPerWindow, i - j + 1);
    }
    const achievedPerSecond = ((delivered - 1) * 1000) / spanMs;
    const allowedPerSecond = 1000 / groupIntervalMs;
    const delays = [...enqueuedAt].map(([chat, at]) => {
      const call = h.emulator.callsOf('sendMessage').find((c) => String(c.payload.chat_id) === chat);
      return call ? call.time - at : Number.POSITIVE_INFINITY;
    });
    return {
      posts,
      privateMessages: privateChats,
      limitsScale: scale,
      groupIntervalMs: round(groupIntervalMs, 1),
      enforcedGroupIntervalMs: round(enforcedGroupIntervalMs, 1),
      maxPostsPerWindow,
      drainSeconds: round((sendTimes.at(-1)! - started) / 1000, 1),
      achievedPerSecond: round(achievedPerSecond, 2),
      allowedPerSecond: round(allowedPerSecond, 2),
      fractionOfAllowed: round(achievedPerSecond / allowedPerSecond, 3),
      tooManyRequests: h.emulator.limitViolations,
      lost: posts - delivered + delays.filter((d) => !Number.isFinite(d)).length,
      doubled,
      privateDelayP50Ms: round(percentile(delays, 50), 0),
      privateDelayP99Ms: round(percentile(delays, 99), 0),
      privateDelayMaxMs: round(Math.max(...delays), 0),
    };
  } finally {
    await h.stop();
  }
}

/**
 * The test harness on the bench's database server rather than one in this process: the harness
 * takes its database from MONGODB_URI (a database of its own there, dropped at the end).
 */
async function startHarnessOn(mongodbUri: string, env: Record<string, string>): Promise<SystemHarness> {
  const before = process.env.MONGODB_URI;
  process.env.MONGODB_URI = mongodbUri;
  try {
    return await SystemHarness.start(env);
  } finally {
    if (before === undefined) delete process.env.MONGODB_URI;
    else process.env.MONGODB_URI = before;
  }
}
