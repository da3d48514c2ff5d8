import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COORDINATOR_ID, fileRequest, fileVkRequest, SystemHarness, VK_COORDINATOR_ID } from '../support/harness.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

const LENINSKY_VK = PEER_CHAT_OFFSET + 11;
const CENTRAL_VK = PEER_CHAT_OFFSET + 12;
const CENTRAL_TG = { id: -1002002, title: 'Волонтёры Центрального района (Telegram)' };
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321', '765', 'Хлеб, молоко'];

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({}, { vk: true });
});
afterAll(async () => {
  await h?.stop();
});

/** The VK post of a request in a conversation, once it is there. */
function vkPostOf(peerId: number, number: number) {
  return h.vk.waitFor(() => h.vk.messagesTo(peerId).find((m) => m.text.includes(`Заявка №${number}\n`)));
}

describe('VK conversations of volunteers', () => {
  it('binds a conversation by a VK coordinator only', async () => {
    const volunteer = h.vkPerson(7001, 'Олег', LENINSKY_VK);
    expect((await volunteer.ask('/bind Ленинский')).text).toMatch(/только координаторам/);
    const coordinator = h.vkPerson(VK_COORDINATOR_ID, 'Координатор', LENINSKY_VK);
    // VK prefixes a message that addresses the community with a mention.
    expect((await coordinator.ask('[club222333|@help] /bind ленин')).text).toMatch(/получает заявки района «Ленинский»/);
    expect(await h.database.db.repositories.districtChats.chatsOf('Ленинский')).toEqual([
      { district: 'Ленинский', platform: 'vk', chatId: String(LENINSKY_VK) },
    ]);
  });

  it('posts a new request with a callback button and no personal data', async () => {
    const number = await fileVkRequest(h.vkPerson(6101, 'Ирина'), 'Ленинский');
    const post = await vkPostOf(LENINSKY_VK, number);
    expect(post.text).toMatch(/Район: Ленинский\nКому: Пенсионеру, 81 год\nНужно: Доставка продуктов/);
    for (const personal of PERSONAL) expect(post.text).not.toContain(personal);
    expect(post.keyboard?.inline).toBe(true);
    expect(post.keyboard?.buttons.flat().map((b) => [b.action.type, b.action.label])).toEqual([['callback', '✋ Взять заявку']]);
  });

  it('gives the request to exactly one of 50 volunteers pressing at once', async () => {
    const relative = h.vkPerson(6102, 'Ольга');
    const number = await fileVkRequest(relative, 'Ленинский');
    const post = await vkPostOf(LENINSKY_VK, number);
    const volunteers = Array.from({ length: 50 }, (_, i) => h.vkPerson(8000 + i, `Волонтёр${i}`, LENINSKY_VK));
    const answersBefore = h.vk.eventAnswers().length;
    const editsBefore = h.vk.callsOf('messages.edit').length;
    const namesAskedBefore = h.vk.callsOf('users.get').length;
    relative.skipAll();

    for (const v of volunteers) v.press(post, 'Взять заявку');
    const answers = await h.vk.waitFor(() => {
      const all = h.vk.eventAnswers().slice(answersBefore);
      return all.length >= 50 ? all : undefined;
    }, 15_000);
    const texts = answers.map((a) => String(a.eventData?.text));
    expect(answers.every((a) => a.eventData?.type === 'show_snackbar')).toBe(true);
    expect(texts.filter((t) => t.includes('ваша'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('уже взял другой волонтёр'))).toHaveLength(49);
    // VK is asked each presser's name once (their first press), not once more by the claim.
    expect(h.vk.callsOf('users.get').length - namesAskedBefore).toBeLessThanOrEqual(50);

    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.status).toBe('claimed');
    const winnerId = Number(stored!.volunteer!.userId);
    expect(stored!.volunteer!.displayName).toBe(`Волонтёр${winnerId - 8000} Тестова`);
    const [details] = await h.vk.waitFor(() => h.vk.messagesTo(winnerId).length > 0 && h.vk.messagesTo(winnerId));
    expect(details!.text).toContain('ул. Садовая, д. 7, кв. 12');
    expect(details!.text).toContain('+79137654321');
    for (const v of volunteers.filter((v) => v.userId !== winnerId)) expect(h.vk.messagesTo(v.userId)).toEqual([]);

    await h.vk.waitFor(() => h.vk.callsOf('messages.edit').length > editsBefore);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.vk.callsOf('messages.edit').slice(editsBefore)).toHaveLength(1);
    const edited = h.vk.messagesTo(LENINSKY_VK).find((m) => m.conversationMessageId === post.conversationMessageId)!;
    expect(edited.text).toMatch(/Заявка в работе\. Волонтёр: Волонтёр\d+ Тестова/);
    expect(edited.keyboard?.buttons.flat() ?? []).toEqual([]);
    expect((await relative.reply()).text).toMatch(new RegExp(`заявку №${number} взяли в работу\\. Волонтёр: `));
  });

  it('gives a claim back when the community may not write to the winner, and says how to allow it', async () => {
    const number = await fileVkRequest(h.vkPerson(6103, 'Степан'), 'Ленинский');
    const post = await vkPostOf(LENINSKY_VK, number);
    h.vk.forbidMessagesTo(7100);
    const stranger = h.vkPerson(7100, 'Новичок', LENINSKY_VK);
    const answersBefore = h.vk.eventAnswers().length;
    stranger.press(post, 'Взять заявку');
    const answer = await h.vk.waitFor(() => h.vk.eventAnswers()[answersBefore]);
    expect(answer.eventData?.text).toBe('Разрешите сообщения сообщества (vk.me/club222333) и нажмите ещё раз');
    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.status).toBe('new');
    expect(stored?.history.map((e) => e.type)).toContain('claim_undone');
  });

  it('refuses a forged claim from another conversation and a malformed payload', async () => {
    const number = await fileVkRequest(h.vkPerson(6104, 'Лидия'), 'Ленинский');
    await vkPostOf(LENINSKY_VK, number);
    const answersBefore = h.vk.eventAnswers().length;
    h.vk.pushMessageEvent({ userId: 7200, peerId: CENTRAL_VK, conversationMessageId: 1, payload: { d: `claim:${number}` } });
    h.vk.pushMessageEvent({ userId: 7200, peerId: LENINSKY_VK, conversationMessageId: 1, payload: { d: 'claim:все' } });
    const answers = await h.vk.waitFor(() => {
      const all = h.vk.eventAnswers().slice(answersBefore);
      return all.length >= 2 ? all : undefined;
    });
    expect(answers.map((a) => a.eventData?.text).sort()).toEqual(['Такой заявки нет.', 'Эта кнопка от старого сообщения и уже не действует.'].sort());
    expect((await h.database.db.repositories.requests.findByNumber(number))?.status).toBe('new');
  });
});

describe('one district on both platforms', () => {
  it('posts to the Telegram group and the VK conversation; a claim on either edits both', async () => {
    await h.person(COORDINATOR_ID, 'Координатор', CENTRAL_TG).ask('/bind Центральный');
    h.vk.setChatTitle(CENTRAL_VK, 'Волонтёры Центрального в ВК');
    await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', CENTRAL_VK).ask('/bind Центральный');
    // Coordinators know the chats by their titles, on both platforms.
    const districts = (await h.person(COORDINATOR_ID, 'Координатор').ask('/districts')).message.text;
    expect(districts).toContain(
      `Центральный: «${CENTRAL_TG.title}» (Telegram) — заявок туда ещё не было; «Волонтёры Центрального в ВК» (VK) — заявок туда ещё не было`,
    );

    // A request made in Telegram reaches the VK conversation too.
    const number = await fileRequest(h.person(6201, 'Глеб'), 'Центральный');
    const vkPost = await vkPostOf(CENTRAL_VK, number);
    const tgPost = await h.emulator.waitFor(() => h.messagesTo(CENTRAL_TG.id).find((m) => m.message.text.includes(`№${number}`)));
    expect(tgPost.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['✋ Взять заявку']);

    // A VK volunteer takes it: both posts now say so, and a Telegram press is too late.
    h.vkPerson(7300, 'Быстрая', CENTRAL_VK).press(vkPost, 'Взять заявку');
    await h.vk.waitFor(() => h.vk.messagesTo(CENTRAL_VK).find((m) => m.conversationMessageId === vkPost.conversationMessageId && m.edits > 0));
    const tgEdited = await h.emulator.waitFor(() =>
      h.messagesTo(CENTRAL_TG.id).find((m) => m.messageId === tgPost.messageId && m.message.text.includes('Заявка в работе. Волонтёр: Быстрая')),
    );
    expect(tgEdited.message.reply_markup?.inline_keyboard?.flat() ?? []).toEqual([]);
    const answersBefore = h.callbackAnswers().length;
    // The stored post is already edited; a phone that has not refreshed still shows the button.
    await h.person(7400, 'Медленный', CENTRAL_TG).pressData(tgPost, `claim:${number}`);
    expect((await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore])).text).toMatch(/уже взял другой волонтёр/);

    // The Telegram requester hears about the VK volunteer.
    const news = await h.emulator.waitFor(() => h.messagesTo(6201).find((m) => m.message.text.includes('Волонтёр: Быстрая')));
    expect(news.message.text).toContain(`№${number}`);
  });

  it('sends a VK request of a district with only a Telegram group there', async () => {
    await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', CENTRAL_VK).ask('/unbind');
    const before = h.messagesTo(CENTRAL_TG.id).length;
    const number = await fileVkRequest(h.vkPerson(6202, 'Нина'), 'Центральный');
    const [post] = await h.waitForMessages(CENTRAL_TG.id, before);
    expect(post!.message.text).toContain(`Заявка №${number}`);
    for (const personal of PERSONAL) expect(post!.message.text).not.toContain(personal);
  });
});
