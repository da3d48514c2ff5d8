import { expect, it } from 'vitest';
import { MAX_LIMITS } from '../../../bots/max/payload.js';
import { promptMessage } from '../../../bots/max/render.js';
import type { Prompt } from '../../../src/scenario/engine.js';
import { literalText } from '../../../src/scenario/text.js';
import { catalogs } from '../../support/scenario-fixtures.js';

const catalog = catalogs.ru;
const question = (choices: string[], extra: Partial<Prompt> = {}): Prompt => ({
  seq: 4,
  stepId: 'district',
  expects: 'choice',
  question: literalText('В каком районе?'),
  choices: choices.map((label, i) => ({ value: `v${i}`, label: literalText(label) })),
  canGoBack: true,
  ...extra,
});
const rowsOf = (prompt: Prompt) => {
  const [keyboard] = promptMessage(prompt, catalog, false).attachments;
  return keyboard?.type === 'inline_keyboard' ? keyboard.payload.buttons : [];
};

it('puts each choice on a row of its own, «Назад» last, each button carrying the question’s number', () => {
  const rows = rowsOf(question(['Центральный', 'Ленинский']));
  expect(rows.map((row) => row.map((b) => b.text))).toEqual([['Центральный'], ['Ленинский'], ['⬅️ Назад']]);
  expect(rows.flat().map((b) => (b.type === 'callback' ? b.payload : ''))).toEqual(['a:4:0', 'a:4:1', 'b:4']);
});

it('shares rows once the choices would not fit MAX’s 30 rows', () => {
  const rows = rowsOf(question(Array.from({ length: 40 }, (_, i) => `Район ${i + 1}`)));
  expect(rows.length).toBeLessThanOrEqual(MAX_LIMITS.rows);
  expect(rows.every((row) => row.length <= MAX_LIMITS.perRow)).toBe(true);
  expect(rows.flat()).toHaveLength(41);
});

it('cuts a label over 128 characters on its button and lists the choices, numbered, in the message', () => {
  const long = `Доставка ${'очень '.repeat(30)}длинного списка`;
  const prompt = question(['Коротко', long]);
  const message = promptMessage(prompt, catalog, false);
  expect(message.text).toContain(`2. ${long}`);
  const labels = rowsOf(prompt)
    .flat()
    .map((b) => b.text);
  expect([...labels[1]!].length).toBe(MAX_LIMITS.label);
  expect(labels[1]!.endsWith('…')).toBe(true);
});

it('offers MAX’s share-my-number button first on the phone question, alone in its row', () => {
  const rows = rowsOf(question([], { expects: 'phone', stepId: 'phone' }));
  expect(rows[0]).toEqual([{ type: 'request_contact', text: '📱 Отправить мой номер' }]);
  expect(promptMessage(question([], { expects: 'phone' }), catalog, false).text).toContain(catalog.t('bot.intake.sharePhoneHint'));
});
