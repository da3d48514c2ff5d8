import { fileVkRequest, SystemHarness, VK_COORDINATOR_ID } from '../test/support/harness.js';
import { PEER_CHAT_OFFSET } from '../test/support/vk-api-fake.js';
import { percentile, round } from './stats.js';
import type { Catalog } from '../src/scenario/text.js';

export interface VkClaimStormFigures {
  presses: number;
  rounds: number;
  /** VK's limit the bot keeps to, and the fake enforces (error 6 past it). */
  requestsPerSecond: number;
  winnersPerRound: number[];
  answered: number;
  /** Requests VK refused as too many per second: must be 0. */
  tooManyRequests: number;
  /** Of the first round, whose pressers the bot has never seen (their names are looked up). */
  firstRound: { p50Ms: number; p99Ms: number; maxMs: number; winnerMs: number };
  /** Of the later rounds, the same pressers again (names known). */
  laterRounds: { p50Ms: number; p99Ms: number; maxMs: number };
}

/**
 * `presses` approved volunteers of one VK conversation press «Взять заявку» on the same post at
 * once, `rounds` times on fresh requests, against the VK fake holding the bot to VK's 20 requests a
 * second. Time to answer = from the moment the events are handed to the fake's long poll to the
 * bot's sendMessageEventAnswer for that press, as the fake recorded it.
 */
export async function measureVkClaimStorm(options: { catalog: Catalog; presses: number; rounds: number }): Promise<VkClaimStormFigures> {
  const perSecond = 20;
  const h = await SystemHarness.start({ VK_API_RATE_LIMIT: String(perSecond), CLAIM_REQUIRES_APPROVAL: 'true' }, { vk: true });
  try {
    const chat = PEER_CHAT_OFFSET + 501;
    await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', chat).ask('/bind Ленинский');
    h.vk.enforceRate(perSecond);
    const pressers = Array.from({ length: options.presses }, (_, i) => 900_000 + i);
    for (const id of pressers) h.vk.addUser({ id, firstName: `Волонтёр${id}`, lastName: 'Тестова' });
    await h.database.db.repositories.volunteerRoster.approveExisting(
      pressers.map((id) => ({ platform: 'vk' as const, userId: String(id) })),
      new Date(),
    );

    const winnersPerRound: number[] = [];
    const first: number[] = [];
    const later: number[] = [];
    let winnerMs = 0;
    let answered = 0;
    for (let r = 0; r < options.rounds; r++) {
      // Filed as a relative files it, so it is posted as every request is.
      const number = await fileVkRequest(h.vkPerson(800_000 + r, 'Родственник'), 'Ленинский');
      const post = await h.vk.waitFor(() => h.vk.messagesTo(chat).find((m) => m.text.includes(`Заявка №${number}\n`)), 30_000);
      const won = options.catalog.t('claim.won', { number });
      const before = h.vk.eventAnswers().length;
      const started = Date.now();
      for (const id of pressers) h.vk.press(id, post, /Взять заявку/);
      const answers = await h.vk.waitFor(
        () => {
          const all = h.vk.eventAnswers().slice(before);
          return all.length >= pressers.length ? all : undefined;
        },
        60_000,
        () => `${pressers.length} answers to the presses of round ${r + 1}`,
      );
      answered += answers.length;
      winnersPerRound.push(answers.filter((a) => a.eventData?.text === won).length);
      for (const a of answers) (r === 0 ? first : later).push(a.time - started);
      if (r === 0) winnerMs = (answers.find((a) => a.eventData?.text === won)?.time ?? started) - started;
    }
    const figures = (xs: number[]) => ({ p50Ms: round(percentile(xs, 50), 1), p99Ms: round(percentile(xs, 99), 1), maxMs: round(Math.max(...xs), 1) });
    return {
      presses: options.presses,
      rounds: options.rounds,
      requestsPerSecond: perSecond,
      winnersPerRound,
      answered,
      tooManyRequests: h.vk.tooManyRequests,
      firstRound: { ...figures(first), winnerMs },
      laterRounds: later.length > 0 ? figures(later) : { p50Ms: 0, p99Ms: 0, maxMs: 0 },
    };
  } finally {
    await h.stop();
  }
}
