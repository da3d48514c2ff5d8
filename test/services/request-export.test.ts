import { describe, expect, it } from 'vitest';
import { createCoordinatorTexts } from '../../src/messages/coordinator-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { csvCell, exportRows, spreadsheetPhone, toCsv, UTF8_BOM } from '../../src/services/request-export.js';
import { FakeRequestRepository, makeDraft, RecordingLogger, steppingClock } from '../support/fakes.js';
import { catalogs, helpScenario } from '../support/scenario-fixtures.js';
import { parseCsv } from '../support/csv.js';

const requestTexts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
const texts = createCoordinatorTexts(catalogs.ru, requestTexts, helpScenario, 'Europe/Moscow');
const requester = { platform: 'telegram' as const, userId: '1001', chatId: '1001' };
const coordinator = { platform: 'telegram' as const, userId: '900' };

const tricky = makeDraft({
  personal: {
    name: 'Зинаида "Зина" Петровна',
    address: 'ул. Ленина; д. 5, кв. 7',
    phone: '+79131234567',
    description: '=HYPERLINK("http://evil.example";"нажми")\nвторая строка; с точкой с запятой\r\nи «кавычки»',
  },
});

async function sampleRequests() {
  const requests = new FakeRequestRepository();
  const now = steppingClock(new Date('2025-03-03T06:00:00Z'));
  const lifecycle = createRequestLifecycle({
    requests,
    isCoordinator: async (p) => p.userId === '900',
    afterChange: async () => undefined,
    logger: new RecordingLogger(),
    now,
  });
  await requests.create({ draft: tricky, channel: 'telegram', requester, codeWord: 'ромашка 47', at: new Date('2025-03-03T06:00:00Z') });
  await requests.create({
    draft: makeDraft({ district: 'Центральный', helpKind: 'groceries' }),
    channel: 'vk',
    requester: { platform: 'vk', userId: '5', chatId: '5' },
    at: new Date('2025-03-03T07:00:00Z'),
  });
  await requests.claim(1, { platform: 'telegram', userId: '501', displayName: '@volunteer; "Ваня"' }, new Date('2025-03-03T06:25:00Z'));
  await lifecycle(1, coordinator, 'telegram', { type: 'complete', comment: '-1+1 привезли; всё "ок"' });
  await lifecycle(2, coordinator, 'telegram', { type: 'cancel', reason: 'Позвонила дочь Зинаиды' });
  return requests.all();
}

describe('the CSV export', () => {
  it('opens back into the same cells: Cyrillic, quotes, semicolons and line breaks survive', async () => {
    const csv = toCsv(exportRows(await sampleRequests(), texts.exportLabels(), { full: true }));
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
    const header = rows[0]!;
    const cell = (row: number, column: string) => rows[row]![header.indexOf(column)];
    expect(header.slice(0, 4)).toEqual(['Номер', 'Создана', 'Канал', 'Район']);
    expect(cell(1, 'Номер')).toBe('1');
    expect(cell(1, 'Создана')).toBe('2025-03-03 09:00');
    expect(cell(1, 'Вид помощи')).toBe('Доставка лекарств');
    expect(cell(1, 'Статус')).toBe('выполнена');
    expect(cell(1, 'Минут до взятия')).toBe('25');
    expect(cell(1, 'Имя')).toBe('Зинаида "Зина" Петровна');
    expect(cell(1, 'Адрес')).toBe('ул. Ленина; д. 5, кв. 7');
    // A would-be formula is neutralised with a leading apostrophe; its line breaks stay inside the cell.
    expect(cell(1, 'Описание')).toBe(`'${tricky.personal.description}`);
    // A phone is written as it is dialled in Russia: no formula's start, so no apostrophe.
    expect(cell(1, 'Телефон')).toBe('8 913 123-45-67');
    expect(cell(1, 'Волонтёр')).toBe('\'@volunteer; "Ваня"');
    expect(cell(1, 'Последний комментарий')).toBe('\'-1+1 привезли; всё "ок"');
    expect(cell(1, 'Кодовое слово')).toBe('ромашка 47');
    expect(cell(2, 'Кодовое слово')).toBe('');
    expect(cell(2, 'Канал')).toBe('VK');
    expect(cell(2, 'Статус')).toBe('отменена');
    expect(cell(2, 'Минут до выполнения')).toBe('');
  });

  it('carries no personal data, comments included, unless the full export is asked for', async () => {
    const all = await sampleRequests();
    const csv = toCsv(exportRows(all, texts.exportLabels(), { full: false }));
    for (const secret of ['Зинаида', 'Ленина', '9131234567', 'HYPERLINK', 'привезли', 'Позвонила', 'Антонина', 'Тестовая', 'ромашка'])
      expect(csv).not.toContain(secret);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).not.toContain('Имя');
    expect(rows[0]).not.toContain('Телефон');
    expect(rows[0]).not.toContain('Кодовое слово');
    expect(rows).toHaveLength(3);
  });

  it('tells a request filed for someone else apart, the applicant’s contact only in the full export', async () => {
    const requests = new FakeRequestRepository();
    const forMother = makeDraft({
      personal: { ...makeDraft().personal, applicant: { name: 'Ольга Сидорова', phone: '+79137654321' } },
      onBehalf: { relation: 'neighbour', callFirst: 'person' },
    });
    await requests.create({ draft: forMother, channel: 'telegram', requester, at: new Date('2025-03-03T06:00:00Z') });
    await requests.create({ draft: makeDraft(), channel: 'telegram', requester, at: new Date('2025-03-03T07:00:00Z') });
    const all = await requests.all();
    const plain = parseCsv(toCsv(exportRows(all, texts.exportLabels(), { full: false })).slice(1));
    const column = (rows: string[][], name: string) => rows.slice(1).map((r) => r[rows[0]!.indexOf(name)]);
    expect(column(plain, 'Для кого')).toEqual(['для другого человека', 'для себя']);
    expect(column(plain, 'Кем приходится заявитель')).toEqual(['Сосед или знакомый', '']);
    expect(plain.flat().join(' ')).not.toMatch(/Ольга|7654321/);
    const full = parseCsv(toCsv(exportRows(all, texts.exportLabels(), { full: true })).slice(1));
    expect(column(full, 'Заявитель')).toEqual(['Ольга Сидорова', '']);
    expect(column(full, 'Телефон заявителя')).toEqual(['8 913 765-43-21', '']);
    expect(column(full, 'Звонить сначала')).toEqual(['человеку, которому нужна помощь', '']);
  });

  it('quotes and neutralises single cells as spreadsheets need', () => {
    expect(csvCell('Ленинский')).toBe('Ленинский');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1`).replace(/^"/, '').startsWith(`'${start}`)).toBe(true);
    expect(csvCell('')).toBe('');
  });

  it('writes a phone in a form no spreadsheet takes for a formula or a number, and leaves any other to the guard', () => {
    expect(spreadsheetPhone('+79131234567')).toBe('8 913 123-45-67');
    expect(csvCell(spreadsheetPhone('+79131234567'))).toBe('8 913 123-45-67');
    expect(csvCell(spreadsheetPhone('+1 555 0100'))).toBe("'+1 555 0100");
    expect(spreadsheetPhone('')).toBe('');
  });

  it('writes a header only for an empty period, with CRLF line ends', () => {
    const csv = toCsv(exportRows([], texts.exportLabels(), { full: false }));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv.slice(1))).toHaveLength(1);
  });
});
