import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonRef } from '../../src/domain/request.js';
import type { VolunteerRecord } from '../../src/domain/volunteer.js';
import { decodeConsoleAction, encodeConsoleAction } from '../../src/services/console/action-codec.js';
import { hostileString, Rng } from '../support/fuzz-inputs.js';
import { COORDINATOR_ID, HQ_CHAT_ID, SystemHarness } from '../support/harness.js';

/**
 * The «Одобрить» / «Отклонить» buttons under applications to volunteer: forged, replayed and pressed
 * by the wrong people, many at once. First the console's decoder alone, then the running bot with a
 * roster of applications in every status: each press is answered once, and only a coordinator's
 * genuine press on a pending application changes anything, once.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
const DECODER_RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const PRESSES = 150;
const GENERIC_ERROR = 'Извините, что-то пошло не так. Попробуйте ещё раз через минуту: введённое раньше не потеряно.';

function hostileConsoleData(rng: Rng, numbers: readonly number[]): string {
  const n = () => rng.pick<string | number>([...numbers, 0, -1, 999_999_999, 1_000_000_000, '01', '1.5', '', ' 1', '1e3', '٣', 'NaN']);
  return rng.pick<() => string>([
    () => `v:${n()}`,
    () => `r:${n()}`,
    () => `${rng.pick(['v', 'r', 'V', 'x', 'vv', ''])}:${n()}:${n()}`,
    () => rng.pick(['v', 'r', 'v:', 'r:', ':', 'v::1', 'v:1:', 'v:1 ', 'v:\n1']),
    () => hostileString(rng).text.slice(0, 40),
  ])();
}

describe('the console action codec, alone', () => {
  it('never throws, and reads back only what it would have written', () => {
    const rng = new Rng(SEED);
    let decoded = 0;
    const wrong: string[] = [];
    for (let i = 0; i < DECODER_RUNS; i++) {
      const data = hostileConsoleData(rng, [1, 2, 3]);
      const action = decodeConsoleAction(data);
      if (!action) continue;
      decoded++;
      if (encodeConsoleAction(action) !== data) wrong.push(data);
    }
    console.log(`[fuzz vetting] decodeConsoleAction: tried ${DECODER_RUNS}, decoded ${decoded}, non-canonical accepted ${wrong.length}`);
    expect(wrong).toEqual([]);
    expect(decoded).toBeGreaterThan(0);
  });
});

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({ CLAIM_REQUIRES_APPROVAL: 'true' });
});
afterAll(async () => {
  await h?.stop();
});

async function seed(userId: number, name: string): Promise<VolunteerRecord> {
  const filed = await h.database.db.repositories.volunteerRoster.apply({
    person: { platform: 'telegram', userId: String(userId) },
    details: { name, phone: `+7913${String(userId).padStart(7, '0')}` },
    districts: ['Ленинский'],
    skills: ['car'],
    at: new Date(),
  });
  if (!('record' in filed)) throw new Error('expected a new application');
  return filed.record;
}

describe('forged, replayed and misplaced approval presses against the running bot', () => {
  it('answers each press once, changes only what a coordinator genuinely decided, and tells each applicant once', async () => {
    const rng = new Rng(SEED + 1);
    const roster = h.database.db.repositories.volunteerRoster;
    const boss: PersonRef = { platform: 'telegram', userId: String(COORDINATOR_ID) };
    const pending = await seed(5001, 'Первый');
    const target = await seed(5002, 'Второй');
    const approved = await seed(5003, 'Третий');
    const rejected = await seed(5004, 'Четвёртый');
    await roster.decide(approved.number, ['pending'], { status: 'approved', at: new Date(), by: boss });
    await roster.decide(rejected.number, ['pending'], { status: 'rejected', at: new Date(), by: boss, reason: 'нет' });
    const numbers = [pending.number, target.number, approved.number, rejected.number];
    const before = new Map(await Promise.all(numbers.map(async (n) => [n, (await roster.findByNumber(n))!.history.length] as const)));

    // Seeded straight into the roster, so no post was made: the presses carry the data a post's
    // buttons would, on a message of the HQ chat.
    const hq = { id: HQ_CHAT_ID, title: 'Штаб' };
    const group = { id: -1003003, title: 'Волонтёры' };
    const anchor = { messageId: 1, message: { chat_id: HQ_CHAT_ID, text: 'Анкета' } };
    const answersBefore = h.callbackAnswers().length;

    // Strangers anywhere, and a coordinator in a volunteer group, press forged and genuine data;
    // the coordinator presses «Одобрить» of the target 20 times at once in the HQ chat.
    const presses: Promise<void>[] = [];
    for (let i = 0; i < PRESSES; i++) {
      const place = rng.pick(['hq', 'group', 'private'] as const);
      const data =
        rng.int(0, 3) === 0
          ? encodeConsoleAction({ type: rng.pick(['approve', 'reject'] as const), number: rng.pick(numbers) })
          : hostileConsoleData(rng, numbers);
      const userId = 40_000 + i;
      const person = place === 'private' ? h.person(userId, `Чужой${i}`) : h.person(userId, `Чужой${i}`, place === 'hq' ? hq : group);
      presses.push(person.pressData(anchor as never, `co:${data}`));
    }
    const coordinatorInGroup = h.person(COORDINATOR_ID, 'Координатор', group);
    presses.push(coordinatorInGroup.pressData(anchor as never, `co:${encodeConsoleAction({ type: 'approve', number: pending.number })}`));
    const coordinator = h.person(COORDINATOR_ID, 'Координатор', hq);
    for (let i = 0; i < 20; i++) presses.push(coordinator.pressData(anchor as never, `co:${encodeConsoleAction({ type: 'approve', number: target.number })}`));
    // Replays of decided ones by the coordinator: a clear «already» each.
    presses.push(coordinator.pressData(anchor as never, `co:${encodeConsoleAction({ type: 'approve', number: approved.number })}`));
    presses.push(coordinator.pressData(anchor as never, `co:${encodeConsoleAction({ type: 'reject', number: approved.number })}`));
    await Promise.all(presses);

    const total = PRESSES + 1 + 20 + 2;
    const answers = await h.emulator.waitFor(
      () => {
        const all = h.callbackAnswers().slice(answersBefore);
        return all.length >= total ? all : undefined;
      },
      20_000,
      () => `${total} answers to presses (got ${h.callbackAnswers().length - answersBefore})`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.callbackAnswers().length - answersBefore).toBe(total);
    for (const a of answers) expect(a.text).not.toBe(GENERIC_ERROR);

    // Only the target changed, once, and its applicant hears of it once.
    const after = await Promise.all(numbers.map((n) => roster.findByNumber(n)));
    expect(after.map((r) => r!.status)).toEqual(['pending', 'approved', 'approved', 'rejected']);
    expect(after.map((r) => r!.history.length)).toEqual([
      before.get(pending.number),
      before.get(target.number)! + 1,
      before.get(approved.number),
      before.get(rejected.number),
    ]);
    expect(after[1]!.history.at(-1)?.by).toEqual(boss);
    const told = await h.emulator.waitFor(() => h.messagesTo(5002).filter((m) => m.message.text.includes('одобрена!')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.messagesTo(5002).filter((m) => m.message.text.includes('одобрена!'))).toHaveLength(told.length);
    expect(told).toHaveLength(1);
    for (const userId of [5001, 5003, 5004]) expect(h.messagesTo(userId)).toHaveLength(0);
  });

  it('answers an application from someone already approved with their standing, asking nothing', async () => {
    const approved = h.person(5003, 'Третий');
    expect((await approved.ask('/volunteer')).message.text).toMatch(/Вы уже волонтёр штаба/);
    const rejected = h.person(5004, 'Четвёртый');
    expect((await rejected.ask('/volunteer')).message.text).toMatch(/Спасибо, что хотите помогать/);
  });
});
