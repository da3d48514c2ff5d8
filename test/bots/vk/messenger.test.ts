import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVkClient } from '../../../bots/vk/bot.js';
import { createVkMessenger, randomIdFor } from '../../../bots/vk/messenger.js';
import { ChatLostError, RecipientUnreachableError } from '../../../src/domain/errors.js';
import { toPublicView } from '../../../src/domain/request.js';
import { createRequestTexts } from '../../../src/messages/request-texts.js';
import { PermanentDeliveryError } from '../../../src/services/outbox/permanent-delivery-error.js';
import { FakeRequestRepository, makeDraft } from '../../support/fakes.js';
import { catalogs, helpScenario } from '../../support/scenario-fixtures.js';
import { NO_ACCESS_TO_CHAT, VkApiFake } from '../../support/vk-api-fake.js';

const TOKEN = 'vk1.a.community-token-for-the-fake';
const GROUP_ID = 222333;
const PERSON = 4242;

let fake: VkApiFake;
let messenger: ReturnType<typeof createVkMessenger>;
beforeAll(async () => {
  fake = new VkApiFake({ token: TOKEN, groupId: GROUP_ID });
  await fake.start();
  fake.addUser({ id: PERSON, firstName: 'Вера', lastName: 'Тестова' });
  const vk = createVkClient({ token: TOKEN, groupId: GROUP_ID, apiBaseUrl: fake.apiBaseUrl, apiLimit: 500 });
  messenger = createVkMessenger(vk.api, createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario), catalogs.ru);
});
afterAll(async () => {
  await fake?.stop();
});

it('sends a message once however often it is resent under the same delivery key', async () => {
  // A worker that dies between the send and its mark sends again under the same outbox key.
  await messenger.sendText(String(PERSON), 'Заявку №7 взял волонтёр.', { deliveryKey: 'notify:7:claimed:1' });
  await messenger.sendText(String(PERSON), 'Заявку №7 взял волонтёр.', { deliveryKey: 'notify:7:claimed:1' });
  await messenger.sendText(String(PERSON), 'Заявку №8 взял волонтёр.', { deliveryKey: 'notify:8:claimed:1' });
  expect(fake.messagesTo(PERSON).map((m) => m.text)).toEqual(['Заявку №7 взял волонтёр.', 'Заявку №8 взял волонтёр.']);
});

it('derives a positive 32-bit random_id, the same for the same key', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `post:${i}:vk:2000000001`);
  const ids = keys.map(randomIdFor);
  expect(ids.every((id) => Number.isInteger(id) && id >= 1 && id <= 2_147_483_647)).toBe(true);
  expect(keys.map(randomIdFor)).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
  const unkeyed = Array.from({ length: 200 }, () => randomIdFor(undefined));
  expect(unkeyed.every((id) => Number.isInteger(id) && id >= 1 && id <= 2_147_483_647)).toBe(true);
});

describe('refusals, as the outbox reads them', () => {
  const CHAT = 2_000_000_077;
  const post = { platform: 'vk' as const, chatId: String(CHAT), messageId: '1', viaHeadquarters: false, round: 1 };
  const aView = async () => toPublicView(await new FakeRequestRepository().create({ draft: makeDraft(), channel: 'vk', at: new Date() }));

  it('throws RecipientUnreachableError for a person who never allowed the community to write', async () => {
    const closed = 4343;
    fake.forbidMessagesTo(closed);
    const error = await messenger.sendText(String(closed), 'Заявку №7 взял волонтёр.').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientUnreachableError);
  });

  it('throws PermanentDeliveryError for an edit in a chat the community lost access to', async () => {
    fake.fail('messages.edit', () => true, { error_code: 15, error_msg: 'Access denied', times: 1 });
    const error = await messenger.updatePost(post, await aView()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ reason: expect.stringMatching(/^15: /) });
  });

  it('leaves flood control to be retried after the pause VK wants', async () => {
    fake.fail('messages.edit', () => true, { error_code: 9, error_msg: 'Flood control', times: 1 });
    const error = await messenger.updatePost(post, await aView()).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(messenger.describeFailure(error)).toMatchObject({ reason: expect.stringMatching(/^9: /), retryAfterMs: 60_000 });
  });
});

describe('a conversation the community can no longer write in', () => {
  let nextChat = 2_000_000_100;
  const aView = async () => toPublicView(await new FakeRequestRepository().create({ draft: makeDraft(), channel: 'vk', at: new Date() }));
  const refusing = (code: number, message: string) => {
    const chat = nextChat++;
    fake.refuseWritesTo(chat, { error_code: code, error_msg: message });
    return chat;
  };

  it.each([
    [917, "You don't have access to this chat", 'removed'],
    [922, 'You left this chat', 'removed'],
    [1012, 'Writing is disabled for this chat', 'noRights'],
    [945, 'Chat was disabled', 'gone'],
    [946, 'Chat not supported', 'gone'],
  ])('a group post refused per peer with %i (%s) is a lost chat: %s', async (code, message, reason) => {
    const chat = refusing(code, message);
    const error = await messenger.postRequest(String(chat), await aView(), false, { deliveryKey: `post:1:vk:${chat}:0` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatLostError);
    expect(error).toMatchObject({ platform: 'vk', reason });
  });

  it('an edit of a post and a text to the conversation refused with 917 are ChatLostError too', async () => {
    const chat = refusing(NO_ACCESS_TO_CHAT.error_code, NO_ACCESS_TO_CHAT.error_msg);
    const post = { platform: 'vk' as const, chatId: String(chat), messageId: '1', viaHeadquarters: false, round: 0 };
    const edit = await messenger.updatePost(post, await aView()).catch((e: unknown) => e);
    const text = await messenger.sendText(String(chat), 'Сводка за день').catch((e: unknown) => e);
    for (const error of [edit, text]) {
      expect(error).toBeInstanceOf(ChatLostError);
      expect(error).toMatchObject({ reason: 'removed' });
    }
  });

  it('any other per-peer refusal of a post stays a failure to retry', async () => {
    const chat = refusing(936, 'Contact not found');
    const error = await messenger.postRequest(String(chat), await aView(), false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ChatLostError);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
  });

  it("7 (a right the token lacks) in a conversation, and a person's 917, are not a lost chat", async () => {
    const chat = nextChat++;
    fake.fail('messages.edit', (p) => p.peer_id === String(chat), { error_code: 7, error_msg: 'Permission to perform this action is denied' });
    const post = { platform: 'vk' as const, chatId: String(chat), messageId: '1', viaHeadquarters: false, round: 0 };
    const denied = await messenger.updatePost(post, await aView()).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermanentDeliveryError);
    expect(denied).toMatchObject({ reason: expect.stringMatching(/^7: /) });

    const person = 4444;
    fake.refuseWritesTo(person, NO_ACCESS_TO_CHAT);
    const refused = await messenger.sendText(String(person), 'Заявку №7 взял волонтёр.').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect(refused).not.toBeInstanceOf(ChatLostError);
  });
});
