import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COORDINATOR_ID, fileRequest, fileVkRequest, MAX_COORDINATOR_ID, SystemHarness, VK_COORDINATOR_ID } from '../support/harness.js';
import { fileMaxRequest } from '../support/max-person.js';
import type { MaxSentMessage } from '../support/max-api-fake.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

const LENINSKY = -70000000011;
const CENTRAL = -70000000012;
const CENTRAL_TG = { id: -1002002, title: 'Волонтёры Центрального района (Telegram)' };
const CENTRAL_VK = PEER_CHAT_OFFSET + 12;
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321', '765', 'Хлеб, молоко'];

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({}, { vk: true, max: true });
  h.max.addChat({ chatId: LENINSKY, title: 'Волонтёры Ленинского в MAX' });
  h.max.addChat({ chatId: CENTRAL, title: 'Волонтёры Центрального в MAX' });
});
afterAll(async () => {
  await h?.stop();
});

/** The MAX post of a request in a group chat, once it is there. */
function postOf(chatId: number, number: number) {
  return h.max.waitFor(
    () => h.max.messagesToChat(chatId).find((m) => m.text.includes(`Заявка №${number}\n`)),
    undefined,
    `the post of request №${number} in MAX chat ${chatId}`,
  );
}
const buttonsOf = (m: MaxSentMessage) => m.keyboard?.flat().map((b) => [b.type, b.text]) ?? [];
/** The answers to presses from the `before`-th on, once there are `count`. */
const answersFrom = (before: number, count: number) =>
  h.max.waitFor(
    () => {
      const all = h.max.callbackAnswers().slice(before);
      return all.length >= count ? all : undefined;
    },
    undefined,
    `${count} answers to presses`,
  );

describe('MAX group chats of volunteers', () => {
  it('binds a chat by a MAX coordinator only, and knows it by its title', async () => {
    const volunteer = h.maxPerson(7001, 'Олег', LENINSKY);
    expect((await volunteer.ask('/bind Ленинский')).text).toMatch(/только координаторам/);
    const coordinator = h.maxPerson(MAX_COORDINATOR_ID, 'Координатор', LENINSKY);
    // A command may come after a mention of the bot.
    expect((await coordinator.ask('@help_bot /bind ленин')).text).toMatch(/получает заявки района «Ленинский»/);
    expect(await h.database.db.repositories.districtChats.chatsOf('Ленинский')).toEqual([
      { district: 'Ленинский', platform: 'max', chatId: String(LENINSKY), title: 'Волонтёры Ленинского в MAX' },
    ]);
    expect((await coordinator.ask('/id')).text).toContain(String(LENINSKY));
  });

  it('posts a new request with a callback button and no personal data', async () => {
    const number = await fileMaxRequest(h.maxPerson(6101, 'Ирина'), 'Ленинский');
    const post = await postOf(LENINSKY, number);
    expect(post.text).toMatch(/Район: Ленинский\nКому: Пенсионеру, 81 год\nНужно: Доставка продуктов/);
    for (const personal of PERSONAL) expect(post.text).not.toContain(personal);
    expect(buttonsOf(post)).toEqual([['callback', '✋ Взять заявку']]);
  });

  it('gives the request to exactly one of 50 volunteers pressing at once', async () => {
    const relative = h.maxPerson(6102, 'Ольга');
    const number = await fileMaxRequest(relative, 'Ленинский');
    const post = await postOf(LENINSKY, number);
    const volunteers = Array.from({ length: 50 }, (_, i) => h.maxPerson(8000 + i, `Волонтёр${i}`, LENINSKY));
    const answersBefore = h.max.callbackAnswers().length;
    const editsBefore = h.max.callsOf('PUT', '/messages').length;
    relative.skipAll();

    for (const v of volunteers) v.press(post, 'Взять заявку');
    const answers = await answersFrom(answersBefore, 50);
    const texts = answers.map((a) => String(a.notification));
    expect(texts.filter((t) => t.includes('ваша'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('уже взял другой волонтёр'))).toHaveLength(49);

    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.status).toBe('claimed');
    const winnerId = Number(stored!.volunteer!.userId);
    expect(stored!.volunteer).toMatchObject({ platform: 'max', displayName: `Волонтёр${winnerId - 8000} Тестова` });
    const [details] = await h.max.waitFor(
      () => h.max.messagesToUser(winnerId).length > 0 && h.max.messagesToUser(winnerId),
      undefined,
      'the card to the winner',
    );
    expect(details!.text).toContain('ул. Садовая, д. 7, кв. 12');
    expect(details!.text).toContain('+79137654321');
    for (const v of volunteers.filter((v) => v.userId !== winnerId)) expect(h.max.messagesToUser(v.userId)).toEqual([]);

    // The post is edited once: the volunteer's name, no button.
    await h.max.waitFor(() => h.max.callsOf('PUT', '/messages').length > editsBefore, undefined, 'the edit of the post');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.max.callsOf('PUT', '/messages').slice(editsBefore)).toHaveLength(1);
    const edited = h.max.message(post.mid)!;
    expect(edited.text).toMatch(/Заявка в работе\. Волонтёр: Волонтёр\d+ Тестова/);
    expect(edited.keyboard ?? []).toEqual([]);
    expect((await relative.reply()).text).toMatch(new RegExp(`заявку №${number} взяли в работу\\. Волонтёр: `));
  }, 60_000);

  it('gives a claim back when the bot may not write to the winner, and links to the bot', async () => {
    const number = await fileMaxRequest(h.maxPerson(6103, 'Степан'), 'Ленинский');
    const post = await postOf(LENINSKY, number);
    const stranger = h.maxPerson(7100, 'Новичок', LENINSKY);
    h.max.blockBotBy(7100);
    const answersBefore = h.max.callbackAnswers().length;
    stranger.press(post, 'Взять заявку');
    const [answer] = await answersFrom(answersBefore, 1);
    expect(answer!.notification).toMatch(/^Сначала откройте бота \(max\.ru\/\w+\) и нажмите «Начать»/);
    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.status).toBe('new');
    expect(stored?.history.map((e) => e.type)).toContain('claim_undone');
  });

  it('refuses forged presses: a claim from another chat, a malformed payload, an overlong one', async () => {
    const number = await fileMaxRequest(h.maxPerson(6104, 'Лидия'), 'Ленинский');
    await postOf(LENINSKY, number);
    const answersBefore = h.max.callbackAnswers().length;
    h.max.pushCallback({ userId: 7200, chatId: CENTRAL, payload: `claim:${number}` });
    h.max.pushCallback({ userId: 7200, chatId: LENINSKY, payload: 'claim:все' });
    h.max.pushCallback({ userId: 7200, chatId: LENINSKY, payload: `claim:${number}${' '.repeat(1000)}` });
    const answers = await answersFrom(answersBefore, 3);
    expect(answers.map((a) => a.notification).sort()).toEqual(
      ['Такой заявки нет.', 'Эта кнопка от старого сообщения и уже не действует.', 'Эта кнопка от старого сообщения и уже не действует.'].sort(),
    );
    expect((await h.database.db.repositories.requests.findByNumber(number))?.status).toBe('new');
  });
});

describe('one district on three platforms', () => {
  it('posts to the Telegram group, the VK conversation and the MAX chat; a claim on MAX edits all three', async () => {
    await h.person(COORDINATOR_ID, 'Координатор', CENTRAL_TG).ask('/bind Центральный');
    await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', CENTRAL_VK).ask('/bind Центральный');
    await h.maxPerson(MAX_COORDINATOR_ID, 'Координатор', CENTRAL).ask('/bind Центральный');
    const districts = (await h.maxPerson(MAX_COORDINATOR_ID, 'Координатор').ask('/districts')).text;
    expect(districts).toContain('«Волонтёры Центрального в MAX» (MAX) — заявок туда ещё не было');

    // A request made in VK reaches the Telegram group and the MAX chat too.
    const number = await fileVkRequest(h.vkPerson(6201, 'Глеб'), 'Центральный');
    const maxPost = await postOf(CENTRAL, number);
    const vkPost = await h.vk.waitFor(() => h.vk.messagesTo(CENTRAL_VK).find((m) => m.text.includes(`Заявка №${number}\n`)));
    const tgPost = await h.emulator.waitFor(() => h.messagesTo(CENTRAL_TG.id).find((m) => m.message.text.includes(`№${number}`)));

    h.maxPerson(7300, 'Быстрая', CENTRAL).press(maxPost, 'Взять заявку');
    const tgEdited = await h.emulator.waitFor(() =>
      h.messagesTo(CENTRAL_TG.id).find((m) => m.messageId === tgPost.messageId && m.message.text.includes('Заявка в работе. Волонтёр: Быстрая')),
    );
    expect(tgEdited.message.reply_markup?.inline_keyboard?.flat() ?? []).toEqual([]);
    const vkEdited = await h.vk.waitFor(() =>
      h.vk.messagesTo(CENTRAL_VK).find((m) => m.conversationMessageId === vkPost.conversationMessageId && m.text.includes('Волонтёр: Быстрая')),
    );
    expect(vkEdited.keyboard?.buttons.flat() ?? []).toEqual([]);
    await h.max.waitFor(() => h.max.message(maxPost.mid)!.edits > 0, undefined, 'the edit of the MAX post');
    expect(h.max.message(maxPost.mid)!.keyboard ?? []).toEqual([]);

    // A press on the Telegram post that has not refreshed is too late; the VK requester hears of the MAX volunteer.
    const answersBefore = h.callbackAnswers().length;
    await h.person(7400, 'Медленный', CENTRAL_TG).pressData(tgPost, `claim:${number}`);
    expect((await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore])).text).toMatch(/уже взял другой волонтёр/);
    await h.vk.waitFor(() => h.vk.messagesTo(6201).find((m) => m.text.includes('Волонтёр: Быстрая')));
  });

  it('sends a Telegram request of a district to the MAX chat without personal data', async () => {
    const number = await fileRequest(h.person(6202, 'Нина'), 'Центральный');
    const post = await postOf(CENTRAL, number);
    for (const personal of PERSONAL) expect(post.text).not.toContain(personal);
  });
});
