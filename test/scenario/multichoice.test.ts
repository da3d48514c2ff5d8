import { describe, expect, it } from 'vitest';
import { advance, MULTI_DONE, repeatPrompt, startScenario, type EngineInput, type EngineResult, type ScenarioState } from '../../src/scenario/engine.js';
import { checkScenario } from '../../src/scenario/load.js';
import { catalogs, engineContext as ctx, volunteerScenario as scenario } from '../support/scenario-fixtures.js';

const text = (t: string): EngineInput => ({ type: 'text', text: t });
type Step = EngineInput | { press: string };

/** Feeds inputs one by one, pressing buttons by value with the current prompt's seq. */
function run(inputs: Step[]): { results: EngineResult[]; state: ScenarioState } {
  let { state } = startScenario(scenario, ctx);
  const results: EngineResult[] = [];
  for (const raw of inputs) {
    const input: EngineInput = 'press' in raw ? { type: 'choice', seq: state.seq, value: raw.press } : raw;
    const result = advance(scenario, state, input, ctx);
    results.push(result);
    if (result.kind === 'prompt' || result.kind === 'completed') state = result.state;
  }
  return { results, state };
}

function promptOf(result: EngineResult | undefined) {
  if (result?.kind !== 'prompt') throw new Error(`expected a prompt, got ${result?.kind}`);
  return result.prompt;
}

const TO_DISTRICTS: Step[] = [{ press: 'yes' }, text('Анна Смирнова'), text('+7 913 000-00-01')];

describe('scenario engine: a multichoice step (the volunteer application)', () => {
  it('offers the configured districts with «Готово», marks and unmarks each press, and keeps the list order', () => {
    const { results } = run([...TO_DISTRICTS, { press: 'Октябрьский' }, { press: 'Центральный' }, { press: 'Ленинский' }, { press: 'Октябрьский' }]);
    const first = promptOf(results[2]);
    expect(first.stepId).toBe('districts');
    expect(first.multiple).toBe(true);
    expect(first.choices.map((c) => c.value)).toEqual(['Центральный', 'Ленинский', 'Октябрьский', 'Заельцовский', MULTI_DONE]);
    expect(first.choices.some((c) => c.picked)).toBe(false);
    const afterThree = promptOf(results[5]);
    expect(afterThree.stepId).toBe('districts');
    expect(afterThree.choices.filter((c) => c.picked).map((c) => c.value)).toEqual(['Центральный', 'Ленинский', 'Октябрьский']);
    // The fourth press unmarked Октябрьский again.
    const afterUnmark = promptOf(results[6]);
    expect(afterUnmark.choices.filter((c) => c.picked).map((c) => c.value)).toEqual(['Центральный', 'Ленинский']);
    expect(afterUnmark.seq).toBeGreaterThan(afterThree.seq);
  });

  it('takes the marked choices with «Готово» and moves on; refuses «Готово» with nothing marked, losing nothing', () => {
    const empty = run([...TO_DISTRICTS, { press: MULTI_DONE }]);
    const refused = promptOf(empty.results.at(-1));
    expect(refused.stepId).toBe('districts');
    expect(refused.error).toEqual({ key: 'engine.errors.pickAtLeast', params: { min: 1 } });
    expect(empty.state.answers).toMatchObject({ name: 'Анна Смирнова', phone: '+79130000001' });

    const done = run([...TO_DISTRICTS, { press: 'Ленинский' }, { press: 'Заельцовский' }, { press: MULTI_DONE }]);
    expect(promptOf(done.results.at(-1)).stepId).toBe('skills');
    expect(done.state.answers.districts).toEqual(['Ленинский', 'Заельцовский']);
    // Marks in progress belong to the step they were made on.
    expect(done.state.picking).toBeUndefined();
  });

  it('takes a typed list of numbers or names at once, and refuses a word not in the list', () => {
    const numbers = run([...TO_DISTRICTS, text('1, 3')]);
    expect(numbers.state.answers.districts).toEqual(['Центральный', 'Октябрьский']);
    const names = run([...TO_DISTRICTS, text('Заельцовский и ленинский')]);
    expect(names.state.answers.districts).toEqual(['Ленинский', 'Заельцовский']);
    const spaced = run([...TO_DISTRICTS, text('2 4')]);
    expect(spaced.state.answers.districts).toEqual(['Ленинский', 'Заельцовский']);
    const wrong = run([...TO_DISTRICTS, text('Ленинский, Марс')]);
    expect(promptOf(wrong.results.at(-1)).error).toEqual({ key: 'engine.errors.pickFromList' });
    expect(wrong.state.answers.districts).toBeUndefined();
  });

  it('keeps the marks across a resume, and shows the marked choices in the summary', () => {
    const marked = run([...TO_DISTRICTS, { press: 'Ленинский' }]);
    const again = repeatPrompt(scenario, marked.state, ctx);
    expect(again.prompt.choices.filter((c) => c.picked).map((c) => c.value)).toEqual(['Ленинский']);

    const all = run([
      ...TO_DISTRICTS,
      { press: 'Ленинский' },
      { press: 'Центральный' },
      { press: MULTI_DONE },
      { press: 'car' },
      { press: 'medicine' },
      { press: MULTI_DONE },
      { press: 'yes' },
    ]);
    const summary = promptOf(all.results.at(-1));
    expect(summary.stepId).toBe('summary');
    const lines = summary.summary!.map((l) => `${ctx.render(l.label)}: ${ctx.render(l.value)}`);
    expect(lines).toContain('Районы: Центральный, Ленинский');
    expect(lines).toContain(`Могу: ${catalogs.ru.t('application.skills.car')}, ${catalogs.ru.t('application.skills.medicine')}`);
    const done = advance(scenario, all.state, { type: 'choice', seq: all.state.seq, value: 'submit' }, ctx);
    expect(done.kind).toBe('completed');
    if (done.kind === 'completed') expect(done.answers).toMatchObject({ districts: ['Центральный', 'Ленинский'], skills: ['car', 'medicine'], rules: 'yes' });
  });

  it('refuses more marks than maxPicks, saying how many may be marked', () => {
    const limited = checkScenario(
      {
        id: 'limited',
        produces: 'volunteer-application',
        steps: scenario.steps.map((s) => (s.id === 'districts' ? { ...s, maxPicks: 2 } : s)),
      },
      'limited.yaml',
      [catalogs.ru, catalogs.en],
    );
    let { state } = startScenario(limited, ctx);
    let result: EngineResult | undefined;
    for (const input of [
      { press: 'yes' },
      text('Анна'),
      text('+79130000001'),
      { press: 'Центральный' },
      { press: 'Ленинский' },
      { press: 'Октябрьский' },
    ] as Step[]) {
      result = advance(limited, state, 'press' in input ? { type: 'choice', seq: state.seq, value: input.press } : input, ctx);
      if (result.kind === 'prompt') state = result.state;
    }
    const prompt = promptOf(result);
    expect(prompt.error).toEqual({ key: 'engine.errors.tooManyPicks', params: { max: 2 } });
    expect(prompt.choices.filter((c) => c.picked).map((c) => c.value)).toEqual(['Центральный', 'Ленинский']);
  });

  it('is refused by the loader without its needed steps, and when its districts do not come from the configuration', () => {
    const without = { id: 'v', produces: 'volunteer-application', steps: scenario.steps.filter((s) => s.id !== 'rules') };
    expect(() => checkScenario(without, 'v.yaml', [catalogs.ru])).toThrow(/needs a step with id "rules" \(consent\)/);
    const fixed = {
      id: 'v',
      produces: 'volunteer-application',
      steps: scenario.steps.map((s) =>
        s.id === 'districts'
          ? {
              id: 'districts',
              type: 'multichoice',
              question: 'application.districts.question',
              label: 'application.districts.label',
              choices: [{ value: 'a', label: 'application.name.label' }],
            }
          : s,
      ),
    };
    expect(() => checkScenario(fixed, 'v.yaml', [catalogs.ru])).toThrow(/choicesFrom: districts/);
  });
});
