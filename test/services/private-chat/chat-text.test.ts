import { describe, expect, it } from 'vitest';
import { cutText } from '../../../src/services/private-chat/chat-text.js';

describe('cutText', () => {
  it('leaves a text within the limit as it is', () => {
    expect(cutText('Ленинский', 9)).toBe('Ленинский');
    expect(cutText('🙂'.repeat(20), 40, 'utf16')).toBe('🙂'.repeat(20));
  });

  it('counts code points by default: an emoji is one character', () => {
    expect(cutText('🙂'.repeat(5), 4)).toBe('🙂🙂🙂…');
    expect(cutText('abcdef', 4)).toBe('abc…');
  });

  it("counts UTF-16 units with 'utf16', as VK's button labels do, and never splits an emoji", () => {
    const label = `${'a'.repeat(38)}🙂b`;
    const cut = cutText(label, 40, 'utf16');
    expect(cut).toBe(`${'a'.repeat(38)}…`);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cutText('🙂'.repeat(30), 40, 'utf16')).toBe(`${'🙂'.repeat(19)}…`);
  });
});
