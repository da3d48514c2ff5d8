import { makeDraft } from '../test/support/fakes.js';
import { COORDINATOR_ID } from '../test/support/harness.js';
import type { BenchDatabase } from './database.js';
import { percentile, round } from './stats.js';
import type { SystemUnderTest } from './system-under-test.js';
import type { UpdateFactory } from './updates.js';
import type { Catalog } from '../src/scenario/text.js';

export interface ClaimStormFigures {
  volunteers: number;
  rounds: number;
  /** Presses answered "it is yours", per round: must be [1, 1, …]. */
  winnersPerRound: number[];
  /** Claims in each stored request's history, per round: must be [1, 1, …]. */
  storedClaimsPerRound: number[];
  /** Every press got an answer. */
  answered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * N volunteers of one district group press "Take request" on the same post at the same moment,
 * `rounds` times on fresh requests. Time to answer = from the moment all presses are handed to the
 * bot to its answerCallbackQuery for that press; a winner is a press answered with "it is yours",
 * and the stored request must carry exactly one claim.
 */
export async function measureClaimStorm(options: {
  sut: SystemUnderTest;
  database: BenchDatabase;
  updates: UpdateFactory;
  catalog: Catalog;
  volunteers: number;
  rounds: number;
  groupId: number;
  district: string;
  firstVolunteerId: number;
}): Promise<ClaimStormFigures> {
  const { sut, database, volunteers, rounds, groupId, district } = options;
  const { requests, districtChats } = database.db.repositories;
  await districtChats.bind({ platform: 'telegram', chatId: String(groupId), district }, { platform: 'telegram', userId: String(COORDINATOR_ID) }, new Date());

  // Every presser is an approved volunteer (CLAIM_REQUIRES_APPROVAL is on), so each press checks
  // the approval, the limit and the request before the one that wins takes it.
  const pressers = Array.from({ length: volunteers * rounds }, (_, i) => ({ platform: 'telegram' as const, userId: String(options.firstVolunteerId + i) }));
  await database.db.repositories.volunteerRoster.approveExisting(pressers, new Date());

  const latencies: number[] = [];
  const winnersPerRound: number[] = [];
  const storedClaimsPerRound: number[] = [];
  let answered = 0;
  for (let r = 0; r < rounds; r++) {
    const request = await requests.create({
      draft: makeDraft({ district }),
      channel: 'telegram',
      requester: { platform: 'telegram', userId: '42', chatId: '42' },
      at: new Date(),
    });
    const won = options.catalog.t('claim.won', { number: request.number });
    const presses = Array.from({ length: volunteers }, (_, i) => options.updates.claim(options.firstVolunteerId + r * volunteers + i, groupId, request.number));
    const answers = new Map<string, { at: number; text: string }>();
    sut.api.listen((call) => {
      if (call.method === 'answerCallbackQuery') answers.set(String(call.payload.callback_query_id), { at: call.at, text: String(call.payload.text ?? '') });
    });
    const started = performance.now();
    await Promise.all(presses.map((press) => sut.handleUpdate(press)));
    sut.api.listen(undefined);

    let winners = 0;
    for (const press of presses) {
      const answer = answers.get(press.callback_query!.id);
      if (!answer) continue;
      answered++;
      latencies.push(answer.at - started);
      if (answer.text === won) winners++;
    }
    const stored = await requests.findByNumber(request.number);
    winnersPerRound.push(winners);
    storedClaimsPerRound.push(stored?.history.filter((event) => event.type === 'claimed').length ?? 0);
  }
  return {
    volunteers,
    rounds,
    winnersPerRound,
    storedClaimsPerRound,
    answered,
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(Math.max(...latencies), 1),
  };
}
