import type { Answer, Answers, Condition, MultichoiceStep, Scenario, Step } from './schema.js';
import { foldForMatching, parseFreeText, parsePhone, parseWholeNumber, type Parsed } from './parse-answer.js';
import { keyText, listText, literalText, type Text } from './text.js';

/**
 * The scenario engine: a pure function from (scenario, state, input) to the next state and what to
 * show. It knows no platform; adapters turn updates into EngineInput and render Prompt.
 */

/** Where a conversation stands; plain JSON so it can be stored and replayed. */
export interface ScenarioState {
  scenarioId: string;
  /** The step being asked, or EDIT_PICK while the person chooses what to change. */
  stepId: string;
  answers: Answers;
  /** Steps shown before the current one, newest last, for "back". */
  trail: string[];
  /** Set while changing one answer from the summary: the next stop is the summary again. */
  returnToSummary: boolean;
  /** Numbers each prompt, so a button of an older message can be told apart. */
  seq: number;
  /** The choices marked so far on the multichoice step being asked, before «Готово». */
  picking?: string[];
}

/** The pseudo-step where the person picks which answer to change. */
export const EDIT_PICK = '@edit';

export type EngineInput =
  | { type: 'text'; text: string }
  | { type: 'choice'; seq: number; value: string }
  | { type: 'contact'; phone: string }
  | { type: 'back' }
  | { type: 'cancel' }
  /** A photo, a sticker, a voice message: anything that is not text. */
  | { type: 'other' };

export interface Choice {
  value: string;
  label: Text;
  /** Marked on a multichoice step (the adapter shows a tick). */
  picked?: boolean;
}

/** What the adapter shows: a question, perhaps why the last answer was refused, and the choices. */
export interface Prompt {
  seq: number;
  stepId: string;
  /** How the answer is expected: a button, free text, or a phone (where a "share contact" button fits). */
  expects: 'choice' | 'text' | 'phone';
  question: Text;
  error?: Text;
  /** The answer given earlier, shown when the person comes back to a step. */
  current?: Text;
  choices: Choice[];
  canGoBack: boolean;
  /** The answers so far, on the summary step. */
  summary?: { label: Text; value: Text }[];
  /** Several choices may be marked, then «Готово» (MULTI_DONE) pressed. */
  multiple?: boolean;
  /** The question right after a phone was given: a platform that put a keyboard under the input field for it takes it away. */
  afterPhone?: boolean;
}

export type EngineResult =
  | { kind: 'prompt'; state: ScenarioState; prompt: Prompt }
  /** A button from an older message: nothing changed, the adapter only says so. */
  | { kind: 'stale'; state: ScenarioState }
  | { kind: 'completed'; state: ScenarioState; answers: Answers }
  | { kind: 'cancelled' }
  /** Consent was declined: the conversation ends and its answers are dropped; `text` says so. */
  | { kind: 'declined'; text: Text };

/** Values the engine needs at run time that the file does not hold. */
export interface EngineContext {
  lists: { districts: readonly string[] };
  /** Renders a Text in the person's language, to match a typed answer against button labels. */
  render: (text: Text) => string;
  /**
   * Values the questions' texts may quote, filled in from the configuration: the consent text says
   * how long data is kept ({closedDays}, …) from the periods actually configured.
   */
  params?: Record<string, string | number>;
}

export const SUMMARY_SUBMIT = 'submit';
export const SUMMARY_EDIT = 'edit';
export const SUMMARY_CANCEL = 'cancel';
/**
 * The choice offered under a typed-answer question the person came back to: the answer shown as
 * «Сейчас указано: …» stays as it is, without typing it again.
 */
export const KEEP_CURRENT = '@keep';
/** «Готово» under a multichoice step: the marked choices are the answer. */
export const MULTI_DONE = '@done';
const CONSENT_YES = 'yes';
const CONSENT_NO = 'no';

/** Begins a scenario at its first step. */
export function startScenario(scenario: Scenario, ctx: EngineContext): { state: ScenarioState; prompt: Prompt } {
  const first = firstVisibleFrom(scenario, 0, {});
  const state: ScenarioState = {
    scenarioId: scenario.id,
    stepId: first.id,
    answers: {},
    trail: [],
    returnToSummary: false,
    seq: 1,
  };
  return { state, prompt: buildPrompt(scenario, state, ctx) };
}

/** The prompt for the current state, to show it again (on resume, or after /start mid-way). */
export function repeatPrompt(scenario: Scenario, state: ScenarioState, ctx: EngineContext): { state: ScenarioState; prompt: Prompt } {
  const next = { ...state, seq: state.seq + 1 };
  return { state: next, prompt: buildPrompt(scenario, next, ctx) };
}

/** Takes one input and moves the conversation on. */
export function advance(scenario: Scenario, state: ScenarioState, input: EngineInput, ctx: EngineContext): EngineResult {
  if (input.type === 'cancel') return { kind: 'cancelled' };
  if (input.type === 'choice' && input.seq !== state.seq) return { kind: 'stale', state };
  if (input.type === 'back') return goBack(scenario, state, ctx);
  if (state.stepId === EDIT_PICK) return pickStepToEdit(scenario, state, input, ctx);

  const step = stepById(scenario, state.stepId);
  if (step.type === 'summary') return onSummary(scenario, state, input, ctx);
  if (step.type === 'multichoice' && isMark(step, input, ctx)) return mark(scenario, state, step, input, ctx);

  const parsed = keepsCurrentAnswer(step, state, input, ctx) ? { ok: true as const, value: state.answers[step.id]! } : readAnswer(step, input, ctx, state);
  if (!parsed.ok) return reprompt(scenario, state, ctx, keyText(parsed.reason, parsed.params));
  if (step.type === 'consent' && parsed.value === CONSENT_NO) return { kind: 'declined', text: keyText(step.declined, ctx.params) };

  const answers = { ...state.answers, [step.id]: parsed.value };
  const next = nextStepAfter(scenario, step, answers, state.returnToSummary);
  const moved = moveTo(scenario, { ...state, answers, trail: [...state.trail, step.id] }, next.id, ctx, {
    returnToSummary: state.returnToSummary && next.type !== 'summary',
  });
  // Only a question that offered the share button put a keyboard up to take away.
  const keyboardShown = step.type === 'phone' && offersOwnNumber(step, state.answers);
  return keyboardShown && moved.kind === 'prompt' ? { ...moved, prompt: { ...moved.prompt, afterPhone: true } } : moved;
}

/** The answers of the steps that apply (a branch left behind by a changed answer is dropped). */
export function applicableAnswers(scenario: Scenario, answers: Answers): Answers {
  const out: Answers = {};
  for (const step of scenario.steps) {
    if (step.type === 'summary' || !isVisible(step, answers)) continue;
    const value = answers[step.id];
    if (value !== undefined) out[step.id] = value;
  }
  return out;
}

/**
 * Reads one answer to one step exactly as the conversation would (same parsing, same refusals, a
 * declined consent refused with the step's own text), for a channel that asks every question at
 * once: the web console's form.
 */
export function answerStep(step: Exclude<Step, { type: 'summary' }>, input: EngineInput, ctx: EngineContext): Parsed<Answer> {
  const parsed = readAnswer(step, input, ctx);
  if (parsed.ok && step.type === 'consent' && parsed.value === CONSENT_NO)
    return { ok: false, reason: step.declined, ...(ctx.params ? { params: ctx.params } : {}) };
  return parsed;
}

/** Whether a step is asked, given the answers so far (its `when` condition). */
export function isStepAsked(step: Step, answers: Answers): boolean {
  return isVisible(step, answers);
}

/** The choices a step offers (buttons of a choice or consent step; none for the others). */
export function stepChoices(step: Step, ctx: EngineContext): Choice[] {
  return choicesOf(step, ctx);
}

/** The summary of a finished questionnaire: each answered step's label and the answer as shown. */
export function summarize(scenario: Scenario, answers: Answers, ctx: EngineContext): { label: Text; value: Text }[] {
  return summaryLines(scenario, answers, ctx);
}

function readAnswer(step: Exclude<Step, { type: 'summary' }>, input: EngineInput, ctx: EngineContext, state?: ScenarioState): Parsed<Answer> {
  if (input.type === 'other') {
    return { ok: false, reason: expectsButtons(step) ? 'engine.errors.pressButton' : 'engine.errors.textOnly' };
  }
  if (input.type === 'contact') {
    return step.type === 'phone' ? parsePhone(input.phone) : { ok: false, reason: 'engine.errors.notNow' };
  }
  const typed = input.type === 'text' ? input.text : undefined;
  switch (step.type) {
    case 'choice':
    case 'consent':
      return matchChoice(choicesOf(step, ctx), input, ctx);
    case 'multichoice':
      return readPicks(step, input, ctx, state);
    case 'number':
      return typed === undefined ? { ok: false, reason: 'engine.errors.typeAnswer' } : parseWholeNumber(typed, step.min, step.max);
    case 'text':
      return typed === undefined ? { ok: false, reason: 'engine.errors.typeAnswer' } : parseFreeText(typed, step.minLength, step.maxLength);
    case 'phone':
      return typed === undefined ? { ok: false, reason: 'engine.errors.typeAnswer' } : parsePhone(typed);
  }
}

/** «Оставить как есть» pressed or typed under a typed-answer question that already has an answer. */
function keepsCurrentAnswer(step: Step, state: ScenarioState, input: EngineInput, ctx: EngineContext): boolean {
  if (expectsButtons(step) || state.answers[step.id] === undefined) return false;
  if (input.type === 'choice') return input.value === KEEP_CURRENT;
  // Only the label itself: a number typed here is an answer (an age), not the button's position.
  return input.type === 'text' && foldForMatching(input.text) === foldForMatching(ctx.render(keepChoice().label));
}

function expectsButtons(step: Step): boolean {
  return step.type === 'choice' || step.type === 'consent' || step.type === 'multichoice';
}

/** A press of one of a multichoice step's own choices marks or unmarks it; «Готово» and typed lists answer. */
function isMark(step: MultichoiceStep, input: EngineInput, ctx: EngineContext): boolean {
  return input.type === 'choice' && input.value !== MULTI_DONE && choicesOf(step, ctx).some((c) => c.value === input.value);
}

function picksOf(state: ScenarioState, step: Step): string[] {
  const answered = state.answers[step.id];
  return state.picking ?? (Array.isArray(answered) ? answered : []);
}

function mark(scenario: Scenario, state: ScenarioState, step: MultichoiceStep, input: EngineInput, ctx: EngineContext): EngineResult {
  const value = (input as { value: string }).value;
  const picks = picksOf(state, step);
  if (picks.includes(value)) return moveTo(scenario, { ...state, picking: picks.filter((p) => p !== value) }, step.id, ctx, state);
  if (step.maxPicks !== undefined && picks.length >= step.maxPicks) {
    return reprompt(scenario, state, ctx, keyText('engine.errors.tooManyPicks', { max: step.maxPicks }));
  }
  // Kept in the order of the list, whatever order they were pressed in.
  const order = choicesOf(step, ctx).map((c) => c.value);
  const picking = [...picks, value].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return moveTo(scenario, { ...state, picking }, step.id, ctx, state);
}

/** «Готово» with what is marked, or a typed list of labels or numbers ("1, 3", "Ленинский и Центральный"). */
function readPicks(step: MultichoiceStep, input: EngineInput, ctx: EngineContext, state: ScenarioState | undefined): Parsed<string[]> {
  const choices = choicesOf(step, ctx);
  let picks: string[];
  const typedDone = input.type === 'text' && foldForMatching(input.text) === foldForMatching(ctx.render(doneChoice().label));
  if ((input.type === 'choice' && input.value === MULTI_DONE) || typedDone) {
    picks = state ? picksOf(state, step) : [];
  } else if (input.type === 'text') {
    const parts = input.text.split(/\s*[,;\n]\s*|\s+(?:и|and)\s+/i).filter((p) => p.trim());
    // "1 3 4": numbers may be separated by spaces alone.
    const tokens = parts.flatMap((p) => (/^\d{1,2}(\s+\d{1,2})+$/.test(p.trim()) ? p.trim().split(/\s+/) : [p]));
    // A choice's own value is taken too: the partner API and the form send values, not labels.
    const byValue = (token: string) => choices.find((c) => c.value === token.trim());
    const found = tokens.map((token) =>
      byValue(token) ? { ok: true as const, value: byValue(token)!.value } : matchChoice(choices, { type: 'text', text: token }, ctx),
    );
    if (found.length === 0 || found.some((f) => !f.ok)) return { ok: false, reason: 'engine.errors.pickFromList' };
    const values = new Set(found.map((f) => (f as { value: string }).value));
    picks = choices.map((c) => c.value).filter((v) => values.has(v));
  } else {
    return { ok: false, reason: 'engine.errors.pressButton' };
  }
  if (picks.length < step.minPicks) return { ok: false, reason: 'engine.errors.pickAtLeast', params: { min: step.minPicks } };
  if (step.maxPicks !== undefined && picks.length > step.maxPicks) return { ok: false, reason: 'engine.errors.tooManyPicks', params: { max: step.maxPicks } };
  return { ok: true, value: picks };
}

function doneChoice(): Choice {
  return { value: MULTI_DONE, label: keyText('engine.multi.done') };
}

function keepChoice(): Choice {
  return { value: KEEP_CURRENT, label: keyText('engine.keep') };
}

/** A pressed button, or a typed label ("Ленинский") or its number in the list ("2"). */
function matchChoice(choices: Choice[], input: EngineInput, ctx: EngineContext): Parsed<string> {
  if (input.type === 'choice') {
    return choices.some((c) => c.value === input.value) ? { ok: true, value: input.value } : { ok: false, reason: 'engine.errors.pressButton' };
  }
  if (input.type !== 'text') return { ok: false, reason: 'engine.errors.pressButton' };
  const typed = foldForMatching(input.text);
  const byNumber = /^\d{1,2}$/.test(typed) ? choices[Number(typed) - 1] : undefined;
  const found = byNumber ?? choices.find((c) => foldForMatching(ctx.render(c.label)) === typed);
  return found ? { ok: true, value: found.value } : { ok: false, reason: 'engine.errors.pressButton' };
}

function onSummary(scenario: Scenario, state: ScenarioState, input: EngineInput, ctx: EngineContext): EngineResult {
  const picked = matchChoice(summaryChoices(), input, ctx);
  if (!picked.ok) return reprompt(scenario, state, ctx, keyText(picked.reason));
  if (picked.value === SUMMARY_CANCEL) return { kind: 'cancelled' };
  if (picked.value === SUMMARY_SUBMIT) {
    return { kind: 'completed', state, answers: applicableAnswers(scenario, state.answers) };
  }
  return moveTo(scenario, { ...state, trail: [...state.trail, state.stepId] }, EDIT_PICK, ctx, { returnToSummary: false });
}

function pickStepToEdit(scenario: Scenario, state: ScenarioState, input: EngineInput, ctx: EngineContext): EngineResult {
  const picked = matchChoice(editChoices(scenario, state.answers), input, ctx);
  if (!picked.ok) return reprompt(scenario, state, ctx, keyText(picked.reason));
  return moveTo(scenario, { ...state, trail: [...state.trail, EDIT_PICK] }, picked.value, ctx, { returnToSummary: true });
}

function goBack(scenario: Scenario, state: ScenarioState, ctx: EngineContext): EngineResult {
  // Steps hidden by a changed answer are skipped on the way back, as they were on the way forward.
  const trail = [...state.trail];
  let previous = trail.pop();
  while (previous && previous !== EDIT_PICK && !isVisible(stepById(scenario, previous), state.answers)) previous = trail.pop();
  if (!previous) return reprompt(scenario, state, ctx, keyText('engine.errors.noStepBack'));
  const leavingEdit = previous === EDIT_PICK || stepById(scenario, previous).type === 'summary';
  return moveTo(scenario, { ...state, trail }, previous, ctx, { returnToSummary: state.returnToSummary && !leavingEdit });
}

function moveTo(scenario: Scenario, state: ScenarioState, stepId: string, ctx: EngineContext, flags: { returnToSummary: boolean }): EngineResult {
  // Marks in progress belong to the step they were made on: kept while it is asked again, dropped on leaving it.
  const { picking, ...rest } = state;
  const staying = stepId === state.stepId && picking !== undefined;
  const next: ScenarioState = { ...rest, ...(staying ? { picking } : {}), stepId, returnToSummary: flags.returnToSummary, seq: state.seq + 1 };
  return { kind: 'prompt', state: next, prompt: buildPrompt(scenario, next, ctx) };
}

function reprompt(scenario: Scenario, state: ScenarioState, ctx: EngineContext, error: Text): EngineResult {
  const next = { ...state, seq: state.seq + 1 };
  return { kind: 'prompt', state: next, prompt: { ...buildPrompt(scenario, next, ctx), error } };
}

function buildPrompt(scenario: Scenario, state: ScenarioState, ctx: EngineContext): Prompt {
  const canGoBack = state.trail.length > 0;
  if (state.stepId === EDIT_PICK) {
    return {
      seq: state.seq,
      stepId: EDIT_PICK,
      expects: 'choice',
      question: keyText('engine.edit.question'),
      choices: editChoices(scenario, state.answers),
      canGoBack,
    };
  }
  const step = stepById(scenario, state.stepId);
  const base = { seq: state.seq, stepId: step.id, question: keyText(step.question, ctx.params), canGoBack };
  if (step.type === 'summary') {
    return { ...base, expects: 'choice', choices: summaryChoices(), summary: summaryLines(scenario, state.answers, ctx) };
  }
  if (step.type === 'multichoice') {
    const picks = picksOf(state, step);
    const choices = choicesOf(step, ctx).map((c) => (picks.includes(c.value) ? { ...c, picked: true } : c));
    return { ...base, expects: 'choice', multiple: true, choices: [...choices, doneChoice()] };
  }
  const answered = state.answers[step.id];
  // Shown as «Сейчас указано: …» under the question, in the same one message as the summary's answers.
  const current = answered === undefined || step.type === 'consent' ? undefined : shortened(displayAnswer(step, answered, ctx));
  const expects =
    step.type === 'choice' || step.type === 'consent' ? 'choice' : step.type === 'phone' && offersOwnNumber(step, state.answers) ? 'phone' : 'text';
  // A typed answer given earlier can be kept with one press; a choice is kept by pressing it again.
  const choices = step.type === 'choice' || step.type === 'consent' ? choicesOf(step, ctx) : current ? [keepChoice()] : [];
  return { ...base, expects, choices, ...(current ? { current } : {}) };
}

/**
 * How much of one typed answer the summary (and a question asked again) shows. The summary is one message (Telegram and VK take
 * 4096 UTF-16 units, MAX 4000 characters): a long list in full beside the other answers, and both
 * contacts of a request filed for someone else, could pass that once emoji take two units each.
 */
export const SUMMARY_VALUE_MAX = 800;

function summaryLines(scenario: Scenario, answers: Answers, ctx: EngineContext) {
  return scenario.steps
    .filter((s) => s.label && isVisible(s, answers) && answers[s.id] !== undefined)
    .map((s) => ({ label: keyText(s.label!), value: shortened(displayAnswer(s, answers[s.id]!, ctx)) }));
}

/** A typed answer cut to its first SUMMARY_VALUE_MAX characters and «…»; it is stored whole. */
function shortened(value: Text): Text {
  if (!('literal' in value)) return value;
  const characters = [...value.literal];
  return characters.length <= SUMMARY_VALUE_MAX ? value : literalText(`${characters.slice(0, SUMMARY_VALUE_MAX).join('')}…`);
}

function displayAnswer(step: Step, value: Answer, ctx: EngineContext): Text {
  if (Array.isArray(value)) {
    const choices = choicesOf(step, ctx);
    return listText(value.map((v) => choices.find((c) => c.value === v)?.label ?? literalText(v)));
  }
  if (step.type === 'choice' || step.type === 'consent') {
    const choice = choicesOf(step, ctx).find((c) => c.value === value);
    if (choice) return choice.label;
  }
  return literalText(String(value));
}

function choicesOf(step: Step, ctx: EngineContext): Choice[] {
  if (step.type === 'consent') {
    return [
      { value: CONSENT_YES, label: keyText(step.accept) },
      { value: CONSENT_NO, label: keyText(step.decline) },
    ];
  }
  if (step.type !== 'choice' && step.type !== 'multichoice') return [];
  if (step.choicesFrom) return ctx.lists[step.choicesFrom].map((name) => ({ value: name, label: literalText(name) }));
  return (step.choices ?? []).map((c) => ({ value: c.value, label: keyText(c.label) }));
}

function summaryChoices(): Choice[] {
  return [
    { value: SUMMARY_SUBMIT, label: keyText('engine.summary.submit') },
    { value: SUMMARY_EDIT, label: keyText('engine.summary.edit') },
    { value: SUMMARY_CANCEL, label: keyText('engine.summary.cancel') },
  ];
}

function editChoices(scenario: Scenario, answers: Answers): Choice[] {
  return scenario.steps
    .filter((s) => s.label && s.type !== 'consent' && isVisible(s, answers) && answers[s.id] !== undefined)
    .map((s) => ({ value: s.id, label: keyText(s.label!) }));
}

function nextStepAfter(scenario: Scenario, step: Step, answers: Answers, returnToSummary: boolean): Step {
  if (returnToSummary) {
    // After changing one answer, ask only what the change made newly necessary, then the summary.
    const missing = scenario.steps.find((s) => s.type !== 'summary' && isVisible(s, answers) && answers[s.id] === undefined);
    return missing ?? scenario.steps[scenario.steps.length - 1]!;
  }
  return firstVisibleFrom(scenario, scenario.steps.indexOf(step) + 1, answers);
}

function firstVisibleFrom(scenario: Scenario, index: number, answers: Answers): Step {
  const step = scenario.steps.slice(index).find((s) => isVisible(s, answers));
  // The loader guarantees the last step is an unconditional summary, so one is always found.
  return step ?? scenario.steps[scenario.steps.length - 1]!;
}

function isVisible(step: Step, answers: Answers): boolean {
  return !step.when || holds(step.when, answers);
}

/** Whether a phone step offers the «share my number» button: it sends the presser's own number. */
function offersOwnNumber(step: Extract<Step, { type: 'phone' }>, answers: Answers): boolean {
  return !step.shareContact || holds(step.shareContact, answers);
}

function holds(condition: Condition, answers: Answers): boolean {
  const answer = answers[condition.step];
  if (answer === undefined) return false;
  return condition.in ? condition.in.includes(String(answer)) : !condition.notIn!.includes(String(answer));
}

function stepById(scenario: Scenario, id: string): Step {
  const step = scenario.steps.find((s) => s.id === id);
  if (!step) throw new Error(`scenario "${scenario.id}" has no step "${id}"`);
  return step;
}
