import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/messages/catalog.js';
import { catalogs } from '../support/scenario-fixtures.js';

describe('catalog texts with numbers', () => {
  const ru = createCatalog('ru', {
    age: '{age, plural, one {# год} few {# года} many {# лет} other {# года}}',
    left: 'Осталось: {n, plural, =0 {ничего} other {#}}',
  });

  it.each([
    [1, '1 год'],
    [21, '21 год'],
    [2, '2 года'],
    [84, '84 года'],
    [5, '5 лет'],
    [11, '11 лет'],
    [12, '12 лет'],
    [100, '100 лет'],
    [111, '111 лет'],
  ])('puts %d in the Russian form it needs: %s', (age, text) => {
    expect(ru.t('age', { age })).toBe(text);
  });

  it('takes an exact match before the language category, and leaves a missing number visible', () => {
    expect(ru.t('left', { n: 0 })).toBe('Осталось: ничего');
    expect(ru.t('left', { n: 3 })).toBe('Осталось: 3');
    expect(ru.t('age')).toBe('{age, plural, one {# год} few {# года} many {# лет} other {# года}}');
  });

  it('gives an age band the form of many', () => {
    expect(ru.t('age', { age: '80+' })).toBe('80+ лет');
  });

  it('words the shipped texts as a reader expects', () => {
    expect(catalogs.ru.t('group.post', { number: 3, district: 'Ленинский', category: 'Пенсионеру', age: 84, helpKind: 'Доставка', time: '10:00' })).toContain(
      'Пенсионеру, 84 года',
    );
    expect(catalogs.ru.t('engine.errors.tooShort', { min: 2 })).toBe('Слишком коротко: напишите, пожалуйста, хотя бы 2 символа.');
    expect(catalogs.ru.t('coordinator.stats.median', { duration: '5 мин', count: 1 })).toBe('5 мин (по 1 заявке)');
    expect(catalogs.en.t('engine.errors.tooShort', { min: 1 })).toBe('Too short: please write at least 1 character.');
  });
});
