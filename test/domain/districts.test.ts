import { describe, expect, it } from 'vitest';
import { resolveDistrict } from '../../src/domain/districts.js';
import { UnknownDistrictError } from '../../src/domain/errors.js';

const DISTRICTS = ['Центральный', 'Ленинский', 'Левобережный', 'Заельцовский', 'Зелёный Бор', 'Ёлкинский', 'Кировский', 'Кировский-Северный'];

describe('resolveDistrict', () => {
  it.each([
    ['Центральный', 'Центральный'],
    ['центральный', 'Центральный'],
    ['ЦЕНТРАЛЬНЫЙ', 'Центральный'],
    ['  Центральный  ', 'Центральный'],
    ['цент', 'Центральный'],
    ['ц', 'Центральный'],
    ['лен', 'Ленинский'],
    ['лев', 'Левобережный'],
    ['заел', 'Заельцовский'],
    // ё and е are the same letter to whoever types.
    ['Зеленый Бор', 'Зелёный Бор'],
    ['зелёный бор', 'Зелёный Бор'],
    ['ЗЕЛЁН', 'Зелёный Бор'],
    ['елкинский', 'Ёлкинский'],
    ['Ёлк', 'Ёлкинский'],
    // Runs of spaces count as one.
    ['зеленый   бор', 'Зелёный Бор'],
    // An exact name wins over being a prefix of a longer one.
    ['кировский', 'Кировский'],
    ['кировский-с', 'Кировский-Северный'],
  ])('resolves %j to %s', (input, expected) => {
    expect(resolveDistrict(input, DISTRICTS)).toBe(expected);
  });

  it.each([
    ['ле', 'ambiguous: Ленинский and Левобережный'],
    ['з', 'ambiguous: Заельцовский and Зелёный Бор'],
    ['киров', 'ambiguous, and no exact match'],
    ['Октябрьский', 'not configured'],
    ['ленинскийй', 'longer than any name'],
    ['инский', 'a suffix, not a prefix'],
    ['', 'empty'],
    ['   ', 'blank'],
  ])('rejects %j (%s)', (input) => {
    expect(() => resolveDistrict(input, DISTRICTS)).toThrow(UnknownDistrictError);
  });

  it('carries the input and the known districts on the error, for the reply', () => {
    try {
      resolveDistrict('ле', DISTRICTS);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownDistrictError);
      expect(error).toMatchObject({ input: 'ле', known: DISTRICTS, name: 'UnknownDistrictError' });
    }
  });

  it('rejects everything when no districts are configured', () => {
    expect(() => resolveDistrict('лен', [])).toThrow(UnknownDistrictError);
  });
});
