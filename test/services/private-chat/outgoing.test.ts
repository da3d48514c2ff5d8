import { describe, expect, it } from 'vitest';
import { createRequestTexts } from '../../../src/messages/request-texts.js';
import { PermanentDeliveryError } from '../../../src/services/outbox/permanent-delivery-error.js';
import { privateMessages } from '../../../src/services/private-chat/outgoing.js';
import type { ShownMessage } from '../../../src/services/ports.js';
import { makeRequest } from '../../support/fakes.js';
import { catalogs, helpScenario } from '../../support/scenario-fixtures.js';

// How a message with a request's details is taken back, by its age and the platform's limits. The
// clock is the test's: `sentAt` and `now` are given.
const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);
const HOUR = 3600_000;
const SENT = new Date('2025-03-01T09:00:00Z');
const hoursLater = (hours: number) => new Date(SENT.getTime() + hours * HOUR);
/** Telegram: edits at any age, deletes within 48 hours; VK: edits within 24 hours, never deletes. */
const TELEGRAM = { deletableForMs: 48 * HOUR };
const VK = { editableForMs: 24 * HOUR };

function messagesWith(limits: { editableForMs?: number; deletableForMs?: number }, refuse?: 'edit' | 'remove') {
  const calls: string[] = [];
  const refusal = () => new PermanentDeliveryError('400: message can not be edited');
  const messages = privateMessages(catalogs.ru, texts, {
    send: async () => '1',
    edit: async (chatId, messageId, text) => {
      if (refuse === 'edit') throw refusal();
      calls.push(`edit ${chatId}/${messageId}: ${text}`);
    },
    ...(limits.editableForMs ? { editableForMs: limits.editableForMs } : {}),
    ...(limits.deletableForMs
      ? {
          remove: {
            call: async (chatId: string, messageId: string) => {
              if (refuse === 'remove') throw refusal();
              calls.push(`delete ${chatId}/${messageId}`);
            },
            withinMs: limits.deletableForMs,
          },
        }
      : {}),
  });
  return { messages, calls };
}

const card: ShownMessage = { chatId: '11', messageId: '7', form: 'text', sentAt: SENT };
const contactCard: ShownMessage = { ...card, messageId: '8', form: 'contact_card' };

describe('withdrawing a message that showed a request', () => {
  const request = makeRequest({ number: 42, status: 'done', district: 'Центральный' });

  it('edits a card to a version with the reason and without the personal data, at any age where the platform allows', async () => {
    const { messages, calls } = messagesWith(TELEGRAM);
    expect(await messages.withdrawShown(card, request, hoursLater(24 * 30))).toBe('replaced');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^edit 11\/7: Заявка №42 · Центральный/);
    expect(calls[0]).toContain('Выполнена');
    for (const value of Object.values(request.personal)) expect(calls[0]).not.toContain(value);
  });

  it('deletes a contact card within the platform window, with an hour kept in hand, and leaves an older one', async () => {
    const { messages, calls } = messagesWith(TELEGRAM);
    expect(await messages.withdrawShown(contactCard, request, hoursLater(46))).toBe('deleted');
    expect(await messages.withdrawShown(contactCard, request, hoursLater(47.5))).toBe('kept');
    expect(await messages.withdrawShown(contactCard, request, hoursLater(49))).toBe('kept');
    expect(calls).toEqual(['delete 11/8']);
  });

  it('on a platform that edits only for a day, edits a fresh card and leaves a day-old one', async () => {
    const { messages, calls } = messagesWith(VK);
    expect(await messages.withdrawShown(card, request, hoursLater(22))).toBe('replaced');
    expect(await messages.withdrawShown(card, request, hoursLater(25))).toBe('kept');
    expect(await messages.withdrawShown(contactCard, request, hoursLater(1))).toBe('kept');
    expect(calls).toHaveLength(1);
  });

  it('reads a final refusal of the platform as a message it cannot take back', async () => {
    expect(await messagesWith(TELEGRAM, 'edit').messages.withdrawShown(card, request, hoursLater(1))).toBe('kept');
    expect(await messagesWith(TELEGRAM, 'remove').messages.withdrawShown(contactCard, request, hoursLater(1))).toBe('kept');
  });
});
