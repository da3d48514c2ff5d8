import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemHarness } from '../support/harness.js';

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

describe('Telegram asks the questionnaire to slow down', () => {
  it('retries a reply inside the conversation after retry_after instead of failing the step', async () => {
    const vera = h.person(3101, 'Вера');
    let m = await vera.ask('/start');
    m = await vera.choose(m, 'Оставить заявку');
    expect(m.message.text).toMatch(/Кому нужна помощь/);

    // The next reply is made from inside the conversation, through the plugin's own API client.
    h.emulator.rateLimit('sendMessage', 1, 1);
    m = await vera.choose(m, 'Пенсионеру');
    expect(m.message.text).toMatch(/Сколько лет/);
    expect(h.messagesTo(3101).some((sent) => /что-то пошло не так/.test(sent.message.text))).toBe(false);
  });
});
