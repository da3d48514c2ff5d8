import { afterAll, beforeAll, expect, it } from 'vitest';
import { createVkClient } from '../../../bots/vk/bot.js';
import { createVkMessenger, randomIdFor } from '../../../bots/vk/messenger.js';
import { createRequestTexts } from '../../../src/messages/request-texts.js';
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
