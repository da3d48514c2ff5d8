import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileVkRequest, SystemHarness, VK_COORDINATOR_ID } from '../support/harness.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

// The conversation after submit in VK: the relative's words after «Выполнено» reach the volunteer who did it.
const CHAT = PEER_CHAT_OFFSET + 25;
const WORDS = 'Спасибо! Но купили не тот хлеб';

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({}, { vk: true });
  await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', CHAT).ask('/bind Центральный');
});
afterAll(async () => {
  await h?.stop();
});

it("passes the relative's words after «Выполнено» to the volunteer with the request's number, and keeps the menu at hand", async () => {
  const relative = h.vkPerson(7801, 'Ирина');
  const number = await fileVkRequest(relative, 'Центральный');
  const post = await h.vk.waitFor(() => h.vk.messagesTo(CHAT).find((m) => m.text.includes(`Заявка №${number}\n`) && m.keyboard?.buttons.flat().length));
  const olga = h.vkPerson(7802, 'Ольга');
  olga.skipAll();
  h.vkPerson(7802, 'Ольга', CHAT).press(post, 'Взять заявку');
  const card = await olga.reply();
  await olga.choose(await olga.choose(card, 'Выполнено'), 'Без комментария');
  await h.vk.waitFor(() => h.vk.messagesTo(relative.peerId).find((m) => /выполнена/.test(m.text)));
  relative.skipAll();
  olga.skipAll();

  const passed = await relative.ask(WORDS);
  expect(passed.text).toBe(`Спасибо, ваше сообщение по заявке №${number} передано волонтёру, который её взял. Ответ придёт сюда.`);
  expect(passed.keyboard?.buttons.flat().map((b) => b.action.label)).toContain('📝 Оставить заявку');
  const toOlga = await olga.reply();
  expect(toOlga.text).toContain(`№${number}`);
  expect(toOlga.text).toContain(WORDS);

  expect((await olga.ask(`/reply ${number} Завтра привезу другой`)).text).toBe(`Ответ по заявке №${number} отправлен заявителю.`);
  expect((await relative.reply()).text).toMatch(new RegExp(`по заявке №${number}:\\nЗавтра привезу другой`));
}, 60_000);
