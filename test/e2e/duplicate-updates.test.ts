import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRequest, postTelegramWebhook, startCommandUpdate, SystemHarness } from '../support/harness.js';
import { PEER_CHAT_OFFSET, type VkUpdate } from '../support/vk-api-fake.js';

// A webhook is retried when its answer is slow or lost, so the same update can arrive twice (even
// while the first delivery is still being handled). Each must be acted on once.

/** Lets a wrongly handled second delivery show itself before counting. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('Telegram webhook', () => {
  const SECRET = 'webhook-secret-0123456789';
  let h: SystemHarness;
  beforeAll(async () => {
    h = await SystemHarness.start({ TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:9/', TELEGRAM_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const startUpdate = (updateId: number, userId: number) => startCommandUpdate(updateId, userId, 'Повтор');
  const post = async (body: unknown): Promise<number> => (await postTelegramWebhook(h, body, SECRET)).status;

  it('greets once for a /start update delivered twice', async () => {
    const update = startUpdate(5001, 801);
    expect(await post(update)).toBe(200);
    expect(await post(update)).toBe(200);
    await h.waitForMessages(801, 0);
    await settle();
    expect(h.messagesTo(801).map((m) => m.message.text)).toEqual([expect.stringMatching(/Здравствуйте/)]);

    // Another update with the same content is a new update: it is answered.
    expect(await post(startUpdate(5002, 801))).toBe(200);
    await h.waitForMessages(801, 1);
  });

  it('greets once when the retry arrives while the first delivery is still being handled', async () => {
    const update = startUpdate(5003, 802);
    expect(await Promise.all([post(update), post(update)])).toEqual([200, 200]);
    await h.waitForMessages(802, 0);
    await settle();
    expect(h.messagesTo(802)).toHaveLength(1);
  });
});

describe('VK Callback API', () => {
  const SECRET = 'callback-secret-42';
  const LENINSKY_VK = PEER_CHAT_OFFSET + 21;
  let h: SystemHarness;
  beforeAll(async () => {
    // Telegram keeps polling the emulator here, which lets a relative file a request the ordinary way.
    h = await SystemHarness.start({ VK_MODE: 'callback', VK_CALLBACK_SECRET: SECRET, VK_CALLBACK_CONFIRMATION: 'a1b2c3d4' }, { vk: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function post(event: VkUpdate): Promise<{ status: number; text: string }> {
    const response = await fetch(`${h.system!.httpUrl}/vk/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(h.vk.webhookBody(event, SECRET)),
    });
    return { status: response.status, text: await response.text() };
  }

  it('greets once for a message_new event delivered twice', async () => {
    h.vk.addUser({ id: 6001, firstName: 'Повтор', lastName: 'Тестова' });
    const event = h.vk.makeMessageNew({ fromId: 6001, text: 'Привет' });
    expect(await post(event)).toEqual({ status: 200, text: 'ok' });
    expect(await post(event)).toEqual({ status: 200, text: 'ok' });
    await settle();
    expect(h.vk.messagesTo(6001).map((m) => m.text)).toEqual([expect.stringMatching(/Здравствуйте/)]);

    // The same words in a new message are a new event: they are answered.
    expect(await post(h.vk.makeMessageNew({ fromId: 6001, text: 'Привет' }))).toEqual({ status: 200, text: 'ok' });
    expect(h.vk.messagesTo(6001)).toHaveLength(2);
  });

  it('greets once when both deliveries of a message_new arrive at once', async () => {
    h.vk.addUser({ id: 6002, firstName: 'Повтор', lastName: 'Тестова' });
    const event = h.vk.makeMessageNew({ fromId: 6002, text: 'Привет' });
    expect(await Promise.all([post(event), post(event)])).toEqual([
      { status: 200, text: 'ok' },
      { status: 200, text: 'ok' },
    ]);
    await settle();
    expect(h.vk.messagesTo(6002)).toHaveLength(1);
  });

  it('answers a claim press delivered twice with one snackbar', async () => {
    await h.database.db.repositories.districtChats.bind(
      { district: 'Ленинский', platform: 'vk', chatId: String(LENINSKY_VK) },
      { platform: 'telegram', userId: '900' },
      new Date(),
    );
    const number = await fileRequest(h.person(803, 'Ирина'), 'Ленинский');
    const post_ = await h.vk.waitFor(() => h.vk.messagesTo(LENINSKY_VK).find((m) => m.text.includes(`Заявка №${number}\n`)));
    const button = post_.keyboard?.buttons.flat().find((b) => b.action.type === 'callback');
    expect(button?.action.payload).toBeDefined();

    h.vk.addUser({ id: 7101, firstName: 'Олег', lastName: 'Тестова' });
    const press = h.vk.makeMessageEvent({
      userId: 7101,
      peerId: LENINSKY_VK,
      conversationMessageId: post_.conversationMessageId,
      payload: button!.action.payload,
    });
    const answersBefore = h.vk.eventAnswers().length;
    expect(await post(press)).toEqual({ status: 200, text: 'ok' });
    expect(await post(press)).toEqual({ status: 200, text: 'ok' });
    await settle();

    const answers = h.vk.eventAnswers().slice(answersBefore);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ userId: 7101, eventData: { type: 'show_snackbar' } });
    expect(String(answers[0]!.eventData?.text)).toMatch(/ваша/);
    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.volunteer?.userId).toBe('7101');
  });
});
