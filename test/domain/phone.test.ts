import { describe, expect, it } from 'vitest';
import { normalizeRussianPhone } from '../../src/domain/phone.js';

describe('normalizeRussianPhone', () => {
  it.each([
    // How people actually type a mobile number.
    ['8 913 123-45-67', '+79131234567'],
    ['89131234567', '+79131234567'],
    ['+7(913)1234567', '+79131234567'],
    ['+7 (913) 123-45-67', '+79131234567'],
    ['+79131234567', '+79131234567'],
    ['79131234567', '+79131234567'],
    ['7 913 123 45 67', '+79131234567'],
    ['9131234567', '+79131234567'],
    ['913.123.45.67', '+79131234567'],
    ['  8-913-123-45-67  ', '+79131234567'],
    // Landlines with a city code.
    ['8 (383) 222-33-44', '+73832223344'],
    ['(383) 222 33 44', '+73832223344'],
    ['+7 495 123 45 67', '+74951234567'],
    // A ten-digit number may start with 8 (812 is St Petersburg).
    ['812 123 45 67', '+78121234567'],
  ])('normalises %j to %s', (input, expected) => {
    expect(normalizeRussianPhone(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['звоните вечером', 'words'],
    ['8 913 123-45-67 после 18:00', 'a number with words'],
    ['913 123 45 6', 'nine digits'],
    ['8 913 123 45 67 8', 'twelve digits'],
    ['+8 913 123 45 67', '+8 is not a country code'],
    ['1 913 123 45 67', 'eleven digits not starting with 7 or 8'],
    ['+1 212 555 0123', 'a US number'],
    ['+375 29 123 45 67', 'a Belarusian number'],
    ['+49 30 1234567', 'a German number'],
    // With a plus, ten digits already include a country code that is not 7: not a Russian number.
    ['+32 2 123 45 67', 'a Brussels number of ten digits'],
    ['+913 123 45 67', 'a plus and ten digits without the 7'],
    ['++79131234567', 'two pluses'],
    ['7+9131234567', 'a plus in the middle'],
    ['+7 913 123 45 67 доб. 5', 'an extension'],
    ['８９１３１２３４５６７', 'full-width digits'],
  ])('rejects %j (%s)', (input) => {
    expect(normalizeRussianPhone(input)).toBeNull();
  });

  it('returns the form the domain schema requires', () => {
    expect(normalizeRussianPhone('8 913 123-45-67')).toMatch(/^\+7\d{10}$/);
  });
});
