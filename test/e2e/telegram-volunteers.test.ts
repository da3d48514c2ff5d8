import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestionnaire, COORDINATOR_ID, fileRequest, HQ_CHAT_ID, SystemHarness } from '../support/harness.js';

const LENINSKY_GROUP = { id: -1001001, title: 'Волонтёры Ленинского района' };
const OTHER_GROUP = { id: -1001002, title: 'Волонтёры Центрального района' };
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321', '765', 'Хлеб, молоко'];

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

describe('district volunteer groups', () => {
  it('refuses /bind from someone who is not a coordinator, and binds nothing', async () => {
    const volunteer = h.person(501, 'Олег', LENINSKY_GROUP);
    const reply = await volunteer.ask('/bind Ленинский');
    expect(reply.message.text).toMatch(/только координаторам/);
    expect(await h.database.db.repositories.districtChats.chatsOf('Ленинский')).toEqual([]);
  });

  it('lets a coordinator bind a group, explaining an unknown district and a missing one', async () => {
    const coordinator = h.person(COORDINATOR_ID, 'Координатор', LENINSKY_GROUP);
    expect((await coordinator.ask('/bind')).message.text).toMatch(/Укажите район.*Ленинский/s);
    expect((await coordinator.ask('/bind Марсианский')).message.text).toMatch(/«Марсианский» не найден/);
    expect((await coordinator.ask('/bind ленин')).message.text).toMatch(/получает заявки района «Ленинский»/);
    const privately = h.person(COORDINATOR_ID, 'Координатор');
    expect((await privately.ask('/bind Ленинский')).message.text).toMatch(/в групповом чате/);
  });

  it('posts a new request to its district group with a claim button and no personal data', async () => {
    const relative = h.person(201, 'Ирина');
    const confirmation = await answerQuestionnaire(relative, 'Ленинский');
    // The district has a group now: the confirmation promises its volunteers, and keeps that promise.
    expect(confirmation.message.text).toMatch(/принята и передана волонтёрам района «Ленинский»/);
    const number = Number(/№(\d+)/.exec(confirmation.message.text)![1]);
    const post = await h.emulator.waitFor(() => h.messagesTo(LENINSKY_GROUP.id).find((m) => m.message.text.includes(`№${number}`)));
    const text = post.message.text;
    expect(text).toContain(`Заявка №${number}`);
    expect(text).toMatch(/Район: Ленинский/);
    expect(text).toMatch(/Кому: Пенсионеру, 81 год/);
    expect(text).toMatch(/Нужно: Доставка продуктов/);
    expect(text).toMatch(/Создана: \d\d\.\d\d\.\d{4}, \d\d:\d\d/);
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
    expect(post.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['✋ Взять заявку']);
  });

  it('sends a request of a district without a group to the HQ chat, marked as such', async () => {
    const relative = h.person(202, 'Павел');
    const number = await fileRequest(relative, 'Октябрьский');
    const [post] = await h.waitForMessages(HQ_CHAT_ID, 0);
    expect(post!.message.text).toMatch(/не подключён чат волонтёров/);
    expect(post!.message.text).toContain(`Заявка №${number}`);
    for (const personal of PERSONAL) expect(post!.message.text).not.toContain(personal);
  });

  it('gives the request to exactly one of 50 volunteers pressing at once', async () => {
    const relative = h.person(203, 'Ольга');
    const number = await fileRequest(relative, 'Ленинский');
    const post = await h.emulator.waitFor(() => h.messagesTo(LENINSKY_GROUP.id).find((m) => m.message.text.includes(`№${number}`)));
    const volunteers = Array.from({ length: 50 }, (_, i) => h.person(3000 + i, `Волонтёр${i}`, LENINSKY_GROUP));
    const answersBefore = h.callbackAnswers().length;
    const editsBefore = h.emulator.callsOf('editMessageText').length;
    relative.skipAll();

    await Promise.all(volunteers.map((v) => v.press(post, 'Взять заявку')));
    const answers = await h.emulator.waitFor(() => {
      const all = h.callbackAnswers().slice(answersBefore);
      return all.length >= 50 ? all : undefined;
    }, 10_000);

    const won = answers.filter((a) => a.text?.includes('ваша'));
    const taken = answers.filter((a) => a.text?.includes('уже взял другой волонтёр'));
    expect(won).toHaveLength(1);
    expect(taken).toHaveLength(49);
    expect(taken.every((a) => a.show_alert === true || a.show_alert === 'true')).toBe(true);

    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.status).toBe('claimed');
    expect(stored?.history.filter((e) => e.type === 'claimed')).toHaveLength(1);
    const winnerId = Number(stored!.volunteer!.userId);

    // The winner alone gets the address and phone, privately.
    const [details] = await h.waitForMessages(winnerId, 0);
    expect(details!.message.text).toContain(`Вы взяли заявку №${number}`);
    expect(details!.message.text).toContain('ул. Садовая, д. 7, кв. 12');
    expect(details!.message.text).toContain('+79137654321');
    // With the code word to say at the door, which only the card shows.
    expect(details!.message.text).toContain(`Кодовое слово: «${stored!.codeWord}»`);
    expect(h.messagesTo(LENINSKY_GROUP.id).some((m) => m.message.text.includes(stored!.codeWord!))).toBe(false);
    for (const v of volunteers.filter((v) => v.userId !== winnerId)) expect(h.messagesTo(v.userId)).toEqual([]);

    // The group post is edited once: it names who took it and has no button any more.
    const edits = await h.emulator.waitFor(() => {
      const mine = h.emulator
        .callsOf('editMessageText')
        .slice(editsBefore)
        .filter((c) => Number(c.payload.message_id) === post.messageId);
      return mine.length > 0 ? mine : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      h.emulator
        .callsOf('editMessageText')
        .slice(editsBefore)
        .filter((c) => Number(c.payload.message_id) === post.messageId),
    ).toHaveLength(edits.length);
    expect(edits).toHaveLength(1);
    const edited = h.messagesTo(LENINSKY_GROUP.id).find((m) => m.messageId === post.messageId)!;
    expect(edited.message.text).toMatch(new RegExp(`Заявка в работе\\. Волонтёр: Волонтёр${winnerId - 3000}`));
    expect(edited.message.reply_markup?.inline_keyboard?.flat() ?? []).toEqual([]);
    for (const personal of PERSONAL) expect(edited.message.text).not.toContain(personal);

    // The requester hears that a volunteer is coming.
    const news = await relative.reply();
    expect(news.message.text).toMatch(new RegExp(`заявку №${number} взяли в работу\\. Волонтёр: `));
  });

  it('gives a claim back when the winner never started the bot, and tells them how to fix it', async () => {
    const relative = h.person(204, 'Степан');
    const number = await fileRequest(relative, 'Ленинский');
    const post = await h.emulator.waitFor(() => h.messagesTo(LENINSKY_GROUP.id).find((m) => m.message.text.includes(`№${number}`)));
    const stranger = h.person(4001, 'Новичок', LENINSKY_GROUP);
    h.emulator.forbidChat(4001);

    const answersBefore = h.callbackAnswers().length;
    await stranger.press(post, 'Взять заявку');
    const answer = await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore]);
    expect(answer.text).toMatch(/сначала откройте бота/);
    expect(answer.url).toBe('https://t.me/TestNameBot?start=volunteer');
    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.status).toBe('new');
    expect(stored?.volunteer).toBeUndefined();
    expect(stored?.history.map((e) => e.type)).toContain('claim_undone');

    // Someone who can be written to takes it next.
    const regular = h.person(4002, 'Опытный', LENINSKY_GROUP);
    await regular.press(post, 'Взять заявку');
    const second = await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore + 1]);
    expect(second.text).toMatch(/ваша/);
  });

  it('refuses a claim pressed in a chat the request was never posted to', async () => {
    const relative = h.person(205, 'Лидия');
    const number = await fileRequest(relative, 'Ленинский');
    const post = await h.emulator.waitFor(() => h.messagesTo(LENINSKY_GROUP.id).find((m) => m.message.text.includes(`№${number}`)));
    const outsider = h.person(4100, 'Чужой', OTHER_GROUP);
    const answersBefore = h.callbackAnswers().length;
    await outsider.pressData(post, `claim:${number}`);
    const answer = await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore]);
    expect(answer.text).toMatch(/Такой заявки нет/);
    expect((await h.database.db.repositories.requests.findByNumber(number))?.status).toBe('new');
  });

  it('lets one volunteer hold at most MAX_OPEN_CLAIMS_PER_VOLUNTEER (3) requests, also pressing five posts at once', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 5; i++) numbers.push(await fileRequest(h.person(207 + i, `Родственник${i}`), 'Ленинский'));
    const posts = await Promise.all(
      numbers.map((number) => h.emulator.waitFor(() => h.messagesTo(LENINSKY_GROUP.id).find((m) => m.message.text.includes(`Заявка №${number}`)))),
    );
    const eager = h.person(4200, 'Торопливый', LENINSKY_GROUP);
    const answersBefore = h.callbackAnswers().length;
    await Promise.all(posts.map((post) => eager.press(post, 'Взять заявку')));
    const answers = await h.emulator.waitFor(
      () => {
        const all = h.callbackAnswers().slice(answersBefore);
        return all.length >= 5 ? all : undefined;
      },
      10_000,
      () => `five answers to the presses, got ${h.callbackAnswers().length - answersBefore}`,
    );
    expect(answers.filter((a) => a.text?.includes('ваша'))).toHaveLength(3);
    const refused = answers.filter((a) => a.text?.startsWith('У вас в работе уже 3 заявки'));
    expect(refused).toHaveLength(2);
    expect(refused.every((a) => a.show_alert === true || a.show_alert === 'true')).toBe(true);
    const held = await h.database.db.repositories.requests.listByVolunteer({ platform: 'telegram', userId: '4200' }, 10);
    expect(held).toHaveLength(3);
    // The two left over wait for someone else, with their buttons.
    const open = await Promise.all(numbers.filter((n) => !held.some((r) => r.number === n)).map((n) => h.database.db.repositories.requests.findByNumber(n)));
    expect(open.map((r) => r?.status)).toEqual(['new', 'new']);
  });

  it('lets a coordinator unbind a group; new requests then go to the HQ chat', async () => {
    const coordinator = h.person(COORDINATOR_ID, 'Координатор', LENINSKY_GROUP);
    expect((await coordinator.ask('/unbind')).message.text).toMatch(/больше не получает заявки района «Ленинский»/);
    expect((await coordinator.ask('/unbind')).message.text).toMatch(/не подключён ни к одному району/);
    const hqBefore = h.messagesTo(HQ_CHAT_ID).length;
    await fileRequest(h.person(206, 'Нина'), 'Ленинский');
    const [post] = await h.waitForMessages(HQ_CHAT_ID, hqBefore);
    expect(post!.message.text).toMatch(/Для района «Ленинский» не подключён/);
  });
});

describe('ids for the configuration', () => {
  it('tells a person their id privately and a group its id', async () => {
    expect((await h.person(777, 'Будущий координатор').ask('/id')).message.text).toContain('777');
    expect((await h.person(777, 'Будущий координатор', { id: -1007770, title: 'Штаб' }).ask('/id')).message.text).toContain('-1007770');
  });
});
