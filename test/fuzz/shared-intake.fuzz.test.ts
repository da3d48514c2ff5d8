import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCallback } from '../../bots/telegram/callback-data.js';
import { renderPrompt } from '../../bots/telegram/render.js';
import { parsePayload } from '../../bots/vk/payload.js';
import { renderIntakeReply } from '../../bots/vk/render.js';
import { decodePayload, MAX_LIMITS } from '../../bots/max/payload.js';
import { promptMessage } from '../../bots/max/render.js';
import { requestDraftSchema, type HelpRequest, type RequestDraft } from '../../src/domain/request.js';
import { EDIT_PICK, type EngineContext } from '../../src/scenario/engine.js';
import { createIntake, type Intake, type IntakeInput, type IntakeReply, type IntakeSession, type IntakeStep } from '../../src/services/intake.js';
import type { SubmitInput, SubmitOutcome } from '../../src/services/submit-request.js';
import { RecordingLogger } from '../support/fakes.js';
import { answerRuleBroken, describeInput, hostileOf, hostileString, PHONE_JUNK, Rng, type HostileCategory } from '../support/fuzz-inputs.js';
import { catalogs, engineContext, helpScenario } from '../support/scenario-fixtures.js';
import { renderText } from '../../src/scenario/text.js';

/**
 * Fuzz of the shared intake (src/services/intake.ts) and the renderers: every step gets thousands of
 * generated inputs of every kind an adapter can produce; every reply is rendered for Telegram, VK and
 * MAX. Nothing may throw, platform limits hold, what a person typed is shown back exactly (messages
 * are plain text), and every submitted draft passes the domain schema.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_302);
const RUNS_PER_STEP = Number(process.env.FUZZ_RUNS ?? 1200);
const WALKS_PER_STEP = 40;
const WALK_LENGTH = 40;
const catalog = catalogs.ru;
const requester = { platform: 'telegram' as const, userId: '4242', chatId: '4242' };
const MY_REQUESTS = 'Ваши заявки: №1 <b>новая</b> *ждёт*';

const VALID: Record<string, { value: string } | { text: string }> = {
  category: { value: 'pensioner' },
  age: { text: '81' },
  district: { value: 'Ленинский' },
  helpKind: { value: 'medicine' },
  prescription: { value: 'has_prescription' },
  description: { text: 'Купить лекарства по рецепту' },
  name: { text: 'Зинаида Петровна' },
  address: { text: 'ул. Садовая, д. 7, кв. 12' },
  phone: { text: '8 495 123-45-67' },
  // Filed for someone else, the branch that asks every step.
  forWhom: { value: 'other' },
  relation: { value: 'child' },
  applicantName: { text: 'Ольга' },
  applicantPhone: { text: '+7 913 765 43 21' },
  callFirst: { value: 'applicant' },
  consent: { value: 'yes' },
  summary: { value: 'submit' },
};

interface Violation {
  where: string;
  input: string;
  problem: string;
}
const violations: Violation[] = [];
const submitted: RequestDraft[] = [];
const invalidDrafts: string[] = [];
const counts = { rendered: 0, telegramButtons: 0, vkButtons: 0, maxButtons: 0, shownBack: 0, vkLabelsOver40Utf16: 0 };
const logger = new RecordingLogger();

function makeIntake(engine: EngineContext): Intake {
  let number = 0;
  return createIntake({
    scenario: helpScenario,
    engine,
    // The real submit parses the draft with this schema first; a draft it refuses would be lost.
    submitRequest: async (input: SubmitInput): Promise<SubmitOutcome> => {
      const parsed = requestDraftSchema.safeParse(input.draft);
      if (!parsed.success) {
        invalidDrafts.push(
          `${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} in ${describeInput(JSON.stringify(input.draft), 200)}`,
        );
        throw parsed.error;
      }
      submitted.push(parsed.data);
      return { kind: 'created', request: { number: ++number, district: parsed.data.district } as HelpRequest };
    },
    myRequestsText: async () => MY_REQUESTS,
    logger,
  });
}

const intake = makeIntake(engineContext);
const stepOf = (id: string) => helpScenario.steps.find((s) => s.id === id);

function validInput(session: IntakeSession): IntakeInput {
  const { state, prompt } = session;
  if (state.stepId === EDIT_PICK) return { type: 'pick', seq: state.seq, index: 0 };
  const valid = VALID[state.stepId]!;
  if ('text' in valid) return { type: 'text', text: valid.text };
  return { type: 'pick', seq: state.seq, index: prompt.choices.findIndex((c) => c.value === valid.value) };
}

async function handleValid(session: IntakeSession, input: IntakeInput): Promise<IntakeSession> {
  const step = await intake.handle(session, input, requester);
  if (!step.session || step.stale || step.session.prompt.error) throw new Error(`valid input refused at ${session.state.stepId}: ${JSON.stringify(input)}`);
  return step.session;
}

async function reach(stepId: string): Promise<IntakeSession> {
  let session = intake.start().session!;
  const goal = stepId === EDIT_PICK ? 'summary' : stepId;
  for (let guard = 0; session.state.stepId !== goal; guard++) {
    if (guard > 50) throw new Error(`cannot reach ${goal}`);
    session = await handleValid(session, validInput(session));
  }
  if (stepId === EDIT_PICK) session = await handleValid(session, { type: 'pick', seq: session.state.seq, index: 1 });
  return session;
}

function randomInput(rng: Rng, session: IntakeSession): { input: IntakeInput; category?: HostileCategory } {
  const { seq } = session.state;
  const step = stepOf(session.state.stepId);
  const roll = rng.float();
  if (roll < 0.5) {
    const category = rng.pick<HostileCategory>([
      'long',
      'boundary-length',
      'decorated-valid',
      'html',
      'markdown',
      'emoji',
      'bidi',
      'zero-width',
      'control',
      'mixed',
      'number-junk',
      'phone-junk',
      'injection',
      'json',
      'combining',
      'whitespace',
      'other-scripts',
    ]);
    const labels = session.prompt.choices.map((c) => renderText(catalog, c.label));
    const text = hostileOf(rng, category, {
      ...(step?.type === 'text' ? { lengths: { min: step.minLength, max: step.maxLength } } : {}),
      valid: [...labels, ...labels.map((_, i) => String(i + 1)), '81', '8 913 765-43-21'],
    });
    return { input: { type: 'text', text }, category };
  }
  if (roll < 0.75) {
    const pickSeq = rng.pick([seq, seq, seq, seq - 1, seq + 1, 0, -1, rng.int(0, 1e9)]);
    const index = rng.pick([0, 1, 2, session.prompt.choices.length - 1, session.prompt.choices.length, -1, rng.int(0, 30), 1e9, 0.5]);
    return { input: { type: 'pick', seq: pickSeq, index } };
  }
  if (roll < 0.85) return { input: { type: 'contact', phone: rng.bool(0.6) ? rng.pick(PHONE_JUNK) : hostileString(rng).text } };
  if (roll < 0.9) return { input: { type: 'other' } };
  if (roll < 0.95) return { input: rng.bool(0.5) ? { type: 'back' } : { type: 'back', seq: rng.pick([seq, seq - 1, seq + 1]) } };
  if (roll < 0.975) return { input: rng.pick<IntakeInput>([{ type: 'resume' }, { type: 'mine' }]) };
  return { input: { type: 'cancel' } };
}

/** Renders every reply both ways and checks the platforms' limits; returns the rendered texts. */
function renderAll(where: string, input: string, replies: IntakeReply[]): string[] {
  const report = (problem: string) => violations.push({ where, input, problem });
  const texts: string[] = [];
  for (const reply of replies) {
    counts.rendered++;
    // Telegram.
    try {
      const text =
        reply.kind === 'prompt'
          ? renderPrompt(reply.prompt, catalog, { withHint: reply.withHint })
          : { text: renderText(catalog, reply.text), replyMarkup: undefined };
      if (text.text.trim() === '') report('Telegram: empty message');
      if (text.text.length > 4096) report(`Telegram: message of ${text.text.length} UTF-16 units`);
      texts.push(text.text);
      const markup = JSON.parse(JSON.stringify(text.replyMarkup ?? {})) as { inline_keyboard?: { text: string; callback_data?: string }[][] };
      for (const button of markup.inline_keyboard?.flat() ?? []) {
        counts.telegramButtons++;
        if (!button.text) report('Telegram: a button without a label');
        const data = button.callback_data ?? '';
        if (Buffer.byteLength(data, 'utf8') > 64) report(`Telegram: callback_data of ${Buffer.byteLength(data)} bytes`);
        if (!decodeCallback(data)) report(`Telegram: our own callback_data ${JSON.stringify(data)} does not decode`);
      }
    } catch (error) {
      report(`Telegram render threw: ${(error as Error).message}`);
    }
    // VK.
    try {
      const rendered = renderIntakeReply(reply, catalog);
      if (rendered.message.trim() === '') report('VK: empty message');
      if (rendered.message.length > 4096) report(`VK: message of ${rendered.message.length} UTF-16 units`);
      if (reply.kind === 'prompt' && !rendered.message.includes(renderText(catalog, reply.prompt.question))) report('VK: the question is missing');
      texts.push(rendered.message);
      const keyboard = JSON.parse(String(rendered.keyboard)) as { buttons: { action: { label?: string; payload?: string } }[][] };
      for (const button of keyboard.buttons.flat()) {
        counts.vkButtons++;
        const label = button.action.label ?? '';
        if (label.length === 0 || [...label].length > 40) report(`VK: label of ${[...label].length} characters: ${describeInput(label)}`);
        if (label.length > 40) counts.vkLabelsOver40Utf16++;
        const payload = button.action.payload ?? '';
        if (payload.length > 255) report(`VK: payload of ${payload.length} characters`);
        if (payload && !parsePayload(payload)) report(`VK: our own payload ${payload} does not parse`);
      }
    } catch (error) {
      report(`VK render threw: ${(error as Error).message}`);
    }
    // MAX.
    try {
      const rendered =
        reply.kind === 'prompt' ? promptMessage(reply.prompt, catalog, reply.withHint) : { text: renderText(catalog, reply.text), attachments: [] };
      if (rendered.text.trim() === '') report('MAX: empty message');
      if ([...rendered.text].length > MAX_LIMITS.text) report(`MAX: message of ${[...rendered.text].length} characters`);
      texts.push(rendered.text);
      const rows = rendered.attachments.flatMap((a) => (a.type === 'inline_keyboard' ? a.payload.buttons : []));
      if (rows.length > MAX_LIMITS.rows) report(`MAX: ${rows.length} rows of buttons`);
      for (const row of rows) {
        const perRow = row.some((b) => b.type !== 'callback') ? MAX_LIMITS.perRowWithRequest : MAX_LIMITS.perRow;
        if (row.length > perRow) report(`MAX: ${row.length} buttons in a row`);
        for (const button of row) {
          counts.maxButtons++;
          if (button.text.length === 0 || [...button.text].length > MAX_LIMITS.label) report(`MAX: label of ${[...button.text].length} characters`);
          if (button.type === 'callback' && !decodePayload(button.payload)) report(`MAX: our own payload ${button.payload} does not decode`);
        }
      }
    } catch (error) {
      report(`MAX render threw: ${(error as Error).message}`);
    }
  }
  return texts;
}

/** What a person typed comes back exactly (no &lt; or \* escapes) wherever the bot shows it. */
function checkShownBack(where: string, input: string, step: IntakeStep, texts: string[]): void {
  for (const reply of step.replies) {
    if (reply.kind !== 'prompt') continue;
    const shown = [reply.prompt.current, ...(reply.prompt.summary ?? []).map((l) => l.value)].filter((t) => t && 'literal' in t);
    for (const text of shown) {
      const literal = (text as { literal: string }).literal;
      counts.shownBack++;
      // Each reply renders to three texts (Telegram, VK, MAX); each must carry the literal as is.
      if (texts.filter((t) => t.includes(literal)).length < 3)
        violations.push({ where, input, problem: `answer not shown verbatim: ${describeInput(literal)}` });
    }
  }
}

function checkSession(where: string, input: string, before: IntakeSession, step: IntakeStep): void {
  const report = (problem: string) => violations.push({ where, input, problem });
  if (step.stale) {
    if (step.replies.length > 0) report('a stale press got replies');
    if (!isDeepStrictEqual(step.session, before)) report('a stale press changed the session');
    return;
  }
  if (step.replies.length === 0) report('no reply');
  const session = step.session;
  if (!session) return;
  if (session.prompt.seq !== session.state.seq || session.prompt.stepId !== session.state.stepId) report('the prompt does not belong to the state');
  const last = step.replies.at(-1);
  if (last?.kind !== 'prompt' || !isDeepStrictEqual(last.prompt, session.prompt)) report('the last reply is not the question on screen');
  for (const [id, value] of Object.entries(session.state.answers)) {
    const s = stepOf(id);
    if (!s || s.type === 'summary') {
      report(`answer stored under ${id}`);
      continue;
    }
    const choices = s.type === 'choice' ? (s.choicesFrom ? [...engineContext.lists.districts] : (s.choices ?? []).map((c) => c.value)) : ['yes'];
    const broken = answerRuleBroken(s, value, choices);
    if (broken) report(`stored answer ${id}: ${broken}`);
  }
  if (session.prompt.error && !isDeepStrictEqual(session.state.answers, before.state.answers)) report('a refused answer changed the answers');
}

async function run(where: string, session: IntakeSession, input: IntakeInput): Promise<IntakeStep | null> {
  const shown = describeInput(JSON.stringify(input), 120);
  let step: IntakeStep;
  try {
    step = await intake.handle(session, input, requester);
  } catch (error) {
    violations.push({ where, input: shown, problem: `handle threw: ${(error as Error).message}` });
    return null;
  }
  checkSession(where, shown, session, step);
  const texts = renderAll(where, shown, step.replies);
  checkShownBack(where, shown, step, texts);
  return step;
}

const targets = [...helpScenario.steps.map((s) => s.id), EDIT_PICK];

beforeAll(async () => {
  const rng = new Rng(SEED);
  const started = Date.now();
  let total = 0;
  for (const target of targets) {
    const base = await reach(target);
    const c = { tried: 0, stale: 0, refused: 0, moved: 0, ended: 0, submitted: 0, walkMoves: 0 };
    const before = submitted.length;
    for (let i = 0; i < RUNS_PER_STEP; i++) {
      const { input } = randomInput(rng, base);
      c.tried++;
      const step = await run(`${target} #${i}`, base, input);
      if (!step) continue;
      if (step.stale) c.stale++;
      else if (!step.session) c.ended++;
      else if (step.session.prompt.error) c.refused++;
      else c.moved++;
    }
    for (let w = 0; w < WALKS_PER_STEP; w++) {
      let session: IntakeSession | null = base;
      for (let m = 0; m < WALK_LENGTH && session; m++) {
        const input = rng.bool(0.45) ? validInput(session) : randomInput(rng, session).input;
        c.walkMoves++;
        const step: IntakeStep | null = await run(`${target} walk ${w}.${m}`, session, input);
        if (!step) break;
        session = step.stale ? session : step.session;
      }
    }
    c.submitted = submitted.length - before;
    total += c.tried + c.walkMoves;
    console.log(
      `[fuzz intake] step ${target.padEnd(13)} tried ${c.tried}: moved on ${c.moved}, refused ${c.refused}, stale ${c.stale}, ended ${c.ended}; ` +
        `walks ${WALKS_PER_STEP} × ≤${WALK_LENGTH}: ${c.walkMoves} moves; requests submitted ${c.submitted}`,
    );
  }
  console.log(
    `[fuzz intake] seed ${SEED}: ${total} inputs in ${Date.now() - started} ms; ${counts.rendered} replies rendered for Telegram, VK and MAX ` +
      `(${counts.telegramButtons} Telegram buttons, ${counts.vkButtons} VK buttons, ${counts.maxButtons} MAX buttons), ${counts.shownBack} answers shown back; ` +
      `${submitted.length} drafts submitted, ${invalidDrafts.length} refused by the schema; ${violations.length} violations`,
  );
  for (const v of violations.slice(0, 20)) console.log(`[fuzz intake] VIOLATION at ${v.where}: ${v.problem}\n    input: ${v.input}`);
});

describe('shared intake and renderers under hostile input', () => {
  it('never throws, keeps the session valid, renders within Telegram, VK and MAX limits and shows answers verbatim', () => {
    expect(violations).toEqual([]);
    expect(counts.shownBack).toBeGreaterThan(1000);
  });

  it('submits only drafts the domain schema accepts, and logs no failure', () => {
    expect(submitted.length).toBeGreaterThan(100);
    expect(invalidDrafts).toEqual([]);
    expect(logger.at('error')).toEqual([]);
  });

  it('renders choices of odd district names (configuration, not people) within VK and Telegram limits', async () => {
    // District names come from DISTRICTS (≤ 60 characters each, any number of them), not from
    // people; still, a long or odd list must not make a renderer throw or VK refuse the keyboard.
    const rng = new Rng(SEED + 1);
    const problems = new Map<string, string>();
    const note = (kind: string, example: string[]) => {
      if (!problems.has(kind)) problems.set(kind, `${example.length} districts: DISTRICTS=${JSON.stringify(example.join(','))}`);
    };
    const lists: string[][] = [
      // Deterministic edge cases first: 19 and 20 plain names, a name of 40 emoji-free letters, one with an emoji.
      Array.from({ length: 19 }, (_, k) => `Район ${k + 1}`),
      Array.from({ length: 20 }, (_, k) => `Район ${k + 1}`),
      ['Ленинский', 'Я'.repeat(60)],
      ['Ленинский', `🌲 ${'Лесной '.repeat(6)}`.trim()],
    ];
    for (let i = 0; i < 200; i++) {
      lists.push(
        Array.from({ length: rng.int(1, 25) }, (_, k) => {
          const name = hostileOf(rng, rng.pick<HostileCategory>(['emoji', 'html', 'markdown', 'other-scripts', 'boundary-length', 'combining']), {
            lengths: { min: 30, max: 60 },
          });
          const trimmed = [...name.trim()].slice(0, 57).join('');
          return trimmed === '' ? `Район ${k}` : `${trimmed} ${k}`;
        }),
      );
    }
    let rendered = 0;
    let overUtf16 = 0;
    for (const districts of lists) {
      const custom = makeIntake({ ...engineContext, lists: { districts } });
      let session = custom.start().session!;
      // Consent, for oneself, the category, the age: then the district list.
      session = (await custom.handle(session, { type: 'pick', seq: session.state.seq, index: 0 }, requester)).session!;
      session = (await custom.handle(session, { type: 'pick', seq: session.state.seq, index: 0 }, requester)).session!;
      session = (await custom.handle(session, { type: 'pick', seq: session.state.seq, index: 0 }, requester)).session!;
      session = (await custom.handle(session, { type: 'text', text: '80' }, requester)).session!;
      expect(session.state.stepId).toBe('district');
      try {
        const message = renderIntakeReply({ kind: 'prompt', prompt: session.prompt, withHint: false }, catalog);
        rendered++;
        const keyboard = JSON.parse(String(message.keyboard)) as { buttons: { action: { label: string; payload: string } }[][] };
        if (keyboard.buttons.length > 10) note('VK keyboard of more than 10 rows (VK allows 10)', districts);
        if (keyboard.buttons.flat().length > 40) note('VK keyboard of more than 40 buttons', districts);
        for (const button of keyboard.buttons.flat()) {
          if ([...button.action.label].length > 40) note('VK label over 40 characters', districts);
          if (button.action.label.length > 40) overUtf16++;
          if (button.action.payload.length > 255) note('VK payload over 255 characters', districts);
        }
        for (const name of districts) if ([...name].length > 40 && !message.message.includes(name)) note('a cut district is not listed in full', districts);
      } catch (error) {
        note(`VK renderIntakeReply threw ${(error as Error).name}: ${(error as Error).message}`, districts);
      }
      try {
        const telegram = renderPrompt(session.prompt, catalog, { withHint: false });
        for (const button of (telegram.replyMarkup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat()) {
          if (Buffer.byteLength(button.callback_data) > 64) note('Telegram callback_data over 64 bytes', districts);
        }
      } catch (error) {
        note(`Telegram renderPrompt threw: ${(error as Error).message}`, districts);
      }
    }
    console.log(
      `[fuzz intake] district lists: ${lists.length} tried, ${rendered} rendered for VK; labels over 40 UTF-16 units: ${overUtf16}; problems: ${problems.size}`,
    );
    for (const [kind, example] of problems) console.log(`[fuzz intake] PROBLEM ${kind}\n    e.g. ${describeInput(example, 300)}`);
    expect([...problems.keys()]).toEqual([]);
  });
});
