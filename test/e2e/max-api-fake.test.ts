// Proves test/support/max-api-fake.ts against the real @maxhub/max-bot-api 0.3.1: long polling,
// replies with inline keyboards, callback buttons and their answers, edits, contacts, MAX's limits
// and refusals, the rate limit, webhook delivery, and a clean stop.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AudioAttachment,
  Bot,
  type Context,
  FileAttachment,
  ImageAttachment,
  Keyboard,
  LocationAttachment,
  MaxError,
  VideoAttachment,
} from '@maxhub/max-bot-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaxApiFake, type MaxUpdate } from '../support/max-api-fake.js';
import { MaxPerson } from '../support/max-person.js';

const TOKEN = 'max-test-token-0001';
const BOT_ID = 5000;
const ANNA = 101;
const BORIS = 102;
const VERA = 103;
const GROUP = -70000000001;

type AnswerExtra = NonNullable<Parameters<Bot['api']['answerOnCallback']>[1]>;
/** The client's types (0.3.1) lack POST /answers' `notification`, which MAX takes. */
const notification = (text: string) => ({ notification: text }) as unknown as AnswerExtra;
const callbackKeyboard = (text: string, payload: string) => Keyboard.inlineKeyboard([[Keyboard.button.callback(text, payload)]]);
const newBot = (baseUrl: string, token = TOKEN) => new Bot(token, { clientOptions: { baseUrl } });

/** The MaxError a call was refused with (and a failure if it was not refused). */
async function refusal(call: Promise<unknown>): Promise<MaxError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MaxError)) throw new Error(`expected a MaxError, got ${String(error)}`);
  return error;
}
const statusAndCode = (e: MaxError) => [e.status, e.code];

let fake: MaxApiFake;
let bot: Bot;
let running: Promise<void>;
const seen = { messages: [] as Context[], callbacks: [] as Context[], events: [] as Context[], sendErrors: [] as unknown[], errors: [] as unknown[] };
const textOf = (ctx: Context | undefined) => ctx?.message?.body.text;

describe('MaxApiFake with the real @maxhub/max-bot-api', () => {
  beforeAll(async () => {
    // Polls held longer than any wait (15 s): a test's "held, then push" never races the hold's end,
    // and a poll the fake failed to drop would still be held when a wait for its drop gives up.
    fake = new MaxApiFake({ token: TOKEN, botId: BOT_ID, botName: 'Тестовый бот', botUsername: 'test_help_bot', longPollMaxMs: 30_000 });
    await fake.start();
    fake.addUser({ id: ANNA, firstName: 'Анна', lastName: 'Тестова', phone: '+79990000101' });
    fake.addUser({ id: BORIS, firstName: 'Борис' });
    fake.addChat({ chatId: GROUP, title: 'Волонтёры района', members: [BORIS] });

    bot = newBot(fake.baseUrl);
    bot.catch((error) => {
      seen.errors.push(error);
    });
    bot.on('message_created', async (ctx) => {
      seen.messages.push(ctx);
      const text = ctx.message.body.text ?? '';
      if (text.startsWith('silent') || ctx.contactInfo || ctx.sticker) return;
      try {
        await ctx.reply(`echo: ${text}`, { attachments: [callbackKeyboard('Взять', 'claim:5')] });
      } catch (error) {
        seen.sendErrors.push(error);
      }
    });
    bot.on('message_callback', async (ctx) => {
      seen.callbacks.push(ctx);
      const payload = ctx.callback.payload ?? '';
      if (payload.startsWith('claim:')) await ctx.answerOnCallback(notification(`Взято: ${payload}`));
    });
    bot.on(['bot_started', 'bot_added', 'bot_removed'], (ctx) => {
      seen.events.push(ctx);
    });
    running = bot.start();
    await fake.waitFor(() => fake.heldPollCount === 1, undefined, 'the first long poll of the bot');
  });

  afterAll(async () => {
    bot?.stopPolling();
    await fake?.stop();
    await running;
  });

  it('Bot.start() reads GET /me and GET /subscriptions with the token, then long-polls', () => {
    expect(fake.callsOf('GET', '/me')[0]).toMatchObject({ status: 200, response: { user_id: BOT_ID, is_bot: true, username: 'test_help_bot' } });
    expect(bot.botInfo).toMatchObject({ user_id: BOT_ID, first_name: 'Тестовый бот' });
    expect(fake.callsOf('GET', '/subscriptions')).toHaveLength(1);
    expect(fake.heldPollCount).toBe(1);
    expect(fake.calls.some((c) => c.path === '/updates')).toBe(false); // long polls are not API calls
  });

  it('a pushed message reaches the bot, and ctx.reply answers in the dialog with an inline keyboard', async () => {
    const before = seen.messages.length;
    const update = fake.pushMessage({ fromId: ANNA, text: 'Нужна помощь' });
    const [reply] = await fake.waitFor(() => fake.messagesToUser(ANNA).length === 1 && fake.messagesToUser(ANNA), undefined, 'the echo to Anna');
    const ctx = seen.messages[before]!;
    expect(ctx.chatId).toBe(fake.dialogIdOf(ANNA));
    expect(ctx.user).toMatchObject({ user_id: ANNA, first_name: 'Анна', last_name: 'Тестова', name: 'Анна Тестова', is_bot: false });
    expect(ctx.message?.recipient).toMatchObject({ chat_id: fake.dialogIdOf(ANNA), chat_type: 'dialog', user_id: BOT_ID });
    expect(ctx.message?.body.mid).toBe((update.message as { body: { mid: string } }).body.mid);
    expect(ctx.update).toMatchObject({ update_type: 'message_created', user_locale: 'ru' });

    expect(reply).toMatchObject({ text: 'echo: Нужна помощь', chatType: 'dialog', chatId: fake.dialogIdOf(ANNA), userId: ANNA, edits: 0, deleted: false });
    expect(reply!.mid).toMatch(/^mid\.[0-9a-f]{16}$/);
    expect(reply!.keyboard).toEqual([[{ type: 'callback', text: 'Взять', payload: 'claim:5' }]]);
    const send = fake.callsOf('POST', '/messages').at(-1)!;
    expect(send.query).toEqual({ chat_id: String(fake.dialogIdOf(ANNA)) }); // ctx.reply writes by chat_id
    expect(send.response).toMatchObject({
      message: {
        sender: { user_id: BOT_ID, is_bot: true },
        recipient: { chat_type: 'dialog', user_id: ANNA },
        body: { mid: reply!.mid, text: 'echo: Нужна помощь' },
      },
    });
    expect(seen.sendErrors).toEqual([]);
  });

  it('pressing the callback button gives message_callback with its payload; the answer is recorded, and a second one refused', async () => {
    const post = fake.messagesToUser(ANNA)[0]!;
    const update = fake.press(ANNA, post, 'Взя');
    const callbackId = (update.callback as { callback_id: string }).callback_id;
    await fake.waitFor(() => fake.callbackAnswers().length === 1, undefined, 'the answer to the press');
    const ctx = seen.callbacks.at(-1)!;
    expect(ctx.callback).toMatchObject({ callback_id: callbackId, payload: 'claim:5', user: { user_id: ANNA } });
    expect([ctx.chatId, ctx.messageId, ctx.user?.user_id]).toEqual([fake.dialogIdOf(ANNA), post.mid, ANNA]);
    expect(ctx.message?.body.attachments).toEqual([
      { type: 'inline_keyboard', payload: { buttons: [[{ type: 'callback', text: 'Взять', payload: 'claim:5' }]] } },
    ]);
    expect(fake.callbackAnswers()).toEqual([{ callbackId, userId: ANNA, notification: 'Взято: claim:5', time: expect.any(Number) }]);

    expect(statusAndCode(await refusal(bot.api.answerOnCallback(callbackId, notification('ещё раз'))))).toEqual([400, 'proto.payload']);
    expect(statusAndCode(await refusal(bot.api.answerOnCallback('no-such-callback', notification('?'))))).toEqual([400, 'proto.payload']);
    expect(fake.callbackAnswers()).toHaveLength(1);
    expect(() => fake.press(ANNA, post, 'Отказаться')).toThrow(/no button Отказаться .*its buttons: callback "Взять"/);
    expect(() => fake.press(ANNA, post, /^взять$/i)).not.toThrow(); // a RegExp matches too
    await fake.waitFor(() => fake.callbackAnswers().length === 2, undefined, 'the answer to the press by RegExp');
  });

  it('an answer with a message edits the pressed message; an edit with attachments: [] takes the keyboard away, one without keeps it', async () => {
    const sent = await bot.api.sendMessageToUser(BORIS, 'Заявка 7', { attachments: [callbackKeyboard('Взять заявку', 'take:7')] });
    expect(fake.callsOf('POST', '/messages').at(-1)!.query).toEqual({ user_id: String(BORIS) });
    const mid = sent.body.mid;
    const press = fake.press(BORIS, fake.message(mid)!, 'Взять');
    const callbackId = (press.callback as { callback_id: string }).callback_id;
    await fake.waitFor(() => seen.callbacks.some((c) => c.callback?.callback_id === callbackId), undefined, 'the press at the bot');
    expect(seen.callbacks.at(-1)!.callback?.payload).toBe('take:7');

    await bot.api.answerOnCallback(callbackId, { message: { text: 'Заявка 7 взята', attachments: [callbackKeyboard('Отказаться', 'drop:7')] } });
    expect(fake.message(mid)).toMatchObject({ text: 'Заявка 7 взята', edits: 1, keyboard: [[{ text: 'Отказаться', payload: 'drop:7' }]] });
    expect(fake.callbackAnswers().at(-1)).toMatchObject({ callbackId, userId: BORIS, message: { text: 'Заявка 7 взята' } });

    expect(await bot.api.editMessage(mid, { text: 'Заявка 7 у волонтёра' })).toEqual({ success: true });
    expect(fake.message(mid)).toMatchObject({ text: 'Заявка 7 у волонтёра', edits: 2, keyboard: [[{ text: 'Отказаться' }]] });
    await bot.api.editMessage(mid, { text: 'Заявка 7 закрыта', attachments: [] });
    expect(fake.message(mid)).toMatchObject({ text: 'Заявка 7 закрыта', edits: 3, attachments: [] });
    expect(fake.message(mid)!.keyboard).toBeUndefined();
    expect(() => fake.press(BORIS, fake.message(mid)!, 'Отказаться')).toThrow(/its buttons: none/);
    expect((await bot.api.getMessage(mid)).body.text).toBe('Заявка 7 закрыта');

    expect(statusAndCode(await refusal(bot.api.editMessage('mid.0000000000000000', { text: 'x' })))).toEqual([404, 'not.found']);
    expect(await bot.api.deleteMessage(mid)).toEqual({ success: true });
    expect(fake.messagesToUser(BORIS).find((m) => m.mid === mid)?.deleted).toBe(true); // kept, marked
    expect(statusAndCode(await refusal(bot.api.getMessage(mid)))).toEqual([404, 'not.found']);
  });

  it('a request_contact press sends a contact whose vCard ctx.contactInfo reads', async () => {
    await bot.api.sendMessageToUser(ANNA, 'Поделитесь номером', {
      attachments: [Keyboard.inlineKeyboard([[Keyboard.button.requestContact('Поделиться номером')]])],
    });
    const before = seen.messages.length;
    fake.press(ANNA, fake.messagesToUser(ANNA).at(-1)!, 'Поделиться');
    const ctx = await fake.waitFor(() => seen.messages[before], undefined, 'the contact at the bot');
    expect(ctx.contactInfo).toEqual({ tel: '+79990000101', fullName: 'Анна Тестова' });
    expect(ctx.message?.body.text).toBe('');
    expect(ctx.message?.body.attachments?.[0]).toMatchObject({ type: 'contact', payload: { max_info: { user_id: ANNA } } });

    fake.pushContact(BORIS, { phone: '+79990000102', name: 'Борис Т.' });
    const other = await fake.waitFor(() => seen.messages[before + 1], undefined, "Boris's contact at the bot");
    expect(other.contactInfo).toEqual({ tel: '+79990000102', fullName: 'Борис Т.' });
    expect(() => fake.pushContact(BORIS)).toThrow(/no phone for user 102/);
  });

  it('a sticker, and bot_started with its payload, after which the bot may write to that person', async () => {
    const before = seen.messages.length;
    fake.pushSticker(ANNA);
    const ctx = await fake.waitFor(() => seen.messages[before], undefined, 'the sticker at the bot');
    expect(ctx.sticker).toMatchObject({ code: 'test-sticker-1', width: 128, height: 128 });

    const events = seen.events.length;
    fake.pushBotStarted(VERA, 'ref-42');
    const started = await fake.waitFor(() => seen.events[events], undefined, 'bot_started at the bot');
    expect([started.updateType, started.startPayload, started.chatId, started.user?.user_id]).toEqual(['bot_started', 'ref-42', fake.dialogIdOf(VERA), VERA]);
    const message = await bot.api.sendMessageToUser(VERA, 'Здравствуйте');
    expect(message.recipient).toMatchObject({ chat_id: fake.dialogIdOf(VERA), chat_type: 'dialog' });
    expect(fake.messagesToUser(VERA).map((m) => m.text)).toEqual(['Здравствуйте']);
  });

  it("MAX's limits: text over 4000 characters, 8 buttons in a row, 4 with a link, 31 rows, long or empty texts and payloads: 400 proto.payload", async () => {
    const count = fake.allMessages().length;
    const row = (n: number) => Array.from({ length: n }, (_, i) => Keyboard.button.callback(`Кнопка ${i + 1}`, `b:${i}`));
    const send = (text: string, buttons?: Parameters<typeof Keyboard.inlineKeyboard>[0]) =>
      bot.api.sendMessageToUser(ANNA, text, buttons ? { attachments: [Keyboard.inlineKeyboard(buttons)] } : undefined);
    const refused = async (call: Promise<unknown>) => statusAndCode(await refusal(call));

    expect(await refused(send('я'.repeat(4001)))).toEqual([400, 'proto.payload']);
    expect((await send('я'.repeat(4000))).body.text).toHaveLength(4000);
    expect(await refused(send('восемь', [row(8)]))).toEqual([400, 'proto.payload']);
    await send('семь', [row(7)]);
    expect(await refused(send('ссылка', [[...row(3), Keyboard.button.link('Сайт', 'https://example.org')]]))).toEqual([400, 'proto.payload']);
    expect(await refused(send('контакт', [[...row(3), Keyboard.button.requestContact('Номер')]]))).toEqual([400, 'proto.payload']);
    await send('ссылка и две', [[...row(2), Keyboard.button.link('Сайт', 'https://example.org')]]);
    expect(
      await refused(
        send(
          '31 ряд',
          Array.from({ length: 31 }, () => row(1)),
        ),
      ),
    ).toEqual([400, 'proto.payload']);
    await send(
      '210 кнопок',
      Array.from({ length: 30 }, () => row(7)),
    );
    expect(await refused(send('длинная', [[Keyboard.button.callback('к'.repeat(129), 'x')]]))).toEqual([400, 'proto.payload']);
    expect(await refused(send('пустая', [[Keyboard.button.callback('', 'x')]]))).toEqual([400, 'proto.payload']);
    expect(await refused(send('payload', [[Keyboard.button.callback('Да', 'p'.repeat(1025))]]))).toEqual([400, 'proto.payload']);
    expect(await refused(send('без payload', [[Keyboard.button.callback('Да', '')]]))).toEqual([400, 'proto.payload']);
    await send('payload 1024', [[Keyboard.button.callback('Да', 'p'.repeat(1024))]]);

    const error = await refusal(send('я'.repeat(4001)));
    expect(error.message).toMatch(/^400: text/);
    expect(fake.allMessages()).toHaveLength(count + 5); // only the ones within the limits
    const edit = await refusal(bot.api.editMessage(fake.allMessages().at(-1)!.mid, { text: 'я'.repeat(4001) }));
    expect(statusAndCode(edit)).toEqual([400, 'proto.payload']);
  });

  it('in a group the bot writes until removed; then sends, edits and reads get 403 chat.denied until it is added back', async () => {
    const before = seen.messages.length;
    fake.pushMessage({ fromId: BORIS, chatId: GROUP, text: 'Привет, группа' });
    const [post] = await fake.waitFor(() => fake.messagesToChat(GROUP).length === 1 && fake.messagesToChat(GROUP), undefined, 'the echo in the group');
    const ctx = seen.messages[before]!;
    expect([ctx.chatId, ctx.user?.user_id, ctx.message?.recipient.chat_type, ctx.message?.recipient.user_id]).toEqual([GROUP, BORIS, 'chat', null]);
    expect(post).toMatchObject({ chatId: GROUP, chatType: 'chat', text: 'echo: Привет, группа' });
    expect(post!.userId).toBeUndefined();

    const events = seen.events.length;
    fake.removeBot(GROUP, BORIS);
    const removed = await fake.waitFor(() => seen.events[events], undefined, 'bot_removed at the bot');
    expect(removed.update).toMatchObject({ update_type: 'bot_removed', chat_id: GROUP, user: { user_id: BORIS }, is_channel: false });
    expect(removed.chatId).toBe(GROUP);

    const denied = [
      await refusal(bot.api.sendMessageToChat(GROUP, 'x')),
      await refusal(bot.api.editMessage(post!.mid, { text: 'y' })),
      await refusal(bot.api.getChat(GROUP)),
      await refusal(bot.api.getChatMembership(GROUP)),
    ];
    expect(denied.map(statusAndCode)).toEqual(Array(4).fill([403, 'chat.denied']));
    expect(fake.messagesToChat(GROUP).map((m) => [m.text, m.edits])).toEqual([['echo: Привет, группа', 0]]);
    expect(() => fake.pushMessage({ fromId: BORIS, chatId: GROUP, text: 'x' })).toThrow(/not in chat/);
    // Other chats are written to as before.
    await bot.api.sendMessageToUser(BORIS, 'всё ещё здесь');

    const unknown = await refusal(bot.api.sendMessageToChat(-79999, 'x'));
    expect([unknown.status, unknown.code, unknown.description]).toEqual([404, 'chat.not.found', 'Chat -79999 not found']);
    expect(statusAndCode(await refusal(bot.api.getChat(-79999)))).toEqual([404, 'chat.not.found']);

    fake.addBot(GROUP, BORIS);
    const added = await fake.waitFor(() => seen.events[events + 1], undefined, 'bot_added at the bot');
    expect(added.update).toMatchObject({ update_type: 'bot_added', chat_id: GROUP, user: { user_id: BORIS } });
    await bot.api.sendMessageToChat(GROUP, 'снова здесь');
    expect(fake.messagesToChat(GROUP).map((m) => m.text)).toEqual(['echo: Привет, группа', 'снова здесь']);
  });

  it('a person who blocked the bot: 403 chat.denied by user_id and by their dialog, until unblocked', async () => {
    const earlier = fake.messagesToUser(BORIS).find((m) => !m.deleted)!;
    fake.blockBotBy(BORIS);
    const refusals = [
      await refusal(bot.api.sendMessageToUser(BORIS, 'x')),
      await refusal(bot.api.sendMessageToChat(fake.dialogIdOf(BORIS), 'x')),
      await refusal(bot.api.editMessage(earlier.mid, { text: 'x' })),
    ];
    expect(refusals.map(statusAndCode)).toEqual(Array(3).fill([403, 'chat.denied']));
    await bot.api.sendMessageToUser(ANNA, 'Анне можно'); // others are not concerned
    fake.unblockBotBy(BORIS);
    await bot.api.sendMessageToUser(BORIS, 'снова можно');
    expect(fake.messagesToUser(BORIS).at(-1)!.text).toBe('снова можно');
  });

  it('refuseWritesTo (403 chat.denied by default, or any error) until allowWritesTo; fail() for any route, `times` times', async () => {
    const dialog = fake.dialogIdOf(ANNA);
    const post = await bot.api.sendMessageToUser(ANNA, 'до отказа');
    fake.refuseWritesTo(dialog);
    expect(statusAndCode(await refusal(bot.api.sendMessageToUser(ANNA, 'x')))).toEqual([403, 'chat.denied']);
    expect(statusAndCode(await refusal(bot.api.editMessage(post.body.mid, { text: 'x' })))).toEqual([403, 'chat.denied']);
    fake.allowWritesTo(dialog);
    fake.refuseWritesTo(dialog, { status: 400, code: 'errors.send.message', message: 'Writing is disabled', times: 1 });
    expect(statusAndCode(await refusal(bot.api.sendMessageToChat(dialog, 'x')))).toEqual([400, 'errors.send.message']);
    await bot.api.sendMessageToChat(dialog, 'после отказа'); // times: 1 is used up
    fake.allowWritesTo(dialog);

    fake.fail('GET /chats/{chat_id}', (c) => c.query !== undefined, { status: 503, code: 'service.unavailable', message: 'Try later', times: 2 });
    expect(statusAndCode(await refusal(bot.api.getChat(GROUP)))).toEqual([503, 'service.unavailable']);
    expect(statusAndCode(await refusal(bot.api.getChat(GROUP)))).toEqual([503, 'service.unavailable']);
    expect((await bot.api.getChat(GROUP)).chat_id).toBe(GROUP);
    fake.fail('POST /messages', (c) => c.body?.text === 'сломай', { status: 500, code: 'internal.error', message: 'boom', times: 1 });
    expect(statusAndCode(await refusal(bot.api.sendMessageToUser(ANNA, 'сломай')))).toEqual([500, 'internal.error']);
    expect(fake.messagesToUser(ANNA).map((m) => m.text)).toContain('после отказа');
    expect(fake.messagesToUser(ANNA).map((m) => m.text)).not.toContain('сломай');
  });

  it("chats: getChat, the bot's membership and rights, members, a sender action; commands", async () => {
    expect(await bot.api.getChat(GROUP)).toMatchObject({
      chat_id: GROUP,
      type: 'chat',
      status: 'active',
      title: 'Волонтёры района',
      is_public: false,
      icon: null,
    });
    expect(await bot.api.getChat(fake.dialogIdOf(ANNA))).toMatchObject({ chat_id: fake.dialogIdOf(ANNA), type: 'dialog', dialog_with_user: { user_id: ANNA } });
    expect(await bot.api.getChatMembership(GROUP)).toMatchObject({ user_id: BOT_ID, is_bot: true, is_admin: false, is_owner: false });
    fake.setBotRights(GROUP, { admin: true, permissions: ['write', 'read_all_messages'] });
    expect(await bot.api.getChatMembership(GROUP)).toMatchObject({ is_admin: true, permissions: ['write', 'read_all_messages'] });
    const { members } = await bot.api.getChatMembers(GROUP, { user_ids: [BORIS, 999] });
    expect(members.map((m) => [m.user_id, m.is_admin])).toEqual([[BORIS, false]]);
    expect(await bot.api.sendAction(GROUP, 'typing_on')).toEqual({ success: true });
    expect(fake.callsOf('POST', '/chats/{chat_id}/actions').at(-1)).toMatchObject({
      path: `/chats/${GROUP}/actions`,
      body: { action: 'typing_on' },
      status: 200,
    });

    await bot.api.setMyCommands([{ name: 'start', description: 'Начать' }, { name: 'help' }]);
    expect(fake.commands()).toEqual([{ name: 'start', description: 'Начать' }, { name: 'help' }]);
    expect((await bot.api.getMyInfo()).commands).toEqual([{ name: 'start', description: 'Начать' }, { name: 'help' }]);
  });

  it('a wrong token is 401 verify.token to the client; an unknown route 404 not.found', async () => {
    const stranger = newBot(fake.baseUrl, 'wrong-token');
    const error = await refusal(stranger.api.getMyInfo());
    expect([error.status, error.code]).toEqual([401, 'verify.token']);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'GET', path: '/me', status: 401, response: { code: 'verify.token' } });

    const get = bot.api.raw.get as unknown as (method: string, options: object) => Promise<unknown>;
    expect(statusAndCode(await refusal(get('no/such/route', {})))).toEqual([404, 'not.found']);
  });

  it('webhook mode: with a subscription updates are POSTed to it with the secret header, not kept for polling', async () => {
    const SECRET = 'hook-secret_42';
    const hookSeen: string[] = [];
    const hookBot = newBot(fake.baseUrl);
    hookBot.catch(() => undefined);
    hookBot.on('message_created', async (ctx) => {
      hookSeen.push(ctx.message.body.text ?? '');
      await ctx.reply('via webhook');
    });
    const handle = hookBot.webhookCallback({ domain: '127.0.0.1', path: '/max-hook', secret: SECRET });
    const secrets: unknown[] = [];
    const server = http.createServer((req, res) => {
      secrets.push(req.headers['x-max-bot-api-secret']);
      handle(req, res);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/max-hook`;
    try {
      expect(await bot.api.subscribe(url, SECRET)).toEqual({ success: true });
      expect(fake.subscriptions()).toEqual([{ url, secret: SECRET }]);
      expect(await bot.api.getSubscriptions()).toEqual([{ url, time: expect.any(Number), updateTypes: [], version: expect.any(String) }]);

      const polled = seen.messages.length;
      const update = fake.pushMessage({ fromId: ANNA, text: 'через вебхук' });
      await fake.waitFor(() => fake.webhookDeliveries().length === 1, undefined, 'the webhook delivery');
      expect(fake.webhookDeliveries()).toEqual([{ url, status: 200, update }]);
      expect(secrets).toEqual([SECRET]);
      await fake.waitFor(() => fake.messagesToUser(ANNA).at(-1)?.text === 'via webhook', undefined, "the webhook bot's reply");
      expect(hookSeen).toEqual(['через вебхук']);
      expect(seen.messages.length).toBe(polled); // the polling bot got nothing
      expect(fake.heldPollCount).toBe(1); // and is still waiting

      // A wrong secret: the client's webhook answers 404, and the fake records it.
      await bot.api.unsubscribe(url);
      await bot.api.subscribe(url, 'not-the-secret');
      fake.pushMessage({ fromId: ANNA, text: 'silent wrong secret' });
      await fake.waitFor(() => fake.webhookDeliveries().length === 2, undefined, 'the second webhook delivery');
      expect(fake.webhookDeliveries()[1]!.status).toBe(404);
      expect(hookSeen).toHaveLength(1);

      // Unsubscribed: updates are kept for polling again.
      await bot.api.unsubscribe(url);
      expect(fake.subscriptions()).toEqual([]);
      fake.pushMessage({ fromId: ANNA, text: 'silent polled again' });
      await fake.waitFor(() => textOf(seen.messages.at(-1)) === 'silent polled again', undefined, 'the update at the polling bot');
      expect(fake.webhookDeliveries()).toHaveLength(2);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('bot.stopPolling() aborts the held poll: the fake drops it, and the next update goes to the running bot only', async () => {
    const other = newBot(fake.baseUrl);
    const got: string[] = [];
    other.catch(() => undefined);
    other.on('message_created', (ctx) => {
      got.push(ctx.message.body.text ?? '');
    });
    const otherRunning = other.start();
    await fake.waitFor(() => fake.heldPollCount === 2, undefined, "the other bot's poll held with the main one's");
    other.stopPolling();
    await fake.waitFor(() => fake.heldPollCount === 1, undefined, 'the aborted poll dropped');
    await otherRunning; // its loop ended
    fake.pushMessage({ fromId: ANNA, text: 'silent after stopPolling' });
    await fake.waitFor(() => textOf(seen.messages.at(-1)) === 'silent after stopPolling', undefined, 'the update at the running bot');
    expect(got).toEqual([]);
  });

  it('releaseHeldPolls() ends the poll of a stopped client that does not abort, so it takes no later update', async () => {
    const api = newBot(fake.baseUrl).api;
    /** A loop like one that stops between polls but lets the poll under way finish (and handles what it brings). */
    const startLoop = () => {
      const loop = { stopped: false, got: [] as MaxUpdate[], done: Promise.resolve() };
      loop.done = (async () => {
        let marker = fake.marker;
        while (!loop.stopped) {
          const answer = await api.getUpdates([], { marker, timeout: 30 });
          loop.got.push(...(answer.updates as unknown as MaxUpdate[]));
          marker = answer.marker;
        }
      })();
      return loop;
    };

    // Without releaseHeldPolls the stopped loop's poll takes the next update.
    const unreleased = startLoop();
    await fake.waitFor(() => fake.heldPollCount === 2, undefined, "the loop's poll held");
    unreleased.stopped = true;
    const taken = fake.pushMessage({ fromId: ANNA, text: 'silent taken by a stopped loop' });
    await unreleased.done;
    expect(unreleased.got).toEqual([taken]);

    const released = startLoop();
    await fake.waitFor(() => fake.heldPollCount === 2, undefined, "the second loop's poll held");
    released.stopped = true;
    fake.releaseHeldPolls();
    // Pushed at once, before the released loop has even read its answer: it must not get it.
    fake.pushMessage({ fromId: ANNA, text: 'silent after release' });
    await released.done;
    await fake.waitFor(() => textOf(seen.messages.at(-1)) === 'silent after release', undefined, 'the update at the main bot');
    expect(released.got).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});

describe('GET /updates and the rate limit, on a fake of their own', () => {
  let own: MaxApiFake;
  let api: Bot['api'];
  beforeAll(async () => {
    own = new MaxApiFake({ token: TOKEN, longPollMaxMs: 10_000 });
    await own.start();
    own.addUser({ id: ANNA, firstName: 'Анна' });
    api = newBot(own.baseUrl).api;
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('markers, types, limit; a poll with nothing pending is held until an update of its types arrives', async () => {
    const first = own.pushMessage({ fromId: ANNA, text: 'один' });
    const started = own.pushBotStarted(ANNA);
    const third = own.pushMessage({ fromId: ANNA, text: 'три' });
    expect(own.marker).toBe(4);

    // No marker: what nobody was handed yet; types filter.
    expect(await api.getUpdates(['message_created'])).toEqual({ updates: [first, third], marker: 4 });
    // A marker: from there on, whoever had them; limit.
    expect(await api.getUpdates([], { marker: 1, limit: 2 })).toEqual({ updates: [first, started], marker: 3 });
    // timeout=0 answers at once; the client cannot send it (it drops falsy parameters), so plain fetch.
    const now = await fetch(`${own.baseUrl}/updates?timeout=0`, { headers: { Authorization: TOKEN } });
    expect([now.status, await now.json()]).toEqual([200, { updates: [], marker: 4 }]);
    expect(own.heldPollCount).toBe(0);

    const held = api.getUpdates([], { marker: 4, timeout: 30 });
    await own.waitFor(() => own.heldPollCount === 1, undefined, 'the poll held');
    const fourth = own.pushMessage({ fromId: ANNA, text: 'четыре' });
    expect(await held).toEqual({ updates: [fourth], marker: 5 });

    const callbacks = api.getUpdates(['message_callback'], { marker: 5, timeout: 30 });
    await own.waitFor(() => own.heldPollCount === 1, undefined, 'the message_callback poll held');
    own.pushMessage({ fromId: ANNA, text: 'не то' });
    expect(own.heldPollCount).toBe(1); // not its type: still held
    const press = own.pushCallback({ userId: ANNA, payload: 'forged:1' });
    expect(await callbacks).toEqual({ updates: [press], marker: 7 });
    expect(press).toMatchObject({ callback: { payload: 'forged:1', user: { user_id: ANNA } }, message: { recipient: { chat_id: own.dialogIdOf(ANNA) } } });
    expect(own.heldPollCount).toBe(0);
  });

  it('enforceRate: requests past the limit within a second get 429 too.many.requests, counted', async () => {
    own.enforceRate(3);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => api.getMyInfo()));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as MaxError] : []));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(refused.map((e) => [e instanceof MaxError, e.status, e.code])).toEqual(Array(2).fill([true, 429, 'too.many.requests']));
    expect(own.tooManyRequests).toBe(2);
    expect(own.callsOf('GET', '/me').map((c) => c.status)).toEqual(expect.arrayContaining([200, 200, 200, 429, 429]));
  });
});

describe('stop()', () => {
  it('after bot.stopPolling(), fake.stop() ends cleanly: the loop ends, a client still waiting gets an answer, no socket or server is left', async () => {
    const tcp = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
    const baseline = tcp();
    const own = new MaxApiFake({ token: TOKEN, longPollMaxMs: 30_000 });
    await own.start();
    const stopping = newBot(own.baseUrl);
    stopping.catch(() => undefined);
    const loop = stopping.start();
    await own.waitFor(() => own.heldPollCount === 1, undefined, "the bot's poll held");
    // A client that does not abort, still waiting when the fake stops: it gets its answer.
    const waiting = newBot(own.baseUrl).api.getUpdates([], { timeout: 30 });
    await own.waitFor(() => own.heldPollCount === 2, undefined, 'the raw poll held');

    stopping.stopPolling();
    await own.stop();
    await loop;
    expect(await waiting).toEqual({ updates: [], marker: 1 });
    expect(own.heldPollCount).toBe(0);
    await own.waitFor(
      () => tcp() <= baseline,
      undefined,
      () => `the sockets closed (${tcp()} TCP handles, ${baseline} before)`,
    );
    await own.stop(); // a second stop is harmless
  });
});

describe('photos, voice messages, videos, files and locations, as a person sends them and the bot sends them on', () => {
  let own: MaxApiFake;
  let mediaBot: Bot;
  let polling: Promise<void>;
  const got: Context[] = [];
  const nextMessage = (before: number, what: string) => own.waitFor(() => got[before], undefined, `${what} at the bot`);
  const attachmentsOf = (ctx: Context) => ctx.message?.body.attachments ?? [];

  beforeAll(async () => {
    own = new MaxApiFake({ token: TOKEN, longPollMaxMs: 30_000 });
    await own.start();
    own.addUser({ id: ANNA, firstName: 'Анна' });
    own.addUser({ id: BORIS, firstName: 'Борис' });
    own.addChat({ chatId: GROUP, title: 'Волонтёры района', members: [BORIS] });
    mediaBot = newBot(own.baseUrl);
    mediaBot.catch(() => undefined);
    mediaBot.on('message_created', (ctx) => {
      got.push(ctx);
    });
    polling = mediaBot.start();
    await own.waitFor(() => own.heldPollCount === 1, undefined, 'the first long poll of the media bot');
  });
  afterAll(async () => {
    mediaBot?.stopPolling();
    await own?.stop();
    await polling;
  });

  it('several photos come in one message, the caption as its text, each an image with photo_id, token and url', async () => {
    const before = got.length;
    const tokens = new MaxPerson(own, ANNA).sendPhoto({ caption: 'Рецепт и квитанции', count: 3 });
    const ctx = await nextMessage(before, 'the three photos');
    expect(ctx.message?.body.text).toBe('Рецепт и квитанции');
    expect(attachmentsOf(ctx)).toEqual(
      tokens.map((token) => ({ type: 'image', payload: { photo_id: expect.any(Number), token, url: expect.stringMatching(/^https:\/\//) } })),
    );
    expect(new Set(tokens).size).toBe(3);
  });

  it('a voice message, a video and a 50 MB file come as audio, video and file attachments', async () => {
    const anna = new MaxPerson(own, ANNA);
    const before = got.length;
    const voice = anna.sendVoice();
    const video = anna.sendVideo({ durationSec: 20 });
    const file = anna.sendDocument({ sizeBytes: 50 * 1024 * 1024, name: 'справка.pdf' });
    const [voiceCtx, videoCtx, fileCtx] = [
      await nextMessage(before, 'the voice'),
      await nextMessage(before + 1, 'the video'),
      await nextMessage(before + 2, 'the file'),
    ];
    expect(attachmentsOf(voiceCtx)).toEqual([{ type: 'audio', payload: { url: expect.any(String), token: voice } }]);
    expect(attachmentsOf(videoCtx)).toEqual([
      { type: 'video', payload: { url: expect.any(String), token: video }, thumbnail: expect.any(String), width: 1280, height: 720, duration: 20 },
    ]);
    expect(attachmentsOf(fileCtx)).toEqual([{ type: 'file', payload: { url: expect.any(String), token: file }, filename: 'справка.pdf', size: 52_428_800 }]);
  });

  it('a location comes as a location attachment (ctx.location), also from a request_geo_location button', async () => {
    const anna = new MaxPerson(own, ANNA);
    const before = got.length;
    anna.sendLocation(55.7558, 37.6173);
    expect((await nextMessage(before, 'the location')).location).toEqual({ latitude: 55.7558, longitude: 37.6173 });

    await mediaBot.api.sendMessageToUser(ANNA, 'Где вы?', { attachments: [Keyboard.inlineKeyboard([[Keyboard.button.requestGeoLocation('📍 Где я')]])] });
    const ask = own.messagesToUser(ANNA).at(-1)!;
    expect(() => own.press(ANNA, ask, 'Где я')).toThrow(/shares a location/);
    anna.shareLocation(ask, 'Где я', 59.9386, 30.3141);
    const shared = await nextMessage(before + 1, 'the location shared by the button');
    expect([shared.location, shared.message?.body.text, shared.chatId]).toEqual([{ latitude: 59.9386, longitude: 30.3141 }, '', own.dialogIdOf(ANNA)]);
  });

  it('POST /messages sends files on by their tokens and a location; MAX gives the files back in full', async () => {
    const anna = new MaxPerson(own, ANNA);
    const [photo] = anna.sendPhoto();
    const voice = anna.sendVoice();
    const video = anna.sendVideo();
    const file = anna.sendDocument({ sizeBytes: 1_000, name: 'list.txt' });
    const sent = await mediaBot.api.sendMessageToChat(GROUP, 'От Анны', {
      attachments: [
        new ImageAttachment({ token: photo! }).toJson(),
        new AudioAttachment({ token: voice }).toJson(),
        new VideoAttachment({ token: video }).toJson(),
        new FileAttachment({ token: file }).toJson(),
        new LocationAttachment({ lat: 55.7558, lon: 37.6173 }).toJson(),
      ],
    });
    const post = own.messagesToChat(GROUP).at(-1)!;
    expect(post.attachments).toEqual([
      { type: 'image', payload: { token: photo } },
      { type: 'audio', payload: { token: voice } },
      { type: 'video', payload: { token: video } },
      { type: 'file', payload: { token: file } },
      { type: 'location', latitude: 55.7558, longitude: 37.6173 },
    ]);
    expect(sent.body.attachments).toEqual([
      own.mediaOf(photo!)!.attachment,
      own.mediaOf(voice)!.attachment,
      own.mediaOf(video)!.attachment,
      own.mediaOf(file)!.attachment,
      { type: 'location', latitude: 55.7558, longitude: 37.6173 },
    ]);
    expect(sent.body.attachments?.[3]).toMatchObject({ filename: 'list.txt', size: 1_000 });
  });

  it('a file without a token, an unknown token, one of another type and a location out of range are refused with 400 proto.payload', async () => {
    const voice = new MaxPerson(own, BORIS).sendVoice();
    const sent = own.messagesToChat(GROUP).length;
    const send = (attachments: unknown[]) => refusal(mediaBot.api.sendMessageToChat(GROUP, 'x', { attachments } as never));
    const missing = await send([{ type: 'file', payload: { url: 'https://example.org/a.pdf' } }]);
    expect([missing.status, missing.code, missing.description]).toEqual([400, 'proto.payload', 'Missing `token` in file attachment']);
    const unknown = await send([new FileAttachment({ token: 'no-such-token' }).toJson()]);
    expect([unknown.status, unknown.code, unknown.description]).toEqual([400, 'proto.payload', expect.stringMatching(/^Invalid `token` in file attachment/)]);
    const wrongType = await send([new ImageAttachment({ token: voice }).toJson()]);
    expect([wrongType.status, wrongType.description]).toEqual([400, 'Invalid `token` in image attachment: it names a file of type audio']);
    expect(statusAndCode(await send([new LocationAttachment({ lat: 95, lon: 0 }).toJson()]))).toEqual([400, 'proto.payload']);
    // An image by url is MAX's own to fetch: sent.
    await mediaBot.api.sendMessageToChat(GROUP, 'Фото по ссылке', { attachments: [new ImageAttachment({ url: 'https://example.org/a.jpg' }).toJson()] });
    expect(
      own
        .messagesToChat(GROUP)
        .map((m) => m.text)
        .slice(sent),
    ).toEqual(['Фото по ссылке']);
  });
});
