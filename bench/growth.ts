import mongoose from 'mongoose';
import { COORDINATOR_ID } from '../test/support/harness.js';
import { makeDraft } from '../test/support/fakes.js';
import { createDailyReport } from '../src/services/daily-report.js';
import type { RequestRepository } from '../src/services/ports.js';
import { parsePeriod, type Period } from '../src/domain/calendar.js';
import { createRequestStats } from '../src/services/request-stats.js';
import type { BenchDatabase } from './database.js';
import { loadRequests } from './growth-data.js';
import { median, percentile, round } from './stats.js';
import type { SystemUnderTest } from './system-under-test.js';
import type { UpdateFactory } from './updates.js';

/** What a growth case may use. */
export interface GrowthContext {
  sut: SystemUnderTest;
  database: BenchDatabase;
  requests: RequestRepository;
  updates: UpdateFactory;
  district: string;
  groupId: number;
  timeZone: string;
  now: Date;
  /** A user id not used before in this run. */
  nextUserId(): number;
}

/** One thing timed at each size: what it is, what runs it, and how (preparation is not timed). */
export interface GrowthCase {
  name: string;
  via: string;
  measure(ctx: GrowthContext): Promise<number>;
}

function statsPeriod(c: GrowthContext): Period {
  const parsed = parsePeriod('', c.now, c.timeZone);
  if (!parsed.ok) throw new Error('the default period of /stats did not parse');
  return parsed.period;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * The cases, one line each where a port or a service has the query. /open runs the RequestRepository
 * method the command pages with, /stats and the daily report the services the command and the job
 * call; the intake and the claim go through the bot.
 */
export const GROWTH_CASES: GrowthCase[] = [
  {
    name: 'intake («Send»)',
    via: 'bot: the last update of a questionnaire (store, number, dispatch)',
    async measure(c) {
      const script = c.updates.helpRequest(c.nextUserId());
      for (const update of script.slice(0, -1)) await c.sut.handleUpdate(update);
      return timed(() => c.sut.handleUpdate(script.at(-1)!));
    },
  },
  {
    name: 'claim',
    via: 'bot: a press of «Take request» on a new request',
    async measure(c) {
      const request = await c.requests.create({
        draft: makeDraft({ district: c.district }),
        channel: 'telegram',
        requester: { platform: 'telegram', userId: '42', chatId: '42' },
        at: new Date(),
      });
      return timed(() => c.sut.handleUpdate(c.updates.claim(c.nextUserId(), c.groupId, request.number)));
    },
  },
  {
    name: '/open',
    via: 'RequestRepository.listOpen (district, new, first page)',
    measure: (c) => timed(() => c.requests.listOpen({ district: c.district, status: 'new', skip: 0, limit: 10 })),
  },
  {
    name: '/stats (7 days)',
    via: 'createRequestStats, the default period (RequestRepository.listCreatedBetween)',
    measure: (c) => timed(() => createRequestStats({ requests: c.requests })(statsPeriod(c))),
  },
  {
    name: 'daily report',
    via: 'createDailyReport (listCreatedBetween 14 days, listTouchedBetween, listOpen ×2)',
    measure: (c) => timed(() => createDailyReport({ requests: c.requests, timeZone: c.timeZone, overdueAfterMs: 2 * 3_600_000, now: () => c.now })()),
  },
];

export interface GrowthFigures {
  sizes: number[];
  perWeek: number;
  samples: number;
  loadSeconds: Record<string, number>;
  cases: { name: string; via: string; medianMs: number[]; p90Ms: number[]; largestToSmallest: number }[];
  /** Every query shape the cases ran at the largest size, its plan (or why there is none), and which cases ran it. */
  plans: { query: string; plan: string; cases: string[] }[];
}

/**
 * Times every case with 1 000, 10 000 and 100 000 stored requests (a steady history, see
 * growth-data.ts), `samples` times each, and explains the queries the cases ran at the largest size.
 * A case that grows with the base while its answer does not is a query no index serves.
 */
export async function measureGrowth(options: {
  sut: SystemUnderTest;
  database: BenchDatabase;
  updates: UpdateFactory;
  sizes: number[];
  samples: number;
  districts: readonly string[];
  groupId: number;
  timeZone: string;
  firstUserId: number;
}): Promise<GrowthFigures> {
  const { database, sizes } = options;
  // The smallest base spans two weeks, the longest period a case reads (the report's 14 days), so
  // every size answers the period queries with the same number of requests.
  const perWeek = sizes[0]! / 2;
  let userId = options.firstUserId;
  const results = GROWTH_CASES.map(() => ({ medians: [] as number[], p90s: [] as number[] }));
  const loadSeconds: Record<string, number> = {};
  let plans: GrowthFigures['plans'] = [];
  for (const size of sizes) {
    await database.clear();
    const now = new Date();
    const started = performance.now();
    await loadRequests(database, { count: size, perWeek, districts: options.districts, now });
    loadSeconds[size] = round((performance.now() - started) / 1000, 1);
    const district = options.districts[0]!;
    await database.db.repositories.districtChats.bind(
      { platform: 'telegram', chatId: String(options.groupId), district },
      { platform: 'telegram', userId: String(COORDINATOR_ID) },
      new Date(),
    );
    const ctx: GrowthContext = {
      sut: options.sut,
      database,
      requests: database.db.repositories.requests,
      updates: options.updates,
      district,
      groupId: options.groupId,
      timeZone: options.timeZone,
      now,
      nextUserId: () => userId++,
    };
    for (const [i, growthCase] of GROWTH_CASES.entries()) {
      const samples: number[] = [];
      // One unmeasured run first: the first query of a shape pays for plan selection and caches.
      await growthCase.measure(ctx);
      for (let s = 0; s < options.samples; s++) samples.push(await growthCase.measure(ctx));
      results[i]!.medians.push(round(median(samples), 2));
      results[i]!.p90s.push(round(percentile(samples, 90), 2));
    }
    if (size === sizes.at(-1)) plans = await explainCases(ctx);
  }
  return {
    sizes,
    perWeek,
    samples: options.samples,
    loadSeconds,
    cases: GROWTH_CASES.map((c, i) => ({
      name: c.name,
      via: c.via,
      medianMs: results[i]!.medians,
      p90Ms: results[i]!.p90s,
      largestToSmallest: round(results[i]!.medians.at(-1)! / results[i]!.medians[0]!, 2),
    })),
    plans,
  };
}

interface CapturedQuery {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
  sort?: Record<string, unknown>;
  pipeline?: Record<string, unknown>[];
}

const EXPLAINED = new Set([
  'find',
  'findOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'countDocuments',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'aggregate',
]);

/**
 * Runs each case once more with mongoose's query hook on and explains every query shape it ran (the
 * hook sees the whole process, so the outbox worker's own queries show up too: they are the system's).
 */
async function explainCases(ctx: GrowthContext): Promise<GrowthFigures['plans']> {
  const byShape = new Map<string, { query: CapturedQuery; cases: string[] }>();
  for (const growthCase of GROWTH_CASES) {
    const captured: CapturedQuery[] = [];
    mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      if (!EXPLAINED.has(method)) return;
      const options = args.find((a, i) => i > 0 && a && typeof a === 'object' && 'sort' in (a as object)) as { sort?: Record<string, unknown> } | undefined;
      captured.push(
        method === 'aggregate'
          ? { collection, method, filter: {}, pipeline: args[0] as Record<string, unknown>[] }
          : { collection, method, filter: (args[0] ?? {}) as Record<string, unknown>, ...(options?.sort ? { sort: options.sort } : {}) },
      );
    });
    try {
      await growthCase.measure(ctx);
    } finally {
      mongoose.set('debug', false);
    }
    for (const query of captured) {
      const shape = `${query.collection}.${query.method} ${describeShape(query.filter)}${query.sort ? ` sort ${JSON.stringify(query.sort)}` : ''}`;
      const entry = byShape.get(shape) ?? { query, cases: [] };
      if (!entry.cases.includes(growthCase.name)) entry.cases.push(growthCase.name);
      byShape.set(shape, entry);
    }
  }
  const plans: GrowthFigures['plans'] = [];
  for (const [shape, { query, cases }] of [...byShape].sort(([a], [b]) => a.localeCompare(b))) {
    plans.push({ query: shape, plan: await explain(ctx.database, query), cases });
  }
  return plans;
}

/** A filter's field names and operators, without its values (they may be ids of people). */
function describeShape(filter: Record<string, unknown>): string {
  const fields = Object.entries(filter).map(([key, value]) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      const ops = Object.keys(value).filter((k) => k.startsWith('$'));
      if (ops.length > 0) return `${key}:${ops.join(',')}`;
    }
    return key;
  });
  return `{${fields.join(', ')}}`;
}

async function explain(database: BenchDatabase, query: CapturedQuery): Promise<string> {
  const collection = database.db.connection.collection(query.collection);
  try {
    const result = (query.pipeline
      ? await collection.aggregate(query.pipeline).explain('executionStats')
      : await collection.find(query.filter, query.sort ? { sort: query.sort as never } : {}).explain('executionStats')) as unknown as ExplainResult;
    return summarisePlan(result);
  } catch (error) {
    return `unsupported (${(error as Error).message})`;
  }
}

interface PlanStage {
  stage: string;
  indexName?: string;
  inputStage?: PlanStage;
  inputStages?: PlanStage[];
}
interface ExplainResult {
  queryPlanner?: { winningPlan?: PlanStage & { queryPlan?: PlanStage } };
  executionStats?: { nReturned: number; totalKeysExamined: number; totalDocsExamined: number };
  stages?: { $cursor?: ExplainResult }[];
}

function summarisePlan(result: ExplainResult): string {
  const inner = result.queryPlanner ? result : (result.stages?.[0]?.$cursor ?? result);
  const winning = inner.queryPlanner?.winningPlan;
  const root = winning?.queryPlan ?? winning;
  const stages: string[] = [];
  for (let stage = root; stage; stage = stage.inputStage ?? stage.inputStages?.[0]) {
    stages.push(stage.indexName ? `${stage.stage} ${stage.indexName}` : stage.stage);
  }
  const stats = inner.executionStats;
  const counts = stats ? `; keys ${stats.totalKeysExamined}, docs ${stats.totalDocsExamined}, returned ${stats.nReturned}` : '';
  return `${stages.join(' ← ') || 'no plan returned'}${counts}`;
}
