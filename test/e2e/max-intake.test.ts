import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SystemHarness } from '../support/harness.js';
import type { MaxSentMessage } from '../support/max-api-fake.js';

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({}, { max: true });
});
afterAll(async () => {
  await h?.stop();
});

const labels = (m: MaxSentMessage) => m.keyboard?.flat().map((b) => b.text) ?? [];

describe('a relative asks for help in MAX', () => {
  it('goes through the same questionnaire, with wrong answers on the way, shares the phone by the button, and gets a number', async () => {
    const anna = h.maxPerson(601, 'Анна');
    anna.start();
    const greeting = await anna.reply();
    expect(greeting.text).toMatch(/Здравствуйте/);
    let m = await anna.choose(greeting, 'Оставить заявку');
    expect(m.text).toMatch(/согласны на обработку/);
    m = await anna.choose(m, 'Да');
    m = await anna.choose(m, 'Для меня');
    expect(m.text).toMatch(/Кому нужна помощь/);
    // Every choice is a callback button under the question, one a row.
    expect(m.keyboard?.every((row) => row.length === 1 && row[0]!.type === 'callback')).toBe(true);
    m = await anna.choose(m, 'Пенсионеру');
    m = await anna.ask('много');
    expect(m.text).toMatch(/напишите число цифрами/);
    m = await anna.ask('78 лет');
    expect(m.text).toMatch(/В каком районе/);
    m = await anna.choose(m, 'Ленинский');
    // MAX takes labels of 128 characters: the longest kind of help fits whole, nothing is listed twice.
    expect(labels(m)).toContain('Доставка продуктов и товаров первой необходимости');
    expect(m.text).not.toContain('1. Доставка продуктов');
    m = await anna.choose(m, 'Доставка лекарств');
    m = await anna.choose(m, 'Рецепт есть');
    anna.sendSticker();
    m = await anna.reply();
    expect(m.text).toMatch(/ответьте текстом/);
    m = await anna.ask('Корвалол <b>срочно</b> & хлеб');
    m = await anna.ask('Мария Ивановна');
    m = await anna.ask('ул. Ленина, д. 1, кв. 5');
    expect(m.text).toMatch(/номер телефона/);
    expect(m.keyboard?.[0]).toEqual([{ type: 'request_contact', text: '📱 Отправить мой номер' }]);
    m = await anna.ask('позвоните соседке');
    expect(m.text).toMatch(/Не получилось распознать номер/);
    // The share button sends the person's own number, from MAX's contact card.
    m = await anna.choose(m, 'Отправить мой номер');
    expect(m.text).toMatch(/Проверьте/);
    expect(m.text).toContain('Корвалол <b>срочно</b> & хлеб');
    m = await anna.choose(m, 'Отправить');
    const number = Number(/№(\d+)/.exec(m.text)?.[1]);
    expect(m.text).toMatch(/^Спасибо! Заявка №\d+ принята и передана в штаб/);

    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored).toMatchObject({
      channel: 'max',
      requester: { platform: 'max', userId: '601', chatId: '601' },
      helpKind: 'medicine',
      personal: { phone: '+79137654321', description: 'Корвалол <b>срочно</b> & хлеб' },
    });
    expect((await anna.reply()).text).toContain(`Кодовое слово для этой заявки: «${stored!.codeWord}»`);
    await eventually(async () => (await h.database.db.repositories.conversations.read('max:601')) === undefined);
    expect((await anna.ask('/my')).text).toMatch(new RegExp(`№${number} от .*Доставка лекарств, ждёт волонтёра`));
  });

  it('greets a person who writes first, ignores a button of an older question, goes back, and cancels keeping nothing', async () => {
    const boris = h.maxPerson(602, 'Борис');
    const greeting = await boris.ask('Добрый день');
    expect(greeting.text).toMatch(/Здравствуйте/);
    const first = await boris.choose(await boris.choose(await boris.choose(greeting, 'Оставить заявку'), 'Да'), 'Для меня');
    let m = await boris.choose(first, 'Человеку с инвалидностью');
    expect(m.text).toMatch(/Сколько лет/);
    // A press on the older question is answered on the button, and the question stays where it was.
    const answersBefore = h.max.callbackAnswers().length;
    boris.press(first, 'Семье с детьми');
    const answer = await h.max.waitFor(() => h.max.callbackAnswers()[answersBefore], undefined, 'the answer to a press of an older question');
    expect(answer.notification).toMatch(/старого сообщения/);
    m = await boris.ask('45');
    m = await boris.choose(m, 'Назад');
    expect(m.text).toMatch(/Сколько лет.*Сейчас указано: 45/s);
    m = await boris.choose(m, 'Оставить как есть');
    expect(m.text).toMatch(/В каком районе/);
    m = await boris.ask('/cancel');
    expect(m.text).toMatch(/Заявка отменена/);
    expect(await h.database.db.repositories.conversations.read('max:602')).toBeUndefined();
    expect(await h.database.db.repositories.requests.listByRequester({ platform: 'max', userId: '602' }, 5)).toEqual([]);
  });

  it('resumes where it was after the bot process is replaced', async () => {
    const vera = h.maxPerson(603, 'Вера');
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

  it('takes a message delivered twice once', async () => {
    const gleb = h.maxPerson(604, 'Глеб');
    await gleb.ask('Здравствуйте');
    const update = h.max.pushMessage({ fromId: 604, text: '/my' });
    await gleb.reply();
    const answered = gleb.messages().length;
    // MAX posts a webhook update again when our answer came late; the same message id is the same message.
    h.max.push(update);
    // The person's updates are taken in order: had the repeat been answered, its answer would come first.
    expect((await gleb.ask('/id')).text).toContain('604');
    expect(gleb.messages()).toHaveLength(answered + 1);
  });
});

describe('a flood of MAX messages', () => {
  let f: SystemHarness;
  beforeAll(async () => {
    f = await SystemHarness.start({ FLOOD_MESSAGES: '6', FLOOD_WINDOW: '10s', FLOOD_PAUSE: '1s' }, { max: true });
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('gets one «please slow down», is then ignored for the pause, and goes on from the same place', async () => {
    const nina = f.maxPerson(661, 'Нина');
    let m = await nina.choose(await nina.ask('Здравствуйте'), 'Оставить заявку');
    m = await nina.choose(m, 'Да');
    m = await nina.choose(m, 'Для меня');
    m = await nina.choose(m, 'Пенсионеру');
    expect(m.text).toMatch(/Сколько лет/);
    expect((await nina.ask('много')).text).toMatch(/напишите число цифрами/);
    nina.skipAll();
    const before = nina.messages().length;
    for (let i = 0; i < 30; i++) nina.say('много');
    expect((await nina.reply()).text).toMatch(/подождите/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(nina.messages()).toHaveLength(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    m = await nina.ask('81');
    expect(m.text).toMatch(/В каком районе/);
  });
});
