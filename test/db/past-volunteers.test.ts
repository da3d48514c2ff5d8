import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRequestModel } from '../../src/db/models/request-model.js';
import { listPastVolunteers } from '../../src/db/repositories/past-volunteers.js';
import { decide } from '../../src/domain/lifecycle.js';
import type { HelpRequest, PersonRef, Volunteer } from '../../src/domain/request.js';
import type { NewRequest, RequestRepository, VolunteerRoster } from '../../src/services/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { makeDraft } from '../support/fakes.js';

let t: TestDatabase;
let requests: RequestRepository;
let roster: VolunteerRoster;

beforeAll(async () => {
  t = await startTestDatabase();
  requests = t.db.repositories.requests;
  roster = t.db.repositories.volunteerRoster;
});

afterAll(async () => {
  await t?.stop();
});

beforeEach(async () => {
  await Promise.all(['requests', 'counters', 'volunteers'].map((name) => t.db.connection.collection(name).deleteMany({})));
});

const AT = new Date('2025-03-01T09:00:00Z');
const coordinator = { person: { platform: 'telegram' as const, userId: '900' }, channel: 'telegram' as const, isCoordinator: true };

function newRequest(requesterId: string): NewRequest {
  return { draft: makeDraft(), channel: 'telegram', requester: { platform: 'telegram', userId: requesterId, chatId: requesterId }, at: AT };
}

function volunteer(userId: string, platform: Volunteer['platform'] = 'telegram'): Volunteer {
  return { platform, userId, displayName: `Волонтёр ${userId}` };
}

const asHolder = (v: Volunteer) => ({ person: { platform: v.platform, userId: v.userId }, channel: v.platform, isCoordinator: false });

/** Applies a lifecycle action the way the services do, failing the test if the rules refuse it. */
async function act(request: HelpRequest, action: Parameters<typeof decide>[1], actor: Parameters<typeof decide>[2]): Promise<HelpRequest> {
  const decision = decide(request, action, actor, AT);
  if (!decision.ok) throw new Error(`refused: ${decision.refusal}`);
  const changed = await requests.applyTransition(request.number, decision.transition);
  if (!changed) throw new Error('the request changed meanwhile');
  return changed;
}

/**
 * A base as an HQ that ran the bot for a while has it: claims, a release and a reassignment, a
 * claim given back, an assignment with no claim before it, a request nobody took. The people who
 * took or were given requests: telegram v1, v2, v3 and vk v1 (another person than telegram v1).
 */
async function seedHistory(): Promise<void> {
  const first = await requests.create(newRequest('1001'));
  const claimed = await requests.claim(first.number, volunteer('v1'), AT);
  const released = await act(claimed!, { type: 'release', reason: 'Заболел' }, asHolder(volunteer('v1')));
  await act(released, { type: 'assign', volunteer: volunteer('v2') }, coordinator);

  // The same volunteer again: listed once.
  const second = await requests.create(newRequest('1001'));
  const again = await requests.claim(second.number, volunteer('v1'), AT);
  await act(again!, { type: 'complete' }, asHolder(volunteer('v1')));

  const third = await requests.create(newRequest('1002'));
  await requests.claim(third.number, volunteer('v1', 'vk'), AT);
  await requests.undoClaim(third.number, { platform: 'vk', userId: 'v1' }, 'unreachable', AT);

  const fourth = await requests.create(newRequest('1003'));
  const assigned = await act(fourth, { type: 'assign', volunteer: volunteer('v3') }, coordinator);
  await act(assigned, { type: 'cancel', reason: 'Не нужно' }, coordinator);

  await requests.create(newRequest('1004'));
}

const PAST_VOLUNTEERS: PersonRef[] = [
  { platform: 'telegram', userId: 'v1' },
  { platform: 'telegram', userId: 'v2' },
  { platform: 'telegram', userId: 'v3' },
  { platform: 'vk', userId: 'v1' },
];

function sorted(people: PersonRef[]): PersonRef[] {
  return [...people].sort((a, b) => `${a.platform}:${a.userId}`.localeCompare(`${b.platform}:${b.userId}`));
}

/** Files an application for v2 and has a coordinator reject it. */
async function rejectV2(): Promise<void> {
  const applied = await roster.apply({
    person: { platform: 'telegram', userId: 'v2' },
    details: { name: 'Имя', phone: '+79990000000' },
    districts: ['Ленинский'],
    skills: [],
    at: AT,
  });
  if (!('record' in applied)) throw new Error('expected a new application');
  await roster.decide(applied.record.number, ['pending'], { status: 'rejected', at: AT, by: coordinator.person, reason: 'Не дозвонились' });
}

describe('listPastVolunteers', () => {
  it('lists every distinct claimer and assignee once, by account only, and nobody else', async () => {
    await seedHistory();
    const people = await listPastVolunteers(createRequestModel(t.db.connection));
    // Exactly the accounts: no requesters (1001–1004), no coordinator (900), no display names.
    expect(sorted(people)).toEqual(PAST_VOLUNTEERS);
  });

  it('finds nobody in a base where nobody took a request', async () => {
    await requests.create(newRequest('1001'));
    expect(await listPastVolunteers(createRequestModel(t.db.connection))).toEqual([]);
  });

  it('reads a base larger than one batch of the cursor', async () => {
    // 510 claimed requests by 3 volunteers: more than the 500 a batch holds, so the cursor reads on.
    for (let i = 0; i < 510; i++) {
      const { number } = await requests.create(newRequest('1001'));
      await requests.claim(number, volunteer(`v${i % 3}`), AT);
    }
    const people = await listPastVolunteers(createRequestModel(t.db.connection));
    expect(sorted(people)).toEqual(['v0', 'v1', 'v2'].map((userId) => ({ platform: 'telegram', userId })));
  });

  it('gives approveExisting what it approves, leaving a rejected volunteer rejected', async () => {
    await seedHistory();
    await rejectV2();
    const added = await roster.approveExisting(await listPastVolunteers(createRequestModel(t.db.connection)), AT);
    expect(added).toBe(3);
    for (const person of PAST_VOLUNTEERS.filter((p) => p.userId !== 'v2' || p.platform !== 'telegram')) {
      expect(await roster.find(person)).toMatchObject({ person, status: 'approved', history: [{ status: 'approved', at: AT }] });
    }
    expect(await roster.find({ platform: 'telegram', userId: 'v2' })).toMatchObject({ status: 'rejected' });
    expect(await roster.find({ platform: 'telegram', userId: '1001' })).toBeNull();
  });
});

const run = promisify(execFile);
const CLI = 'src/approve-volunteers-cli.ts';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node [options] <cli> [args]` with exactly `env` (and PATH), never the test process's own environment. */
async function runCli(options: { node?: string[]; args?: string[]; env?: Record<string, string>; cwd?: string } = {}): Promise<Outcome> {
  const argv = [...(options.node ?? ['--import', 'tsx']), resolve(CLI), ...(options.args ?? [])];
  try {
    const { stdout, stderr } = await run(process.execPath, argv, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Outcome;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function volunteerCount(): Promise<number> {
  return t.db.connection.collection('volunteers').countDocuments();
}

describe('volunteers:approve-existing', () => {
  it('counts with --dry-run and changes nothing, then approves for real, printing counts only', async () => {
    await seedHistory();
    await rejectV2();

    const dry = await runCli({ args: ['--dry-run'], env: { MONGODB_URI: t.uri } });
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout.trim()).toBe(
      'dry run, nothing changed: would approve 3 volunteers who had claimed or been assigned requests; 1 already have a record and would be left as they are',
    );
    expect(await volunteerCount()).toBe(1);

    const real = await runCli({ env: { MONGODB_URI: t.uri } });
    expect(real).toMatchObject({ code: 0, stderr: '' });
    expect(real.stdout.trim()).toBe('approved 3 volunteers who had claimed or been assigned requests; 1 already had a record and were left as they were');
    expect(real.stdout).not.toMatch(/v[123]|Волонтёр|1001/);
    expect(await volunteerCount()).toBe(4);
    expect(await roster.find({ platform: 'vk', userId: 'v1' })).toMatchObject({ status: 'approved' });
    expect(await roster.find({ platform: 'telegram', userId: 'v2' })).toMatchObject({ status: 'rejected' });

    // A second run finds everybody recorded: safe to repeat.
    const repeat = await runCli({ env: { MONGODB_URI: t.uri } });
    expect(repeat.stdout.trim()).toBe('approved 0 volunteers who had claimed or been assigned requests; 4 already had a record and were left as they were');
    expect(await volunteerCount()).toBe(4);
  });

  it('takes --dry-run given to npm without `--` as a dry run', async () => {
    await seedHistory();
    // `npm run volunteers:approve-existing --dry-run` runs the script without the flag and sets this instead.
    const result = await runCli({ env: { MONGODB_URI: t.uri, npm_config_dry_run: 'true' } });
    expect(result.stdout).toContain('dry run, nothing changed: would approve 4 volunteers');
    expect(await volunteerCount()).toBe(0);
  });

  it('refuses without MONGODB_URI, in one sentence', async () => {
    const unset: Record<string, string>[] = [{}, { MONGODB_URI: '' }];
    for (const env of unset) {
      const result = await runCli({ args: ['--dry-run'], env });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(
        'MONGODB_URI is not set: the embedded development database keeps nothing between runs, so there are no volunteers to move',
      );
    }
  });

  it('says so when nobody has taken a request yet', async () => {
    await requests.create(newRequest('1001'));
    const result = await runCli({ env: { MONGODB_URI: t.uri } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('nobody has claimed or been assigned a request yet: there is nobody to approve');
  });

  it('refuses an unknown argument rather than running for real', async () => {
    await seedHistory();
    const result = await runCli({ args: ['--dryrun'], env: { MONGODB_URI: t.uri } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('unknown argument --dryrun: the only option is --dry-run');
    expect(await volunteerCount()).toBe(0);
  });

  it('reads MONGODB_URI from .env as the npm script runs it, the way `npm start` does', async () => {
    await seedHistory();
    const script: string = JSON.parse(await readFile('package.json', 'utf8')).scripts['volunteers:approve-existing'];
    const [command, ...args] = script.split(/\s+/);
    expect(command).toBe('node');
    expect(args.at(-1)).toBe(CLI);
    const dir = await mkdtemp(join(tmpdir(), 'approve-volunteers-'));
    try {
      await symlink(resolve('node_modules'), join(dir, 'node_modules'));
      await writeFile(join(dir, '.env'), `MONGODB_URI=${t.uri}\n`);
      const result = await runCli({ node: args.slice(0, -1), args: ['--dry-run'], cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('would approve 4 volunteers');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
