import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/lifecycle.js';
import { createRequestEffects } from '../../src/services/request-effects.js';
import { createRequestExpiry } from '../../src/services/request-lifecycle.js';
import { createRetention, type RetentionDeps } from '../../src/services/retention.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { makeDraft, RecordingLogger } from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';

// Retention that is complete: nothing personal outlives its period, whatever state a request is in.
// Every time is set here: the sweep runs at `now`, and the data is placed at days before it.

let t: TestDatabase;
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await t?.stop();
});

const DAY = 86_400_000;
const NOW = new Date('2026-02-01T10:00:00Z');
const daysAgo = (days: number, from = NOW) => new Date(from.getTime() - days * DAY);
const HQ = { platform: 'telegram' as const, chatId: '-1009000' };
const volunteer = { platform: 'telegram' as const, userId: 'v77', displayName: 'Иван Волонтёров' };
const requester = (id: string) => ({ platform: 'telegram' as const, userId: id, chatId: id });
const PERIODS = { closedMs: 90 * DAY, withdrawnMs: 30 * DAY, openLimitMs: 30 * DAY, abandonedConversationMs: 7 * DAY, peopleMs: 180 * DAY };

/** The retention sweep at `now`; `also`: the stores beyond requests it may clean (questions, applications). */
function sweepAt(
  now: Date,
  logger = new RecordingLogger(),
  keep: { platform: 'telegram' | 'vk'; userId: string }[] = [],
  also: Pick<RetentionDeps, 'questions' | 'volunteers'> = {},
) {
  const { requests, retention, outbox, districtChats } = t.db.repositories;
  const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
  const effects = createRequestEffects({ requests, districtChats, headquartersChats: [HQ], outbox, texts, now: () => now });
  const sweep = createRetention({
    store: retention,
    ...also,
    requests,
    expire: createRequestExpiry({ requests, afterChange: (r) => effects.enqueueFor(r), logger, now: () => now }),
    cancelJobsOf: async () => undefined,
    protectedPeople: async () => keep,
    periods: PERIODS,
    logger,
    now: () => now,
  });
  return { sweep, logger };
}

const raw = (number: number) => t.db.connection.collection('requests').findOne({ number });
const asActor = (userId: string, isCoordinator = false) => ({ person: { platform: 'telegram' as const, userId }, channel: 'telegram' as const, isCoordinator });

async function transition(number: number, action: Parameters<typeof decide>[1], actor: ReturnType<typeof asActor>, at: Date) {
  const { requests } = t.db.repositories;
  const decision = decide((await requests.findByNumber(number))!, action, actor, at);
  if (!decision.ok) throw new Error(`refused: ${decision.refusal}`);
  return (await requests.applyTransition(number, decision.transition))!;
}

describe('a request nobody finishes', () => {
  it('is closed as expired after the open limit, the requester, its volunteer and the HQ chat are told, and a 400-day-old one is erased in the same sweep', async () => {
    const { requests, outbox } = t.db.repositories;
    const old = await requests.create({ draft: makeDraft(), channel: 'telegram', requester: requester('4001'), at: daysAgo(400) });
    await requests.claim(old.number, volunteer, daysAgo(399));
    // Open 20 days: within the limit, untouched.
    const young = await requests.create({ draft: makeDraft(), channel: 'telegram', requester: requester('4002'), at: daysAgo(20) });

    const { sweep, logger } = sweepAt(NOW);
    const result = await sweep();
    expect(result).toMatchObject({ expired: 1, requests: 1 });

    const doc = (await raw(old.number))!;
    expect(doc.status).toBe('cancelled');
    expect(doc.history.at(-1)).toMatchObject({ type: 'cancelled', note: 'expired' });
    expect(doc.personalErasedAt).toBeInstanceOf(Date);
    expect(doc.requester).toBeUndefined();
    expect(doc.age).toBeUndefined();
    expect(doc.ageBand).toBe('80+');
    expect((await raw(young.number))!.status).toBe('new');

    // The news went through the outbox and waits there for delivery, though the request is erased.
    const messages = await t.db.connection.collection('outbox').find({ requestNumber: old.number }).toArray();
    const to = (chatId: string) => messages.filter((m) => m.chatId === chatId && m.kind === 'text').map((m) => m.text as string);
    // (The claim's own news was never announced here, so it comes along; only the closing matters.)
    expect(to('4001').filter((text) => text.includes('закрыта'))).toEqual([expect.stringMatching(new RegExp(`№${old.number} закрыта: она слишком долго`))]);
    expect(to(HQ.chatId).join('\n')).toMatch(new RegExp(`№${old.number}.*закрыта автоматически`));
    expect(to('v77')).toEqual([expect.stringContaining(`№${old.number}`)]);
    // Their task card leaves their chat with the request.
    expect(messages.filter((m) => m.kind === 'withdraw').map((m) => m.viewerId)).toEqual(['v77']);
    for (const m of messages) for (const value of Object.values(makeDraft().personal)) expect(String(m.text ?? '')).not.toContain(value);

    // Once delivered, what they said is forgotten at the next sweep, and the chat ids with it.
    for (;;) {
      const leased = await outbox.lease('w', new Date(NOW.getTime() + 60_000), 60_000, []);
      if (!leased) break;
      await outbox.markSent(leased.key, 'w', NOW);
    }
    expect(await sweepAt(new Date(NOW.getTime() + 3_600_000)).sweep()).toMatchObject({ expired: 0, requests: 0, messages: messages.length });
    expect(await t.db.connection.collection('outbox').countDocuments({ requestNumber: old.number })).toBe(0);
    expect(logger.serialized()).not.toContain('4001');
  });
});

describe('an erased request', () => {
  it('holds no messenger ids of its requester, no branch answers, no free text and no exact age; the statistics stay', async () => {
    const { requests, feedback } = t.db.repositories;
    const who = requester('5001');
    const filed = await requests.create({ draft: makeDraft({ age: 74 }), channel: 'telegram', requester: who, at: daysAgo(200) });
    await requests.claim(filed.number, volunteer, daysAgo(199));
    await transition(filed.number, { type: 'release', reason: 'Зинаида Петровна не открыла дверь' }, asActor('v77'), daysAgo(198));
    await requests.claim(filed.number, volunteer, daysAgo(197));
    await transition(filed.number, { type: 'complete', comment: 'Отвёз на ул. Тестовую' }, asActor('v77'), daysAgo(196));
    await feedback.rate(filed.number, who, 4, daysAgo(195));
    await feedback.addComment(filed.number, who, 'Спасибо, очень помогли с рецептом');

    expect((await sweepAt(NOW).sweep()).requests).toBeGreaterThanOrEqual(1);
    const doc = (await raw(filed.number))!;
    const text = JSON.stringify(doc);
    expect(doc.requester).toBeUndefined();
    expect(text).not.toContain('5001');
    expect(doc.extra ?? {}).toEqual({});
    expect(text).not.toContain('has_prescription');
    for (const value of [...Object.values(makeDraft().personal), 'Зинаида Петровна не открыла дверь', 'Отвёз', 'Спасибо, очень'])
      expect(text).not.toContain(value);
    expect(doc.age).toBeUndefined();
    expect(doc.ageBand).toBe('70–79');
    expect(doc).toMatchObject({
      status: 'done',
      category: 'pensioner',
      district: 'Ленинский',
      helpKind: 'medicine',
      channel: 'telegram',
      feedback: { rating: 4 },
    });
    expect(doc.history.map((e: { type: string }) => e.type)).toEqual(['created', 'claimed', 'released', 'claimed', 'done']);
    // The domain reads it back with the band in place of the age.
    expect(await requests.findByNumber(filed.number)).toMatchObject({ ageBand: '70–79', personalErasedAt: expect.any(Date) });
    expect((await requests.findByNumber(filed.number))!.age).toBeUndefined();
    // /my no longer lists it: nothing ties it to the messenger account.
    expect(await requests.listByRequester(who, 10)).toEqual([]);
  });
});

describe('the conversation after submit', () => {
  it("keeps the requester's words and the answers until the request is erased, then only who wrote and when", async () => {
    const { requests } = t.db.repositories;
    const who = requester('5101');
    const filed = await requests.create({ draft: makeDraft(), channel: 'telegram', requester: who, at: daysAgo(200) });
    await requests.claim(filed.number, volunteer, daysAgo(199));
    await transition(filed.number, { type: 'complete' }, asActor('v77'), daysAgo(198));
    const at = daysAgo(197);
    await requests.addMessage(filed.number, {
      type: 'message',
      from: 'requester',
      at,
      actor: who,
      channel: 'telegram',
      comment: 'Купили не тот хлеб',
      volunteer,
    });
    await requests.addMessage(filed.number, {
      type: 'message',
      from: 'coordinator',
      at,
      actor: { platform: 'telegram', userId: 'c9' },
      channel: 'web',
      comment: 'Привезём другой',
    });
    expect((await requests.findByNumber(filed.number))!.history.filter((e) => e.type === 'message').map((e) => [e.from, e.comment])).toEqual([
      ['requester', 'Купили не тот хлеб'],
      ['coordinator', 'Привезём другой'],
    ]);

    expect((await sweepAt(NOW).sweep()).requests).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(await raw(filed.number));
    for (const value of ['не тот хлеб', 'Привезём другой', '5101']) expect(text).not.toContain(value);
    const messages = (await requests.findByNumber(filed.number))!.history.filter((e) => e.type === 'message');
    expect(messages.map((e) => e.from)).toEqual(['requester', 'coordinator']);
    // Nobody left to write to, and nothing more is added to an erased request.
    expect(await requests.addMessage(filed.number, { type: 'message', from: 'coordinator', at: NOW, comment: 'ещё' })).toBeNull();
  });
});

describe('applications to volunteer', () => {
  it('lose the name and phone of a rejection as old as a closed request that is erased; younger and other ones stay', async () => {
    const { volunteerRoster } = t.db.repositories;
    const apply = async (userId: string, at: Date) => {
      const filed = await volunteerRoster.apply({
        person: { platform: 'telegram', userId },
        details: { name: `Заявитель ${userId}`, phone: `+7913000${userId}` },
        districts: ['Ленинский'],
        skills: ['car'],
        at,
      });
      if (!('record' in filed)) throw new Error('expected a new application');
      return filed.record.number;
    };
    const old = await apply('6301', daysAgo(200));
    const recent = await apply('6302', daysAgo(200));
    const approved = await apply('6303', daysAgo(200));
    await volunteerRoster.decide(old, ['pending'], { status: 'rejected', at: daysAgo(91), reason: 'нет' });
    await volunteerRoster.decide(recent, ['pending'], { status: 'rejected', at: daysAgo(10), reason: 'нет' });
    await volunteerRoster.decide(approved, ['pending'], { status: 'approved', at: daysAgo(150) });
    const { sweep } = sweepAt(NOW, undefined, [], { volunteers: volunteerRoster });
    expect(await sweep()).toMatchObject({ applications: 1 });
    const left = JSON.stringify(await t.db.connection.collection('volunteers').find().toArray());
    expect(left).not.toContain('Заявитель 6301');
    expect(left).not.toContain('+79130006301');
    expect(left).toContain('Заявитель 6302');
    expect(left).toContain('Заявитель 6303');
    expect((await volunteerRoster.findByNumber(old))?.status).toBe('rejected');
  });
});

describe('questions to the HQ', () => {
  it('are forgotten by the sweep once as old as a closed request that is erased, and younger ones stay', async () => {
    const { questions } = t.db.repositories;
    await questions.add(requester('5201'), 'Старый вопрос про лекарства', daysAgo(91));
    await questions.add(requester('5202'), 'Свежий вопрос', daysAgo(10));
    const { sweep } = sweepAt(NOW, undefined, [], { questions });
    expect(await sweep()).toMatchObject({ questions: 1 });
    const left = JSON.stringify(await t.db.connection.collection('questions').find().toArray());
    expect(left).not.toContain('Старый вопрос');
    expect(left).not.toContain('5201');
    expect(left).toContain('Свежий вопрос');
  });
});

describe('a request erased by the earlier version', () => {
  it('is erased again, completely: the messenger ids, branch answers and exact age it kept go too', async () => {
    const { requests } = t.db.repositories;
    const filed = await requests.create({ draft: makeDraft({ age: 91 }), channel: 'telegram', requester: requester('8001'), at: daysAgo(300) });
    await transition(filed.number, { type: 'cancel', reason: 'Дубль' }, asActor('900', true), daysAgo(299));
    // What the earlier sweep left: empty personal fields and no comments, the rest as it was.
    const earlier = daysAgo(200);
    await t.db.connection.collection('requests').updateOne(
      { number: filed.number },
      {
        $set: { personal: { name: '', address: '', phone: '', description: '' }, personalErasedAt: earlier },
        $unset: { ageBand: 1, 'history.1.comment': 1 },
      },
    );

    await sweepAt(NOW).sweep();
    const doc = (await raw(filed.number))!;
    expect(doc.requester).toBeUndefined();
    expect(doc.age).toBeUndefined();
    expect(doc.ageBand).toBe('80+');
    expect(doc.extra ?? {}).toEqual({});
    expect(JSON.stringify(doc)).not.toContain('8001');
    // A second sweep leaves it be.
    const again = await sweepAt(new Date(NOW.getTime() + 3_600_000)).sweep();
    expect(again.requests).toBe(0);
  });
});

describe('a withdrawn request', () => {
  it("is erased 30 days after the requester withdrew it, not 90; a coordinator's cancellation waits the full period", async () => {
    const { requests } = t.db.repositories;
    const file = (id: string, at: Date) => requests.create({ draft: makeDraft(), channel: 'telegram', requester: requester(id), at });
    const withdrawnLongAgo = await file('6001', daysAgo(40));
    await transition(withdrawnLongAgo.number, { type: 'cancel' }, asActor('6001'), daysAgo(31));
    const withdrawnRecently = await file('6002', daysAgo(40));
    await transition(withdrawnRecently.number, { type: 'cancel' }, asActor('6002'), daysAgo(29));
    const cancelledByCoordinator = await file('6003', daysAgo(40));
    await transition(cancelledByCoordinator.number, { type: 'cancel', reason: 'Дубль заявки' }, asActor('900', true), daysAgo(31));

    await sweepAt(NOW).sweep();
    expect((await raw(withdrawnLongAgo.number))!.personalErasedAt).toBeInstanceOf(Date);
    expect((await raw(withdrawnRecently.number))!.personalErasedAt).toBeUndefined();
    expect((await raw(cancelledByCoordinator.number))!.personalErasedAt).toBeUndefined();
  });
});

describe('the people registry', () => {
  it('forgets people with no role and no activity for the period, and keeps coordinators, operators and the configured', async () => {
    const { people, roles } = t.db.repositories;
    const seen = (userId: string, at: Date) =>
      people.record({ person: { platform: 'telegram', userId }, username: `u${userId}`, displayName: `Имя ${userId}`, privately: true, at });
    await seen('7001', daysAgo(200));
    await seen('7002', daysAgo(200));
    await seen('7003', daysAgo(200));
    await seen('7004', daysAgo(200));
    await seen('7005', daysAgo(20));
    await roles.grant({ platform: 'telegram', userId: '7002' }, { platform: 'telegram', userId: '900' }, daysAgo(300));
    await roles.grant({ platform: 'telegram', userId: '7003' }, { platform: 'telegram', userId: '900' }, daysAgo(300), 'operator');

    const { sweep, logger } = sweepAt(NOW, new RecordingLogger(), [{ platform: 'telegram', userId: '7004' }]);
    expect((await sweep()).people).toBe(1);
    expect(await people.find({ platform: 'telegram', userId: '7001' })).toBeNull();
    for (const kept of ['7002', '7003', '7004', '7005']) expect(await people.find({ platform: 'telegram', userId: kept })).not.toBeNull();
    expect(logger.serialized()).not.toContain('7001');
  });
});
