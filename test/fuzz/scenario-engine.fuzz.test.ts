import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestDraftSchema } from '../../src/domain/request.js';
import { advance, EDIT_PICK, startScenario, type EngineInput, type EngineResult, type Prompt, type ScenarioState } from '../../src/scenario/engine.js';
import { toHelpRequestDraft } from '../../src/scenario/help-request-draft.js';
import type { Answers, Step } from '../../src/scenario/schema.js';
import {
  answerRuleBroken as ruleBroken,
  describeInput,
  SUSPICIOUS_LEFT_IN,
  hostileString,
  PHONE_JUNK,
  Rng,
  type HostileCategory,
  type HostileHint,
} from '../support/fuzz-inputs.js';
import { engineContext, helpScenario } from '../support/scenario-fixtures.js';

/**
 * Fuzz of the scenario engine: every step of the real questionnaire (and the "what to change" pick,
 * and each step reached again from the summary) is fed thousands of generated inputs of every kind.
 * Nothing may throw, a refused answer changes nothing, an accepted one obeys the step's rules, and a
 * finished run is a request draft the domain accepts. FUZZ_SEED / FUZZ_RUNS reproduce or widen a run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_301);
const RUNS_PER_STEP = Number(process.env.FUZZ_RUNS ?? 1500);
const WALKS_PER_STEP = 60;
const WALK_LENGTH = 40;

/** A valid answer for each step, on the branch that asks every step (medicine asks about a prescription, someone else about the applicant). */
const VALID: Record<string, { choice: string } | { text: string }> = {
  category: { choice: 'pensioner' },
  age: { text: '81' },
  district: { choice: 'Ленинский' },
  helpKind: { choice: 'medicine' },
  prescription: { choice: 'not_needed' },
  description: { text: 'Хлеб, молоко, гречка, лекарства по списку' },
  name: { text: 'Зинаида Петровна' },
  address: { text: 'ул. Садовая, д. 7, кв. 12' },
  phone: { text: '8 (495) 123-45-67' },
  // For someone else: the branch that asks the applicant's steps too.
  forWhom: { choice: 'other' },
  relation: { choice: 'neighbour' },
  applicantName: { text: 'Ольга' },
  applicantPhone: { text: '8 913 765-43-21' },
  callFirst: { choice: 'person' },
  consent: { choice: 'yes' },
  summary: { choice: 'submit' },
};

type Outcome = 'accepted' | 'refused' | 'stale' | 'back' | 'completed' | 'cancelled' | 'declined';
interface Violation {
  target: string;
  index: number;
  input: string;
  problem: string;
}
interface TargetStats {
  target: string;
  tried: number;
  byType: Record<EngineInput['type'], number>;
  outcomes: Record<Outcome, number>;
  walkMoves: number;
  walkCompletions: number;
}

const steps = helpScenario.steps;
const stepOf = (id: string): Step | undefined => steps.find((s) => s.id === id);
const violations: Violation[] = [];
const drafts: { target: string; ok: boolean; issues: string }[] = [];
const acceptedByCategory = new Map<HostileCategory, number>();
const stats: TargetStats[] = [];
/** Accepted texts that keep characters cleanText lets through (reported, not asserted). */
const suspicious = new Map<string, string>();

function validInput(state: ScenarioState, prompt: Prompt): EngineInput {
  const valid = VALID[state.stepId];
  if (state.stepId === EDIT_PICK) return { type: 'choice', seq: state.seq, value: prompt.choices[0]!.value };
  if (!valid) throw new Error(`no valid answer for step ${state.stepId}`);
  return 'choice' in valid ? { type: 'choice', seq: state.seq, value: valid.choice } : { type: 'text', text: valid.text };
}

function apply(state: ScenarioState, input: EngineInput): { state: ScenarioState; prompt: Prompt } {
  const result = advance(helpScenario, state, input, engineContext);
  if (result.kind !== 'prompt' || result.prompt.error)
    throw new Error(`valid input refused at ${state.stepId}: ${JSON.stringify(input)} → ${JSON.stringify(result)}`);
  return { state: result.state, prompt: result.prompt };
}

/** Drives the engine with valid answers to `stepId`; `viaEdit` reaches it from the summary's "change". */
function reach(stepId: string, viaEdit: boolean): { state: ScenarioState; prompt: Prompt } {
  let at = startScenario(helpScenario, engineContext);
  const goal = viaEdit || stepId === EDIT_PICK ? 'summary' : stepId;
  for (let guard = 0; at.state.stepId !== goal; guard++) {
    if (guard > 50) throw new Error(`cannot reach ${goal}`);
    at = apply(at.state, validInput(at.state, at.prompt));
  }
  if (stepId === EDIT_PICK || viaEdit) at = apply(at.state, { type: 'choice', seq: at.state.seq, value: 'edit' });
  if (viaEdit) at = apply(at.state, { type: 'choice', seq: at.state.seq, value: stepId });
  if (at.state.stepId !== stepId) throw new Error(`reached ${at.state.stepId} instead of ${stepId}`);
  return at;
}

/** Values of every choice in the scenario, to press on the wrong step. */
const ALL_VALUES = [
  ...new Set([
    ...steps.flatMap((s) => (s.type === 'choice' && s.choices ? s.choices.map((c) => c.value) : [])),
    ...engineContext.lists.districts,
    ...steps.map((s) => s.id),
    'yes',
    'no',
    'submit',
    'edit',
    'cancel',
  ]),
];

function hintFor(step: Step | undefined, prompt: Prompt): HostileHint {
  const labels = prompt.choices.map((c) => engineContext.render(c.label));
  return {
    ...(step?.type === 'text' ? { lengths: { min: step.minLength, max: step.maxLength } } : {}),
    ...(step?.type === 'number' ? { lengths: { min: 1, max: 4 } } : {}),
    valid: [...labels, ...labels.map((_, i) => String(i + 1)), 'Назад', 'назад', '81', '8 913 765-43-21'],
  };
}

/** One generated input of any kind, and the category of its text when it has one. */
function randomInput(rng: Rng, state: ScenarioState, prompt: Prompt): { input: EngineInput; category?: HostileCategory } {
  const step = stepOf(state.stepId);
  const roll = rng.float();
  if (roll < 0.5) {
    const hostile = hostileString(rng, hintFor(step, prompt));
    return { input: { type: 'text', text: hostile.text }, category: hostile.category };
  }
  if (roll < 0.78) {
    const seq = rng.pick([
      state.seq,
      state.seq,
      state.seq,
      state.seq - 1,
      state.seq + 1,
      0,
      -1,
      rng.int(-1000, 1_000_000),
      Number.MAX_SAFE_INTEGER,
      Number.NaN,
    ]);
    const valueRoll = rng.float();
    if (valueRoll < 0.35 && prompt.choices.length > 0) return { input: { type: 'choice', seq, value: rng.pick(prompt.choices).value } };
    if (valueRoll < 0.6) return { input: { type: 'choice', seq, value: rng.pick(ALL_VALUES) } };
    const hostile = hostileString(rng);
    return { input: { type: 'choice', seq, value: hostile.text }, category: hostile.category };
  }
  if (roll < 0.88) {
    if (rng.bool(0.6)) return { input: { type: 'contact', phone: rng.pick(PHONE_JUNK) } };
    const hostile = hostileString(rng);
    return { input: { type: 'contact', phone: hostile.text }, category: hostile.category };
  }
  if (roll < 0.94) return { input: { type: 'other' } };
  if (roll < 0.985) return { input: { type: 'back' } };
  return { input: { type: 'cancel' } };
}

/** Runs one input, checks every property, and says how it ended. */
function step(target: string, index: number, before: ScenarioState, prompt: Prompt, input: EngineInput): { outcome: Outcome; result: EngineResult } | null {
  const report = (problem: string) => violations.push({ target, index, input: describeInput(JSON.stringify(input), 120), problem });
  const snapshot = JSON.stringify(before);
  let result: EngineResult;
  try {
    result = advance(helpScenario, before, input, engineContext);
  } catch (error) {
    report(`advance threw: ${(error as Error).message}`);
    return null;
  }
  if (JSON.stringify(before) !== snapshot) report('advance mutated the state it was given');
  if (!['prompt', 'stale', 'completed', 'cancelled', 'declined'].includes(result.kind)) report(`unknown result kind ${(result as { kind: string }).kind}`);

  const answersUnchanged = (after: ScenarioState) => isDeepStrictEqual(after.answers, before.answers);
  if (result.kind === 'stale') {
    if (input.type !== 'choice' || input.seq === before.seq) report('stale for an input that is not an old button');
    if (!isDeepStrictEqual(result.state, before)) report('a stale press changed the state');
    return { outcome: 'stale', result };
  }
  if (input.type === 'choice' && input.seq !== before.seq && result.kind !== 'cancelled')
    report(`a button of prompt ${input.seq} was taken on prompt ${before.seq}`);
  if (result.kind === 'cancelled') {
    const summaryCancel = before.stepId === 'summary';
    if (input.type !== 'cancel' && !summaryCancel) report('cancelled by an input that is not a cancel');
    return { outcome: 'cancelled', result };
  }
  if (result.kind === 'declined') {
    // Only «Нет» on the consent step ends a conversation this way.
    if (stepOf(before.stepId)?.type !== 'consent') report(`declined at ${before.stepId}`);
    return { outcome: 'declined', result };
  }
  if (result.kind === 'completed') {
    if (before.stepId !== 'summary') report(`completed from step ${before.stepId}`);
    checkDraft(target, result.answers);
    return { outcome: 'completed', result };
  }

  const after = result.state;
  if (result.prompt.seq !== after.seq || after.seq !== before.seq + 1) report(`prompt seq ${result.prompt.seq}, state seq ${after.seq} after ${before.seq}`);
  if (result.prompt.stepId !== after.stepId) report('the prompt is not of the current step');
  if (after.stepId !== EDIT_PICK && !stepOf(after.stepId)) report(`moved to unknown step ${after.stepId}`);
  for (const key of Object.keys(after.answers)) if (!stepOf(key) || stepOf(key)!.type === 'summary') report(`answer stored under ${key}`);

  if (result.prompt.error) {
    if (!answersUnchanged(after)) report('a refused answer changed earlier answers');
    if (after.stepId !== before.stepId) report(`a refused answer moved from ${before.stepId} to ${after.stepId}`);
    return { outcome: 'refused', result };
  }
  if (input.type === 'back') {
    if (!answersUnchanged(after)) report('"back" changed the answers');
    return { outcome: 'back', result };
  }
  // Accepted.
  const current = stepOf(before.stepId);
  if (before.stepId === EDIT_PICK) {
    if (!prompt.choices.some((c) => c.value === after.stepId) || !after.returnToSummary) report(`the edit pick went to ${after.stepId}`);
    if (!answersUnchanged(after)) report('picking what to change changed the answers');
  } else if (current?.type === 'summary') {
    if (after.stepId !== EDIT_PICK) report(`the summary moved to ${after.stepId}`);
    if (!answersUnchanged(after)) report('the summary changed the answers');
  } else if (current) {
    const value = after.answers[current.id];
    const broken = ruleBroken(
      current,
      value,
      prompt.choices.map((c) => c.value),
    );
    if (broken) report(`accepted at ${current.id}: ${broken}`);
    if (typeof value === 'string' && current.type === 'text') {
      const found = SUSPICIOUS_LEFT_IN.exec(value)?.[0];
      if (found) suspicious.set(`U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, `${current.id}: ${describeInput(value, 30)}`);
    }
    for (const [key, old] of Object.entries(before.answers)) {
      if (key !== current.id && !isDeepStrictEqual(after.answers[key], old)) report(`answering ${current.id} changed ${key}`);
    }
    if (after.trail.at(-1) !== current.id) report('the accepted step is not on the trail');
  }
  return { outcome: 'accepted', result };
}

function checkDraft(target: string, answers: Answers): void {
  const parsed = requestDraftSchema.safeParse(toHelpRequestDraft(answers));
  drafts.push({ target, ok: parsed.success, issues: parsed.success ? '' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  if (!parsed.success) {
    violations.push({
      target,
      index: -1,
      input: describeInput(JSON.stringify(answers), 200),
      problem: `a completed run is not a valid draft: ${drafts.at(-1)!.issues}`,
    });
  }
}

function fuzzTarget(target: string, stepId: string, viaEdit: boolean, rng: Rng): void {
  const base = reach(stepId, viaEdit);
  const s: TargetStats = {
    target,
    tried: 0,
    byType: { text: 0, choice: 0, contact: 0, other: 0, back: 0, cancel: 0 },
    outcomes: { accepted: 0, refused: 0, stale: 0, back: 0, completed: 0, cancelled: 0, declined: 0 },
    walkMoves: 0,
    walkCompletions: 0,
  };
  // Single inputs on the step itself.
  for (let i = 0; i < RUNS_PER_STEP; i++) {
    const { input, category } = randomInput(rng, base.state, base.prompt);
    s.tried++;
    s.byType[input.type]++;
    const done = step(target, i, base.state, base.prompt, input);
    if (!done) continue;
    s.outcomes[done.outcome]++;
    if (done.outcome === 'accepted' && category) acceptedByCategory.set(category, (acceptedByCategory.get(category) ?? 0) + 1);
  }
  // Walks from the step: hostile and valid inputs mixed, so hostile answers that are accepted reach the end.
  for (let w = 0; w < WALKS_PER_STEP; w++) {
    let at = base;
    for (let m = 0; m < WALK_LENGTH; m++) {
      const valid = rng.bool(0.45);
      const input = valid ? validInput(at.state, at.prompt) : randomInput(rng, at.state, at.prompt).input;
      s.walkMoves++;
      const done = step(`${target} (walk ${w})`, m, at.state, at.prompt, input);
      if (!done || done.result.kind === 'cancelled' || done.result.kind === 'declined') break;
      if (done.result.kind === 'completed') {
        s.walkCompletions++;
        break;
      }
      if (done.result.kind === 'prompt') at = { state: done.result.state, prompt: done.result.prompt };
    }
  }
  stats.push(s);
  const t = s.byType;
  const o = s.outcomes;
  console.log(
    `[fuzz engine] step ${target.padEnd(22)} tried ${s.tried} (text ${t.text}, choice ${t.choice}, contact ${t.contact}, other ${t.other}, back ${t.back}, cancel ${t.cancel}): ` +
      `accepted ${o.accepted}, refused ${o.refused}, stale ${o.stale}, back ${o.back}, completed ${o.completed}, cancelled ${o.cancelled}, declined ${o.declined}; ` +
      `walks ${WALKS_PER_STEP} × ≤${WALK_LENGTH}: ${s.walkMoves} moves, ${s.walkCompletions} completed`,
  );
}

const TARGETS: { target: string; stepId: string; viaEdit: boolean }[] = [
  ...steps.map((s) => ({ target: s.id, stepId: s.id, viaEdit: false })),
  { target: EDIT_PICK, stepId: EDIT_PICK, viaEdit: false },
  ...steps.filter((s) => s.label && s.type !== 'consent').map((s) => ({ target: `${s.id} (from summary)`, stepId: s.id, viaEdit: true })),
];

beforeAll(() => {
  const rng = new Rng(SEED);
  const started = Date.now();
  for (const t of TARGETS) fuzzTarget(t.target, t.stepId, t.viaEdit, rng);
  const total = stats.reduce((n, s) => n + s.tried + s.walkMoves, 0);
  const categories = [...acceptedByCategory].map(([c, n]) => `${c} ${n}`).join(', ');
  console.log(
    `[fuzz engine] seed ${SEED}: ${TARGETS.length} steps, ${total} inputs in ${Date.now() - started} ms; ` +
      `${drafts.length} completed runs (${drafts.filter((d) => d.ok).length} valid drafts); ${violations.length} violations`,
  );
  console.log(`[fuzz engine] hostile texts accepted, by category: ${categories}`);
  console.log(`[fuzz engine] accepted texts keeping characters cleanText lets through: ${[...suspicious.keys()].join(' ') || 'none'}`);
  for (const [char, example] of suspicious) console.log(`[fuzz engine]   ${char} e.g. ${example}`);
  for (const v of violations.slice(0, 20)) console.log(`[fuzz engine] VIOLATION at ${v.target} #${v.index}: ${v.problem}\n    input: ${v.input}`);
});

describe('scenario engine under hostile input', () => {
  it('reaches and fuzzes every step of the real scenario', () => {
    expect(new Set(stats.map((s) => s.target))).toEqual(new Set(TARGETS.map((t) => t.target)));
    for (const s of stats) {
      expect(s.tried, s.target).toBe(RUNS_PER_STEP);
      for (const type of ['text', 'choice', 'contact', 'other', 'back'] as const) expect(s.byType[type], `${s.target}: ${type}`).toBeGreaterThan(0);
      expect(s.outcomes.refused, s.target).toBeGreaterThan(0);
      expect(s.outcomes.stale, s.target).toBeGreaterThan(0);
    }
  });

  it('never throws, never takes an old button, keeps answers on refusal and stores only valid answers', () => {
    expect(violations.filter((v) => v.index >= 0)).toEqual([]);
  });

  it('turns every completed run into a draft the domain schema accepts', () => {
    expect(drafts.length).toBeGreaterThan(100);
    expect(drafts.filter((d) => !d.ok)).toEqual([]);
  });
});
