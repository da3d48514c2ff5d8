import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SystemHarness } from '../support/harness.js';

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({}, { vk: true });
});
afterAll(async () => {
  await h?.stop();
});

describe('a relative asks for help in VK', () => {
  it('goes through the same questionnaire, with wrong answers on the way, and gets a number', async () => {
    const anna = h.vkPerson(601, 'Анна');
    const greeting = await anna.ask('Добрый день');
    expect(greeting.text).toMatch(/Здравствуйте/);
    let m = await anna.choose(greeting, 'Оставить заявку');
    expect(m.text).toMatch(/согласны на обработку/);
    m = await anna.choose(m, 'Да');
    m = await anna.choose(m, 'Для меня');
    expect(m.text).toMatch(/Кому нужна помощь/);
    expect(m.keyboard?.one_time).toBe(true);
    m = await anna.choose(m, 'Пенсионеру');
    m = await anna.ask('много');
    expect(m.text).toMatch(/напишите число цифрами/);
    m = await anna.ask('78 лет');
    expect(m.text).toMatch(/В каком районе/);
    m = await anna.choose(m, 'Ленинский');
    // The longest kinds of help do not fit VK's 40-character labels: they are listed in full.
    expect(m.text).toContain('1. Доставка продуктов и товаров первой необходимости');
    expect(m.keyboard?.buttons.flat().every((b) => [...(b.action.label ?? '')].length <= 40)).toBe(true);
    m = await anna.choose(m, 'Доставка лекарств');
    m = await anna.choose(m, 'Рецепт есть');
    anna.sendSticker();
    m = await anna.reply();
    expect(m.text).toMatch(/ответьте текстом/);
    m = await anna.ask('Корвалол <b>срочно</b> & хлеб');
    m = await anna.ask('Мария Ивановна');
    m = await anna.ask('ул. Ленина, д. 1, кв. 5');
    expect(m.text).toMatch(/номер телефона/);
    m = await anna.ask('позвоните соседке');
    expect(m.text).toMatch(/Не получилось распознать номер/);
    m = await anna.ask('+7 913 123-45-67');
    expect(m.text).toMatch(/Проверьте/);
    expect(m.text).toContain('Корвалол <b>срочно</b> & хлеб');
    m = await anna.choose(m, 'Отправить');
    const number = Number(/№(\d+)/.exec(m.text)?.[1]);
    // Ленинский has no volunteer chat here: the request goes to the HQ chat, so the relative is not
    // promised the district's volunteers.
    expect(m.text).toMatch(/^Спасибо! Заявка №\d+ принята и передана в штаб: у района «Ленинский» пока нет чата волонтёров/);
    expect(m.text).not.toContain('передана волонтёрам района');

    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored).toMatchObject({
      channel: 'vk',
      requester: { platform: 'vk', userId: '601', chatId: '601' },
      helpKind: 'medicine',
      personal: { phone: '+79131234567', description: 'Корвалол <b>срочно</b> & хлеб' },
    });
    expect((await anna.reply()).text).toContain(`Кодовое слово для этой заявки: «${stored!.codeWord}»`);
    await eventually(async () => (await h.database.db.repositories.conversations.read('vk:601')) === undefined);
    expect((await anna.ask('/my')).text).toMatch(new RegExp(`№${number} от .*Доставка лекарств, ждёт волонтёра`));
  });

  it('ignores a button of an older keyboard, goes back, and cancels keeping nothing', async () => {
    const boris = h.vkPerson(602, 'Борис');
    const greeting = await boris.ask('/start');
    const first = await boris.choose(await boris.choose(await boris.choose(greeting, 'Оставить заявку'), 'Да'), 'Для меня');
    let m = await boris.choose(first, 'Человеку с инвалидностью');
    expect(m.text).toMatch(/Сколько лет/);
    m = await boris.choose(first, 'Семье с детьми');
    expect(m.text).toMatch(/старого сообщения/);
    m = await boris.ask('45');
    m = await boris.choose(m, 'Назад');
    expect(m.text).toMatch(/Сколько лет.*Сейчас указано: 45/s);
    // The answer shown can be kept with one press instead of typed again.
    m = await boris.choose(m, 'Оставить как есть');
    expect(m.text).toMatch(/В каком районе/);
    m = await boris.choose(m, 'Назад');
    expect(m.text).toMatch(/Сколько лет.*Сейчас указано: 45/s);
    m = await boris.ask('/cancel');
    expect(m.text).toMatch(/Заявка отменена/);
    expect(await h.database.db.repositories.conversations.read('vk:602')).toBeUndefined();
    expect(await h.database.db.repositories.requests.listByRequester({ platform: 'vk', userId: '602' }, 5)).toEqual([]);
  });

  it('resumes where it was after the bot process is replaced', async () => {
    const vera = h.vkPerson(603, 'Вера');
    let m = await vera.choose(await vera.ask('Привет'), 'Оставить заявку');
    m = await vera.choose(m, 'Да');
    m = await vera.choose(m, 'Для меня');
    m = await vera.choose(m, 'Пенсионеру');
    m = await vera.ask('90');
    expect(m.text).toMatch(/В каком районе/);
    await h.stopBot();
    await h.startBot();
    m = await vera.choose(m, 'Центральный');
    expect(m.text).toMatch(/Какая помощь нужна/);
  });
});

describe('a flood of VK messages', () => {
  let f: SystemHarness;
  beforeAll(async () => {
    f = await SystemHarness.start({ FLOOD_MESSAGES: '6', FLOOD_WINDOW: '10s', FLOOD_PAUSE: '1s' }, { vk: true });
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('gets one «please slow down», is then ignored for the pause, and goes on from the same place', async () => {
    const nina = f.vkPerson(661, 'Нина');
    let m = await nina.choose(await nina.ask('Здравствуйте'), 'Оставить заявку');
    m = await nina.choose(m, 'Да');
    m = await nina.choose(m, 'Для меня');
    m = await nina.choose(m, 'Пенсионеру');
    expect(m.text).toMatch(/Сколько лет/);
    // Five messages and presses so far; one more refused answer reaches the limit of six.
    expect((await nina.ask('много')).text).toMatch(/напишите число цифрами/);
    nina.skipAll();
    const before = f.vk.messagesTo(nina.peerId).length;
    for (let i = 0; i < 30; i++) nina.say('много');
    expect((await nina.reply()).text).toMatch(/подождите/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(f.vk.messagesTo(nina.peerId)).toHaveLength(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    m = await nina.ask('81');
    expect(m.text).toMatch(/В каком районе/);
  });
});
