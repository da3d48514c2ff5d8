import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVkClient } from '../../../bots/vk/bot.js';
import { createVkMessenger, randomIdFor } from '../../../bots/vk/messenger.js';
import { RecipientUnreachableError } from '../../../src/domain/errors.js';
import { toPublicView } from '../../../src/domain/request.js';
import { createRequestTexts } from '../../../src/messages/request-texts.js';
import { PermanentDeliveryError } from '../../../src/services/outbox/permanent-delivery-error.js';
import { FakeRequestRepository, makeDraft } from '../../support/fakes.js';
import { catalogs, helpScenario } from '../../support/scenario-fixtures.js';
import { VkApiFake } from '../../support/vk-api-fake.js';

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
