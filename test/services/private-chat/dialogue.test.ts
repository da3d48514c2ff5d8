import { describe, expect, it } from 'vitest';
import type { Prompt } from '../../../src/scenario/engine.js';
import { keyText } from '../../../src/scenario/text.js';
import { createPrivateChat, type PrivateChatDeps } from '../../../src/services/private-chat/dialogue.js';
import { promptText } from '../../../src/services/private-chat/prompt-text.js';
import type { ChatCapabilities } from '../../../src/services/private-chat/reply.js';
import { createChatTexts } from '../../../src/messages/chat-texts.js';
import { createRequestTexts } from '../../../src/messages/request-texts.js';
import { catalogs, helpScenario } from '../../support/scenario-fixtures.js';

const catalog = catalogs.ru;
const phonePrompt: Prompt = { seq: 9, stepId: 'phone', expects: 'phone', question: keyText('request.phone.question'), choices: [], canGoBack: true };
const telegramLike: ChatCapabilities = { canShareContact: true, opensWithStart: true };
const vkLike: ChatCapabilities = { canShareContact: false, opensWithStart: false, maxListRows: 5 };
const someone = { person: { platform: 'vk' as const, userId: '42' }, chatId: '42' };

/** A dialogue whose services hold nothing: no requests, no pending comment. */
function dialogue(capabilities: ChatCapabilities, open: number[] = []) {
  const deps = {
    catalog,
    words: createChatTexts(catalog, createRequestTexts(catalog, 'Europe/Moscow', helpScenario)),
    intake: {},
    desk: { withdrawable: async () => open, takeWords: async () => null, tasks: async () => [] },
    feedback: { takeComment: async () => null },
    erasure: {},
    myRequestsText: async () => 'Ваши заявки: …',
    capabilities,
  } as unknown as PrivateChatDeps;
  return createPrivateChat(deps);
}

describe('the phone question', () => {
  it('names the «share my number» button only where the platform has one', () => {
    const withButton = promptText(phonePrompt, catalog, { withHint: false, canShareContact: true });
    const without = promptText(phonePrompt, catalog, { withHint: false, canShareContact: false });
    expect(withButton).toContain('Отправить мой номер');
    expect(without).not.toContain('Отправить мой номер');
    expect(without).toContain('Напишите номер телефона');
  });
});

describe('the private chat outside the questionnaire', () => {
  it('greets a message where chats open with whatever is typed, and hints where they open with /start', async () => {
    const greeting = await dialogue(vkLike).handle(someone, { kind: 'text', text: 'Здравствуйте' });
    const hint = await dialogue(telegramLike).handle(someone, { kind: 'text', text: 'Здравствуйте' });
    expect(greeting.messages[0]).toMatchObject({ kind: 'text', text: catalog.t('bot.start.greeting') });
    expect(hint.messages[0]).toMatchObject({ kind: 'text', text: catalog.t('bot.intake.idle') });
    // Both offer the menu, whose «new request» starts the questionnaire and «become a volunteer» the application.
    for (const reply of [greeting, hint]) {
      const message = reply.messages[0];
      expect(message?.kind === 'text' && message.buttons?.flat().map((b) => b.action)).toEqual([
        { kind: 'menu', item: 'new' },
        { kind: 'menu', item: 'my' },
        { kind: 'menu', item: 'volunteer' },
      ]);
    }
  });

  it('lists at most as many cancel buttons under /my as the platform shows', async () => {
    const open = [1, 2, 3, 4, 5, 6, 7];
    const [limited, unlimited] = await Promise.all([
      dialogue(vkLike, open).handle(someone, { kind: 'command', name: 'my', args: '', text: '/my' }),
      dialogue(telegramLike, open).handle(someone, { kind: 'command', name: 'my', args: '', text: '/my' }),
    ]);
    const rows = (reply: typeof limited) => (reply.messages[0]?.kind === 'text' ? (reply.messages[0].buttons ?? []) : []);
    expect(rows(limited)).toHaveLength(5);
    expect(rows(unlimited)).toHaveLength(7);
    expect(rows(limited)[0]).toEqual([
      { label: catalog.t('requester.withdrawButton', { number: 1 }), action: { kind: 'withdraw', number: 1, confirmed: false } },
    ]);
  });

  it('calls a button it cannot read stale, without an alert', async () => {
    const reply = await dialogue(vkLike).handle(someone, { kind: 'press', action: null });
    expect(reply).toEqual({ notice: { text: catalog.t('bot.intake.staleButton'), alert: false }, messages: [] });
  });

  it('asks before forgetting, in the middle of anything', async () => {
    const reply = await dialogue(telegramLike).handle(someone, { kind: 'command', name: 'forget', args: '', text: '/forget' });
    const message = reply.messages[0];
    expect(message?.kind === 'text' && message.text).toBe(catalog.t('forget.question'));
    expect(message?.kind === 'text' && message.buttons?.flat().map((b) => b.action)).toEqual([
      { kind: 'forget', confirmed: true },
      { kind: 'forget', confirmed: false },
    ]);
  });
});
