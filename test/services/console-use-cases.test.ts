import { beforeEach, describe, expect, it } from 'vitest';
import type { PersonRef } from '../../src/domain/request.js';
import { createCoordinatorTexts } from '../../src/messages/coordinator-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createRequestExport } from '../../src/services/console/export-requests.js';
import { createPeopleLookup } from '../../src/services/console/people-lookup.js';
import { createRequestDesk } from '../../src/services/console/request-desk.js';
import { createRoleDesk } from '../../src/services/console/role-desk.js';
import { createIsCoordinator } from '../../src/services/coordinators.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { parsePeriod } from '../../src/domain/calendar.js';
import { parseCsv } from '../support/csv.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';
import {
  FakeAccessLog,
  FakePeopleRepository,
  FakeRequestRepository,
  FakeRoleRepository,
  leakedPersonalStrings,
  makeDraft,
  RecordingLogger,
} from '../support/fakes.js';

const texts = createCoordinatorTexts(catalogs.ru, createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario), helpScenario, 'Europe/Moscow');
const START = new Date('2025-03-10T06:00:00Z');
const boss: PersonRef = { platform: 'telegram', userId: '900' };
const operator = { platform: 'telegram' as const, userId: '700', displayName: 'Оператор Смена' };
const draft = makeDraft({ district: 'Ленинский' });

let requests: FakeRequestRepository;
let people: FakePeopleRepository;
let roles: FakeRoleRepository;
let logger: RecordingLogger;
let lookup: ReturnType<typeof createPeopleLookup>;
let desk: ReturnType<typeof createRequestDesk>;
let accessLog: FakeAccessLog;

beforeEach(() => {
  requests = new FakeRequestRepository();
  people = new FakePeopleRepository();
  roles = new FakeRoleRepository();
  logger = new RecordingLogger();
  const isCoordinator = createIsCoordinator({ telegram: ['900'], vk: [] }, (p) => roles.isCoordinator(p));
  const lifecycle = createRequestLifecycle({ requests, isCoordinator, afterChange: async () => undefined, logger, now: () => START });
  lookup = createPeopleLookup({ people, fallbackName: (p) => `id ${p.userId}` });
  accessLog = new FakeAccessLog();
  desk = createRequestDesk({ requests, lifecycle, lookup, accessLog, now: () => START });
});

const fileOne = () => requests.create({ draft, channel: 'phone', takenBy: operator, at: START });

describe('the request desk both consoles use', () => {
  it('names the operator who took a call as the request recorded them, and the coordinators of its history', async () => {
    const request = await fileOne();
    await people.record({ person: boss, displayName: 'Ольга Координатор', privately: true, at: START });
    await people.record({ person: { platform: 'telegram', userId: '700' }, displayName: 'старое имя', privately: true, at: START });
    await desk.cancel(request.number, boss, 'web', 'дубль');
    const card = await desk.card(request.number);
    expect(card?.names.get('telegram:900')).toBe('Ольга Координатор');
    expect(card?.names.get('telegram:700')).toBe('Оператор Смена');
    expect(await desk.card(404)).toBeNull();
  });

  it('shows personal data to a coordinator and to the operator who took the call, records each showing, and lists the records to coordinators', async () => {
    const request = await fileOne();
    const asOperator = (person: PersonRef) => ({ person, channel: 'web' as const, kind: 'console_card' as const, isCoordinator: false });
    const taker = { platform: operator.platform, userId: operator.userId };
    const otherOperator = { platform: 'telegram' as const, userId: '701' };

    expect(await desk.card(request.number, asOperator(otherOperator))).toMatchObject({ personal: false, accessRecords: [] });
    expect(await desk.card(request.number, asOperator(taker))).toMatchObject({ personal: true, accessRecords: [] });
    const seenByBoss = await desk.card(request.number, { person: boss, channel: 'web', kind: 'console_card', isCoordinator: true });
    expect(seenByBoss?.personal).toBe(true);
    expect(seenByBoss?.accessRecords.map((r) => [r.viewer.userId, r.channel, r.kind])).toEqual([
      ['700', 'web', 'console_card'],
      ['900', 'web', 'console_card'],
    ]);
    // Without a viewer (the HQ chat) nothing is shown, so nothing is recorded.
    expect(await desk.card(request.number)).toMatchObject({ personal: false });
    expect(accessLog.records).toHaveLength(2);
  });

  it('assigns only to a volunteer who wrote to the bot privately, and names one without a public name by id', async () => {
    const request = await fileOne();
    await people.record({ person: { platform: 'telegram', userId: '501' }, username: 'group_only', privately: false, at: START });
    expect(await desk.assign(request.number, boss, 'web', { platform: 'telegram', name: { kind: 'username', username: 'group_only' } })).toEqual({
      kind: 'unknown_volunteer',
    });
    expect(await desk.assign(request.number, boss, 'web', { platform: 'vk', name: { kind: 'username', username: 'group_only' } })).toEqual({
      kind: 'usernames_unsupported',
    });
    await people.record({ person: { platform: 'vk', userId: '7001' }, privately: true, at: START });
    const outcome = await desk.assign(request.number, boss, 'web', { platform: 'vk', name: { kind: 'id', userId: '7001' } });
    expect(outcome.kind).toBe('changed');
    expect((await requests.findByNumber(request.number))?.volunteer).toEqual({ platform: 'vk', userId: '7001', displayName: 'id 7001' });
  });

  it('treats a blank comment or reason as none', async () => {
    const request = await fileOne();
    const refused = await desk.cancel(request.number, boss, 'web', '   ');
    expect(refused).toMatchObject({ kind: 'refused', refusal: 'reason_required' });
    expect(await desk.close(request.number, boss, 'web', '  ')).toMatchObject({ kind: 'changed' });
    expect((await requests.findByNumber(request.number))?.history.at(-1)?.comment).toBeUndefined();
  });
});

describe('the export both consoles use', () => {
  it('writes the CSV and one audit line naming who, how many and through what, with none of the data', async () => {
    await fileOne();
    const exportRequests = createRequestExport({ requests, labels: texts.exportLabels, accessLog, logger, now: () => START });
    const parsed = parsePeriod('2025-03-10', START, 'Europe/Moscow');
    if (!parsed.ok) throw new Error('period');
    const made = await exportRequests({ period: parsed.period, full: true, by: boss, via: 'web' });
    expect(made.rows).toBe(1);
    expect(parseCsv(made.csv)).toHaveLength(2);
    expect(logger.at('info').find((e) => e.msg === 'requests exported')?.obj).toEqual({ platform: 'telegram', by: '900', rows: 1, full: true, via: 'web' });
    expect(leakedPersonalStrings(logger.serialized(), draft)).toEqual([]);
    // The request whose data left in the file has it on record; an export without it records nothing.
    expect(accessLog.records.map((r) => [r.requestNumber, r.viewer, r.channel, r.kind])).toEqual([[1, boss, 'web', 'export']]);
    await exportRequests({ period: parsed.period, full: false, by: boss, via: 'web' });
    expect(accessLog.records).toHaveLength(1);
  });
});

describe('the role desk both consoles use', () => {
  let ended: PersonRef[];
  let announced: [PersonRef, boolean][];
  const roleDesk = (roleChanged?: (person: PersonRef, on: boolean) => Promise<void>) =>
    createRoleDesk({
      roles,
      lookup,
      configured: { coordinator: { telegram: ['900'], vk: [], max: [] } },
      endConsoleAccess: async (person) => void ended.push(person),
      ...(roleChanged ? { roleChanged } : {}),
      logger,
      now: () => START,
    });

  beforeEach(() => {
    ended = [];
    announced = [];
  });

  it('grants by an id not seen yet, once, and tells the platform of coordinators only', async () => {
    const desk = roleDesk(async (person, on) => void announced.push([person, on]));
    const id = { kind: 'id' as const, userId: '501' };
    expect((await desk.grant('coordinator', 'telegram', id, boss)).kind).toBe('granted');
    expect((await desk.grant('coordinator', 'telegram', id, boss)).kind).toBe('already_held');
    expect((await desk.grant('operator', 'vk', id, boss)).kind).toBe('granted');
    expect(announced).toEqual([[{ platform: 'telegram', userId: '501' }, true]]);
    expect(await desk.holders('operator')).toEqual([{ platform: 'vk', userId: '501' }]);
    expect((await desk.grant('operator', 'telegram', { kind: 'username', username: 'nobody' }, boss)).kind).toBe('unknown');
  });

  it('keeps a configured coordinator, and ends the console sessions of someone whose role is taken back', async () => {
    const desk = roleDesk();
    expect((await desk.revoke('coordinator', 'telegram', { kind: 'id', userId: '900' }, boss)).kind).toBe('configured');
    expect((await desk.revoke('operator', 'telegram', { kind: 'id', userId: '501' }, boss)).kind).toBe('not_held');
    await desk.grant('operator', 'telegram', { kind: 'id', userId: '501' }, boss);
    expect((await desk.revoke('operator', 'telegram', { kind: 'id', userId: '501' }, boss)).kind).toBe('revoked');
    expect(ended).toEqual([{ platform: 'telegram', userId: '501' }]);
  });

  it('keeps a role change when telling the platform about it fails, and logs the failure by name only', async () => {
    const desk = roleDesk(async () => {
      throw new TypeError('menu');
    });
    expect((await desk.grant('coordinator', 'telegram', { kind: 'id', userId: '501' }, boss)).kind).toBe('granted');
    expect(await roles.isCoordinator({ platform: 'telegram', userId: '501' })).toBe(true);
    expect(logger.at('warn').map((e) => e.obj)).toEqual([{ platform: 'telegram', userId: '501', err: 'TypeError' }]);
  });
});
