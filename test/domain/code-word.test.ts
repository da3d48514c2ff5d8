import { describe, expect, it } from 'vitest';
import { codeWordList, newCodeWord } from '../../src/domain/code-word.js';
import { CODE_WORDS } from '../support/scenario-fixtures.js';

describe('code words', () => {
  it('are a word of the list and a two-digit number', () => {
    expect(newCodeWord(['ромашка', 'берёза'], (max) => max - 1)).toBe('берёза 99');
    expect(newCodeWord(['ромашка', 'берёза'], () => 0)).toBe('ромашка 10');
    for (let i = 0; i < 200; i++) {
      const [word, number] = newCodeWord(CODE_WORDS).split(' ');
      expect(CODE_WORDS).toContain(word);
      expect(Number(number)).toBeGreaterThanOrEqual(10);
      expect(Number(number)).toBeLessThanOrEqual(99);
    }
  });

  it('come from the locale as sixty distinct single words, so one in 5 400 guesses is right', () => {
    expect(CODE_WORDS).toHaveLength(60);
    expect(new Set(CODE_WORDS).size).toBe(60);
    expect(codeWordList('берёза, ромашка  василёк\n')).toEqual(['берёза', 'ромашка', 'василёк']);
  });

  it('refuse an empty list rather than make a word nobody can say', () => {
    expect(() => newCodeWord([])).toThrow(/empty/);
  });
});
