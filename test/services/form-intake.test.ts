import { expect, it } from 'vitest';
import { createFormIntake } from '../../src/services/form-intake.js';
import { catalogs, engineContext, helpScenario } from '../support/scenario-fixtures.js';
import { renderText } from '../../src/scenario/text.js';

// The operator's phone form words its questions for a page, not for a chat.
const form = createFormIntake({
  scenario: helpScenario,
  engine: engineContext,
  submitOnce: async () => {
    throw new Error('nothing is sent here');
  },
});
const say = (text: Parameters<typeof renderText>[1]) => renderText(catalogs.ru, text);

it('shows no label that only repeats its question («Кому нужна помощь. Кому нужна помощь?»)', () => {
  const category = form.fields().find((f) => f.id === 'category')!;
  expect(say(category.question)).toBe('Кому нужна помощь?');
  expect(category.label).toBeUndefined();
  // A label that says something of its own stays.
  const age = form.fields().find((f) => f.id === 'age')!;
  expect(age.label && say(age.label)).toBe('Возраст');
});

it('tells nobody to press a button the form does not have, in its questions or in its refusals', () => {
  const shown = form.fields().flatMap((f) => [f.question, ...(f.label ? [f.label] : []), ...f.choices.map((c) => c.label)].map(say));
  const refused = form.check({ consent: 'yes', category: '', age: 'много', district: '', helpKind: '', description: '', name: '', address: '', phone: '123' });
  if (refused.ok) throw new Error('the empty form was accepted');
  const errors = Object.values(refused.errors).map(say);
  expect(errors.length).toBeGreaterThan(5);
  for (const text of [...shown, ...errors]) expect(text).not.toMatch(/кнопк|Назад|«Отправить мой номер»|\/cancel/i);
});
