import { Api } from 'grammy';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTelegramMessenger } from '../../../bots/telegram/messenger.js';
import { ChatLostError, ChatMovedError, RecipientUnreachableError } from '../../../src/domain/errors.js';
import { toPublicView } from '../../../src/domain/request.js';
import { createRequestTexts } from '../../../src/messages/request-texts.js';
import { PermanentDeliveryError } from '../../../src/services/outbox/permanent-delivery-error.js';
import { FakeRequestRepository, makeDraft } from '../../support/fakes.js';
import { catalogs, helpScenario } from '../../support/scenario-fixtures.js';
import { TgEmulator } from '../../support/telegram-emulator.js';

// How the messenger reads Telegram's refusals for the outbox: final ones as PermanentDeliveryError
// (or RecipientUnreachableError for a person), the rest left to describeFailure with the wait asked for.
const GROUP = '-100555';
const PERSON = '4242';

let emulator: TgEmulator;
let messenger: ReturnType<typeof createTelegramMessenger>;
beforeAll(async () => {
  emulator = new TgEmulator();
  await emulator.start();
  const api = new Api('123456:telegram-messenger-test', { apiRoot: emulator.apiRoot });
  messenger = createTelegramMessenger(api, createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario), catalogs.ru);
});
afterAll(async () => {
  await emulator?.stop();
});

async function aView() {
  const request = await new FakeRequestRepository().create({ draft: makeDraft(), channel: 'telegram', at: new Date() });
  return toPublicView(request);
}

it('throws ChatLostError for a post to a group the bot was removed from, or may not write in', async () => {
  emulator.fail('sendMessage', () => true, { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat', times: 1 });
  const removed = await messenger.postRequest(GROUP, await aView(), false).catch((e: unknown) => e);
  expect(removed).toBeInstanceOf(ChatLostError);
  expect(removed).toMatchObject({ platform: 'telegram', reason: 'removed' });
  emulator.fail('sendMessage', () => true, { error_code: 400, description: 'Bad Request: not enough rights to send text messages to the chat', times: 1 });
  expect(await messenger.postRequest(GROUP, await aView(), false).catch((e: unknown) => e)).toMatchObject({ reason: 'noRights' });
});

it('throws ChatMovedError with the new id for a group that became a supergroup', async () => {
  emulator.fail('sendMessage', () => true, {
    error_code: 400,
    description: 'Bad Request: group chat was upgraded to a supergroup chat',
    parameters: { migrate_to_chat_id: -1009876 },
    times: 1,
  });
  const error = await messenger.postRequest(GROUP, await aView(), false).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChatMovedError);
  expect(error).toMatchObject({ toChatId: '-1009876' });
});

it('posts into the topic an address names, and edits the post there by the group', async () => {
  const view = await aView();
  const messageId = await messenger.postRequest(`${GROUP}/77`, view, false);
  const sent = emulator.callsOf('sendMessage').at(-1)!.payload;
  expect([String(sent.chat_id), Number(sent.message_thread_id)]).toEqual([GROUP, 77]);
  await messenger.updatePost({ platform: 'telegram', chatId: `${GROUP}/77`, messageId, viaHeadquarters: false, round: 0 }, { ...view, status: 'claimed' });
  expect(String(emulator.callsOf('editMessageText').at(-1)!.payload.chat_id)).toBe(GROUP);
  // A reminder of the waiting request goes into the topic too.
  await messenger.sendText(`${GROUP}/77`, 'Заявка №1 всё ещё ждёт волонтёра.');
  const reminder = emulator.callsOf('sendMessage').at(-1)!.payload;
  expect([String(reminder.chat_id), Number(reminder.message_thread_id)]).toEqual([GROUP, 77]);
});

it('throws RecipientUnreachableError for a person who blocked the bot', async () => {
  emulator.fail('sendMessage', () => true, { error_code: 403, description: 'Forbidden: bot was blocked by the user', times: 1 });
  const error = await messenger.sendText(PERSON, 'Заявку №7 взял волонтёр.').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RecipientUnreachableError);
  expect(error).toMatchObject({ reason: 'Forbidden: bot was blocked by the user' });
});

it('leaves a 429 to be retried when Telegram asks, and a 5xx to be retried with backoff', async () => {
  emulator.rateLimit('sendMessage', 3);
  const slowDown = await messenger.sendText(PERSON, 'Ваша заявка принята.').catch((e: unknown) => e);
  expect(slowDown).not.toBeInstanceOf(PermanentDeliveryError);
  expect(messenger.describeFailure(slowDown)).toEqual({ reason: '429: Too Many Requests: retry after 3', retryAfterMs: 3000 });

  emulator.fail('sendMessage', () => true, { error_code: 502, description: 'Bad Gateway', times: 1 });
  const outage = await messenger.postRequest(GROUP, await aView(), false).catch((e: unknown) => e);
  expect(outage).not.toBeInstanceOf(PermanentDeliveryError);
  expect(messenger.describeFailure(outage)).toEqual({ reason: '502: Bad Gateway' });
});
