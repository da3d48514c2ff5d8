import { describe, expect, it } from 'vitest';
import { advance, EDIT_PICK, KEEP_CURRENT, startScenario, type EngineInput, type EngineResult, type ScenarioState } from '../../src/scenario/engine.js';
import { toHelpRequestDraft } from '../../src/scenario/help-request-draft.js';
import { requestDraftSchema } from '../../src/domain/request.js';
import { engineContext as ctx, helpScenario as scenario } from '../support/scenario-fixtures.js';

const text = (t: string): EngineInput => ({ type: 'text', text: t });

/** Feeds inputs one by one, pressing buttons by value with the current prompt's seq. */
function run(inputs: (EngineInput | { press: string })[]): { results: EngineResult[]; state: ScenarioState } {
  let { state } = startScenario(scenario, ctx);
  const results: EngineResult[] = [];
  for (const raw of inputs) {
    const input: EngineInput = 'press' in raw ? { type: 'choice', seq: state.seq, value: raw.press } : raw;
    const result = advance(scenario, state, input, ctx);
    results.push(result);
    if (result.kind === 'prompt' || result.kind === 'stale' || result.kind === 'completed') state = result.state;
  }
  return { results, state };
}

const HAPPY_PATH = [
  { press: 'yes' },
  { press: 'self' },
  { press: 'pensioner' },
  text('78 лет'),
  { press: 'Ленинский' },
  { press: 'groceries' },
  text('Хлеб, молоко, крупа'),
  text('Мария Ивановна'),
  text('ул. Ленина, д. 1, кв. 5'),
  text('8 (913) 123-45-67'),
];
/** Consent, and the request is for oneself: the questions about the person follow. */
const CONSENT = [{ press: 'yes' }, { press: 'self' }] as const;

function last(results: EngineResult[]): EngineResult {
  return results[results.length - 1]!;
}
function promptOf(result: EngineResult) {
  if (result.kind !== 'prompt') throw new Error(`expected a prompt, got ${result.kind}`);
  return result.prompt;
}

describe('scenario engine: the help-request flow', () => {
  it('asks for consent first, quoting the configured periods, and then the category offering the five categories', () => {
    const { prompt } = startScenario(scenario, ctx);
    expect(prompt.stepId).toBe('consent');
    expect(prompt.canGoBack).toBe(false);
    expect(ctx.render(prompt.question)).toContain(`через ${ctx.params!.closedDays} дней после закрытия`);
    expect(ctx.render(prompt.question)).not.toMatch(/\{\w+\}/);
    const { results } = run([...CONSENT]);
    const category = promptOf(last(results));
    expect(category.stepId).toBe('category');
    expect(category.choices.map((c) => c.value)).toEqual(['pensioner', 'disabled', 'self_isolation', 'family_with_children', 'other']);
  });

  it('ends the conversation when consent is declined, keeping no answer', () => {
    const result = last(run([{ press: 'no' }]).results);
    expect(result).toEqual({ kind: 'declined', text: { key: 'request.consent.declined', params: ctx.params } });
  });

  it('walks every step to the summary and submits a draft the domain accepts', () => {
    const { results, state } = run([...HAPPY_PATH]);
    const summary = promptOf(last(results));
    expect(summary.stepId).toBe('summary');
    expect(summary.summary?.map((l) => ctx.render(l.value))).toEqual([
      '🙋 Для меня',
      'Пенсионеру',
      '78',
      'Ленинский',
      'Доставка продуктов и товаров первой необходимости',
      'Хлеб, молоко, крупа',
      'Мария Ивановна',
      'ул. Ленина, д. 1, кв. 5',
      '+79131234567',
    ]);
    const done = advance(scenario, state, { type: 'choice', seq: state.seq, value: 'submit' }, ctx);
    expect(done.kind).toBe('completed');
    if (done.kind !== 'completed') return;
    const draft = requestDraftSchema.parse(toHelpRequestDraft(done.answers));
    expect(draft).toMatchObject({ category: 'pensioner', age: 78, district: 'Ленинский', helpKind: 'groceries', extra: {} });
    expect(draft.personal.phone).toBe('+79131234567');
  });

  it('asks the prescription question only for medicine and keeps it in extra', () => {
    const inputs = [...HAPPY_PATH];
    inputs[5] = { press: 'medicine' };
    inputs.splice(6, 0, { press: 'has_prescription' });
    const { results, state } = run(inputs);
    expect(results.map((r) => (r.kind === 'prompt' ? r.prompt.stepId : r.kind))).toContain('prescription');
    const done = advance(scenario, state, { type: 'choice', seq: state.seq, value: 'submit' }, ctx);
    if (done.kind !== 'completed') throw new Error(done.kind);
    expect(toHelpRequestDraft(done.answers).extra).toEqual({ prescription: 'has_prescription' });
  });

  it.each([
    ['age', 3, text('семьдесят'), 'engine.errors.notANumber'],
    ['age', 3, text('0'), 'engine.errors.outOfRange'],
    ['age', 3, text('121'), 'engine.errors.outOfRange'],
    ['age', 3, text('78.5'), 'engine.errors.notANumber'],
    ['age', 3, text('70-80'), 'engine.errors.notANumber'],
    ['age', 3, { type: 'other' } as EngineInput, 'engine.errors.textOnly'],
    ['district', 4, text('Марс'), 'engine.errors.pressButton'],
    ['description', 6, text('да'), 'engine.errors.tooShort'],
    ['description', 6, text('х'.repeat(2501)), 'engine.errors.tooLong'],
    ['description', 6, text('\u200B\u200B  \u202E'), 'engine.errors.empty'],
    ['phone', 9, text('12345'), 'engine.errors.phoneNeedsAreaCode'],
    ['phone', 9, text('123-45-67'), 'engine.errors.phoneNeedsAreaCode'],
    ['phone', 9, text('1234'), 'engine.errors.badPhone'],
    ['phone', 9, text('позвоните соседке'), 'engine.errors.badPhone'],
    ['phone', 9, text('+8 913 123 45 67'), 'engine.errors.badPhone'],
    ['category', 2, { type: 'contact', phone: '+79131234567' } as EngineInput, 'engine.errors.notNow'],
  ] as const)('on step %s re-asks the same step when given a wrong answer (%#)', (stepId, answeredBefore, bad, reason) => {
    const { results, state } = run([...HAPPY_PATH.slice(0, answeredBefore), bad]);
    const prompt = promptOf(last(results));
    expect(prompt.stepId).toBe(stepId);
    expect(prompt.error).toMatchObject({ key: reason });
    expect(Object.keys(state.answers)).toHaveLength(answeredBefore);
  });

  it.each([
    ['78', 78],
    ['78 лет', 78],
    [' около 80 ', 80],
    ['1', 1],
    ['120', 120],
  ])('reads the age %j as %d', (typed, value) => {
    const { state } = run([...CONSENT, { press: 'pensioner' }, text(typed)]);
    expect(state.answers.age).toBe(value);
  });

  it.each([
    ['+7 913 123-45-67', '+79131234567'],
    ['89131234567', '+79131234567'],
    ['7 (913) 123 45 67', '+79131234567'],
    ['9131234567', '+79131234567'],
  ])('normalises the phone %j to %s', (typed, phone) => {
    const { state } = run([...HAPPY_PATH.slice(0, 9), text(typed)]);
    expect(state.answers.phone).toBe(phone);
  });

  it('accepts a shared contact on the phone step', () => {
    const { state } = run([...HAPPY_PATH.slice(0, 9), { type: 'contact', phone: '79131234567' }]);
    expect(state.answers.phone).toBe('+79131234567');
    expect(state.stepId).toBe('summary');
  });

  it('accepts a typed label or its number instead of a button', () => {
    const { state } = run([...CONSENT, text('пенсионеру'), text('78'), text('2')]);
    expect(state.answers).toMatchObject({ category: 'pensioner', district: 'Ленинский' });
  });

  it('ignores a button of an older message and changes nothing', () => {
    const { state } = run([...CONSENT, { press: 'pensioner' }]);
    const result = advance(scenario, state, { type: 'choice', seq: state.seq - 1, value: 'disabled' }, ctx);
    expect(result).toEqual({ kind: 'stale', state });
  });

  it('goes back one step, keeps the answer and shows it', () => {
    const { results, state } = run([...CONSENT, { press: 'pensioner' }, text('78'), { type: 'back' }]);
    const prompt = promptOf(last(results));
    expect(prompt.stepId).toBe('age');
    expect(prompt.current).toEqual({ literal: '78' });
    expect(state.answers).toMatchObject({ category: 'pensioner', age: 78 });
  });

  it('offers to keep a typed answer shown again, by its button or its label typed', () => {
    const back = run([...CONSENT, { press: 'pensioner' }, text('78'), { type: 'back' }]);
    const prompt = promptOf(last(back.results));
    expect(prompt.expects).toBe('text');
    expect(prompt.choices).toEqual([{ value: KEEP_CURRENT, label: { key: 'engine.keep' } }]);
    for (const keep of [{ type: 'choice', seq: back.state.seq, value: KEEP_CURRENT } as const, text('оставить как есть')]) {
      const kept = advance(scenario, back.state, keep, ctx);
      expect(promptOf(kept).stepId).toBe('district');
      expect(kept.kind === 'prompt' && kept.state.answers.age).toBe(78);
    }
    // A number typed there is a new answer, never the button's position in the list.
    const typed = advance(scenario, back.state, text('1'), ctx);
    expect(typed.kind === 'prompt' && typed.state.answers.age).toBe(1);
  });

  it('offers no keep button on a question asked for the first time, or a choice (pressed again instead)', () => {
    const { results } = run([...CONSENT, { press: 'pensioner' }]);
    expect(promptOf(last(results)).choices).toEqual([]);
    const category = promptOf(last(run([...CONSENT, { press: 'pensioner' }, { type: 'back' }]).results));
    expect(category.choices.map((c) => c.value)).not.toContain(KEEP_CURRENT);
    // And the button's value is no answer where nothing was given before.
    const { state } = run([...CONSENT, { press: 'pensioner' }]);
    expect(promptOf(advance(scenario, state, { type: 'choice', seq: state.seq, value: KEEP_CURRENT }, ctx)).error).toBeDefined();
  });

  it('marks the question after the phone, so a platform can take the phone keyboard away', () => {
    const { results } = run(HAPPY_PATH);
    expect(promptOf(last(results))).toMatchObject({ stepId: 'summary', afterPhone: true });
    expect(results.slice(0, -1).every((r) => r.kind !== 'prompt' || !r.prompt.afterPhone)).toBe(true);
  });

  it('says so when going back from the first step', () => {
    const { results } = run([{ type: 'back' }]);
    const prompt = promptOf(last(results));
    expect(prompt.stepId).toBe('consent');
    expect(prompt.error).toMatchObject({ key: 'engine.errors.noStepBack' });
  });

  it('skips a branch step on the way back when the branch no longer applies', () => {
    // medicine → prescription → description; then back to helpKind, change to groceries, back again.
    const { results } = run([
      ...CONSENT,
      { press: 'pensioner' },
      text('78'),
      { press: 'Ленинский' },
      { press: 'medicine' },
      { press: 'has_prescription' },
      { type: 'back' },
      { type: 'back' },
      { press: 'groceries' },
      { type: 'back' },
    ]);
    expect(promptOf(last(results)).stepId).toBe('helpKind');
  });

  it('cancels at any step', () => {
    expect(last(run([...CONSENT, { press: 'pensioner' }, { type: 'cancel' }]).results)).toEqual({ kind: 'cancelled' });
    expect(last(run([...HAPPY_PATH, { press: 'cancel' }]).results)).toEqual({ kind: 'cancelled' });
  });

  it('changes one answer from the summary and comes back to the summary', () => {
    const { results, state } = run([...HAPPY_PATH, { press: 'edit' }, { press: 'address' }, text('ул. Мира, д. 2')]);
    const steps = results.slice(-3).map((r) => promptOf(r).stepId);
    expect(steps).toEqual([EDIT_PICK, 'address', 'summary']);
    expect(state.answers.address).toBe('ул. Мира, д. 2');
    expect(state.answers.name).toBe('Мария Ивановна');
  });

  it('asks a newly needed branch question when an edit opens it, then returns to the summary', () => {
    const { results, state } = run([...HAPPY_PATH, { press: 'edit' }, { press: 'helpKind' }, { press: 'medicine' }, { press: 'not_needed' }]);
    const steps = results.slice(-2).map((r) => promptOf(r).stepId);
    expect(steps).toEqual(['prescription', 'summary']);
    expect(state.answers.prescription).toBe('not_needed');
  });

  it('drops a branch answer that no longer applies from what is submitted', () => {
    const inputs = [...HAPPY_PATH];
    inputs[5] = { press: 'medicine' };
    inputs.splice(6, 0, { press: 'has_prescription' });
    const { state } = run([...inputs, { press: 'edit' }, { press: 'helpKind' }, { press: 'legal' }]);
    const done = advance(scenario, state, { type: 'choice', seq: state.seq, value: 'submit' }, ctx);
    if (done.kind !== 'completed') throw new Error(done.kind);
    expect(done.answers).not.toHaveProperty('prescription');
    expect(done.answers.helpKind).toBe('legal');
  });

  it('goes back from the edit menu to the summary', () => {
    const { results } = run([...HAPPY_PATH, { press: 'edit' }, { type: 'back' }]);
    expect(promptOf(last(results)).stepId).toBe('summary');
  });
});

describe('scenario engine: a request filed for someone else', () => {
  const FOR_MOTHER = [
    { press: 'yes' },
    { press: 'other' },
    { press: 'child' },
    { press: 'pensioner' },
    text('84'),
    { press: 'Ленинский' },
    { press: 'groceries' },
    text('Хлеб, молоко, крупа'),
    text('Анна Сергеевна'),
    text('ул. Ленина, д. 1, кв. 5'),
    // A city landline with its area code is the person's phone.
    text('8 (495) 123-45-67'),
    text('Ольга'),
    text('8 913 765-43-21'),
    { press: 'applicant' },
  ];
  const steps = (results: EngineResult[]) => results.map((r) => (r.kind === 'prompt' ? r.prompt.stepId : r.kind));

  it('asks who the applicant is to the person, then both contacts and whom to call first', () => {
    const { results } = run(FOR_MOTHER);
    expect(steps(results)).toEqual([
      'forWhom',
      'relation',
      'category',
      'age',
      'district',
      'helpKind',
      'description',
      'name',
      'address',
      'phone',
      'applicantName',
      'applicantPhone',
      'callFirst',
      'summary',
    ]);
  });

  it('offers «share my number» only where it is the presser’s own number, and takes its keyboard away after that one', () => {
    const { results } = run(FOR_MOTHER);
    const prompt = (id: string) => results.flatMap((r) => (r.kind === 'prompt' ? [r.prompt] : [])).find((p) => p.stepId === id);
    expect(prompt('phone')).toMatchObject({ expects: 'text' });
    expect(prompt('applicantPhone')).toMatchObject({ expects: 'phone' });
    expect(prompt('applicantName')?.afterPhone).toBeUndefined();
    expect(prompt('callFirst')?.afterPhone).toBe(true);
    // For oneself the person's phone is the applicant's own: the button is offered.
    const own = run(HAPPY_PATH.slice(0, 9)).results;
    expect(promptOf(last(own))).toMatchObject({ stepId: 'phone', expects: 'phone' });
  });

  it('submits a draft with the applicant’s contact apart and the relation outside the personal data', () => {
    const { state } = run(FOR_MOTHER);
    const done = advance(scenario, state, { type: 'choice', seq: state.seq, value: 'submit' }, ctx);
    if (done.kind !== 'completed') throw new Error(done.kind);
    const draft = requestDraftSchema.parse(toHelpRequestDraft(done.answers));
    expect(draft.personal).toMatchObject({ name: 'Анна Сергеевна', phone: '+74951234567', applicant: { name: 'Ольга', phone: '+79137654321' } });
    expect(draft.onBehalf).toEqual({ relation: 'child', callFirst: 'applicant' });
    expect(draft.extra).toEqual({});
  });

  it('drops the applicant’s answers when the request is changed to the person’s own', () => {
    const { state } = run([...FOR_MOTHER, { press: 'edit' }, { press: 'forWhom' }, { press: 'self' }]);
    const done = advance(scenario, state, { type: 'choice', seq: state.seq, value: 'submit' }, ctx);
    if (done.kind !== 'completed') throw new Error(done.kind);
    expect(Object.keys(done.answers)).not.toContain('applicantName');
    const draft = requestDraftSchema.parse(toHelpRequestDraft(done.answers));
    expect(draft.personal.applicant).toBeUndefined();
    expect(draft.onBehalf).toBeUndefined();
  });

  it('refuses a city number without its area code, asking for the code', () => {
    const { results, state } = run([...FOR_MOTHER.slice(0, 10), text('123-45-67')]);
    expect(promptOf(last(results))).toMatchObject({ stepId: 'phone', error: { key: 'engine.errors.phoneNeedsAreaCode' } });
    expect(state.answers.phone).toBeUndefined();
  });
});

describe('scenario engine: the summary of long answers', () => {
  it('shows the first 800 characters of a long description, and submits it whole', () => {
    const long = `${'🍞 хлеб, '.repeat(300)}конец`;
    const inputs = [...HAPPY_PATH];
    inputs[6] = text(long);
    const { results, state } = run(inputs);
    const summary = promptOf(last(results)).summary!.map((l) => ctx.render(l.value));
    const shown = summary.find((v) => v.startsWith('🍞'))!;
    expect([...shown]).toHaveLength(801);
    expect(shown.endsWith('…')).toBe(true);
    const done = advance(scenario, state, { type: 'choice', seq: state.seq, value: 'submit' }, ctx);
    if (done.kind !== 'completed') throw new Error(done.kind);
    expect(done.answers.description).toBe(long);
  });

  it('shows the same first 800 characters as the current answer when the person comes back to it', () => {
    const long = `${'💊 лекарство, '.repeat(170)}конец`;
    const inputs = [...HAPPY_PATH.slice(0, 6), text(long), { type: 'back' } as EngineInput];
    const prompt = promptOf(last(run(inputs).results));
    expect(prompt.stepId).toBe('description');
    const current = ctx.render(prompt.current!);
    expect([...current]).toHaveLength(801);
    expect(long.startsWith(current.slice(0, -1))).toBe(true);
  });
});
