import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestionnaire, COORDINATOR_ID, eventually, fileRequest, SystemHarness } from '../support/harness.js';

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

describe('what a conversation keeps', () => {
  it('stays the same size however many answers are refused, and loses nothing of the place', async () => {
    const olga = h.person(151, 'Ольга');
    let m = await olga.choose(await olga.ask('/start'), 'Оставить заявку');
    m = await olga.choose(m, 'Да');
    m = await olga.choose(m, 'Для меня');
    m = await olga.choose(m, 'Пенсионеру');
    expect(m.message.text).toMatch(/Сколько лет/);
    const stored = async () => JSON.stringify((await h.database.db.repositories.conversations.read('telegram:151')) ?? null).length;
    // A long refused answer, as a person pasting a letter into the age question would send.
    const letter = 'Здравствуйте, пишу по поводу моей мамы. '.repeat(75).slice(0, 3000);
    m = await olga.ask(letter);
    expect(m.message.text).toMatch(/напишите число цифрами/);
    // Updates of a chat are handled one after another, each saved after its reply: once the second
    // reply is here, what is stored holds one refusal or two, never the place before them.
    await olga.ask(letter);
    const afterOne = await stored();
    for (let i = 2; i < 150; i++) m = await olga.ask(letter);
    expect(m.message.text).toMatch(/напишите число цифрами/);
    const after150 = await stored();
    // Only the prompt's sequence number may have grown a digit or two.
    expect(after150).toBeLessThanOrEqual(afterOne + 20);
    expect(after150).toBeLessThan(20_000);
    // The place and the answers given are all there, and the latest buttons work.
    m = await olga.ask('81');
    expect(m.message.text).toMatch(/В каком районе/);
    m = await olga.choose(m, 'Назад');
    expect(m.message.text).toMatch(/Сколько лет/);
    expect(m.message.text).toMatch(/81/);
  }, 120_000);
});

describe('a relative asks for help in Telegram', () => {
  it('goes through the whole questionnaire, with wrong answers on the way, and gets a number', async () => {
    const anna = h.person(101, 'Анна');
    const greeting = await anna.ask('/start');
    expect(greeting.message.text).toMatch(/Здравствуйте/);

    let m = await anna.choose(greeting, 'Оставить заявку');
    // Consent comes first, before anything personal, and says for how long what is kept.
    expect(m.message.text).toMatch(/согласны на обработку/);
    expect(m.message.text).toMatch(/стираем через 90 дней после закрытия, а отменённую вами — через 30 дней\./);
    m = await anna.choose(m, 'Да');
    m = await anna.choose(m, 'Для меня');
    expect(m.message.text).toMatch(/Кому нужна помощь/);
    m = await anna.choose(m, 'Пенсионеру');
    expect(m.message.text).toMatch(/Сколько лет/);

    m = await anna.ask('много');
    expect(m.message.text).toMatch(/напишите число цифрами/);
    expect(m.message.text).toMatch(/Сколько лет/);
    m = await anna.ask('130');
    expect(m.message.text).toMatch(/от 1 до 120/);
    m = await anna.ask('78 лет');
    expect(m.message.text).toMatch(/В каком районе/);

    m = await anna.ask('Марс');
    expect(m.message.text).toMatch(/выберите один из вариантов/);
    m = await anna.choose(m, 'Ленинский');
    expect(m.message.text).toMatch(/Какая помощь нужна/);
    m = await anna.choose(m, 'Доставка лекарств');
    expect(m.message.text).toMatch(/рецепт/);
    m = await anna.choose(m, 'Рецепт есть');
    expect(m.message.text).toMatch(/Опишите/);

    await anna.sendSticker();
    m = await anna.reply();
    expect(m.message.text).toMatch(/ответьте текстом/);
    m = await anna.ask('Корвалол и хлеб <b>срочно</b>');
    expect(m.message.text).toMatch(/Как зовут/);
    m = await anna.ask('Мария Ивановна');
    expect(m.message.text).toMatch(/адрес/);
    m = await anna.ask('ул. Ленина, д. 1, кв. 5');
    expect(m.message.text).toMatch(/номер телефона/);
    expect(m.message.reply_markup?.keyboard?.flat().some((b) => b.request_contact)).toBe(true);

    m = await anna.ask('позвоните соседке');
    expect(m.message.text).toMatch(/Не получилось распознать номер.*\+7 913 123-45-67/s);
    await anna.shareContact('79131234567');
    // The summary's buttons sit under its message, so a line of its own takes the phone's keyboard away.
    m = await anna.reply();
    expect(m.message.text).toBe('📱 Номер записан.');
    expect(m.message.reply_markup).toEqual({ remove_keyboard: true });
    m = await anna.reply();
    expect(m.message.text).toMatch(/Проверьте/);
    for (const shown of [
      'Пенсионеру',
      '78',
      'Ленинский',
      'Доставка лекарств',
      'Рецепт есть',
      'Корвалол и хлеб <b>срочно</b>',
      'Мария Ивановна',
      'ул. Ленина, д. 1, кв. 5',
      '+79131234567',
    ]) {
      expect(m.message.text).toContain(shown);
    }
    const summary = m;
    m = await anna.choose(m, 'Отправить');
    expect(m.message.text).toMatch(/Заявка №1 принята/);
    expect(m.message.text).toMatch(/Ленинский/);

    const stored = await h.database.db.repositories.requests.findByNumber(1);
    expect(stored).toMatchObject({
      status: 'new',
      channel: 'telegram',
      category: 'pensioner',
      age: 78,
      district: 'Ленинский',
      helpKind: 'medicine',
      extra: { prescription: 'has_prescription' },
      personal: { name: 'Мария Ивановна', address: 'ул. Ленина, д. 1, кв. 5', phone: '+79131234567', description: 'Корвалол и хлеб <b>срочно</b>' },
      requester: { platform: 'telegram', userId: '101', chatId: '101' },
    });
    // The code word comes in a message of its own, to be passed on to the person at the door.
    expect(stored!.codeWord).toMatch(/^\S+ \d\d$/);
    const told = await anna.reply();
    expect(told.message.text).toContain(`Кодовое слово для этой заявки: «${stored!.codeWord}»`);

    const mine = await anna.ask('/my');
    expect(mine.message.text).toMatch(/№1 от .*Доставка лекарств, ждёт волонтёра/);

    // The conversation's saved place (which holds the answers) is gone once the request is stored.
    await eventually(async () => (await h.database.db.repositories.conversations.read('telegram:101')) === undefined);
    // A button of the finished questionnaire only gets a polite note.
    const answersBefore = h.callbackAnswers().length;
    await anna.press(summary, 'Изменить');
    const late = await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore]);
    expect(late.text).toMatch(/старого сообщения/);
  });

  it('declining consent ends the conversation politely, before anything personal was asked, and keeps nothing', async () => {
    const zoya = h.person(105, 'Зоя');
    let m = await zoya.choose(await zoya.ask('/start'), 'Оставить заявку');
    expect(m.message.text).toMatch(/согласны на обработку/);
    m = await zoya.choose(m, 'Нет');
    expect(m.message.text).toMatch(/Без согласия мы ничего не спрашиваем и ничего не сохранили/);
    await eventually(
      async () => (await h.database.db.repositories.conversations.read('telegram:105')) === undefined,
      undefined,
      'the declined conversation to be forgotten',
    );
    // Nothing goes on: the next message is answered as outside any questionnaire.
    m = await zoya.ask('78');
    expect(m.message.text).toMatch(/нажмите \/start/);
    expect(await h.database.db.repositories.requests.listByRequester({ platform: 'telegram', userId: '105' }, 10)).toEqual([]);
  });

  it('a button of an older message is ignored politely and changes nothing', async () => {
    const boris = h.person(102, 'Борис');
    const greeting = await boris.ask('/start');
    const first = await boris.choose(await boris.choose(await boris.choose(greeting, 'Оставить заявку'), 'Да'), 'Для меня');
    const age = await boris.choose(first, 'Пенсионеру');
    expect(age.message.text).toMatch(/Сколько лет/);
    const answersBefore = h.callbackAnswers().length;
    await boris.press(first, 'Семье с детьми');
    const answer = await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore]);
    expect(answer.text).toMatch(/старого сообщения/);
    const next = await boris.ask('80');
    expect(next.message.text).toMatch(/В каком районе/);
    // The category is still the one chosen before; the old press did not change it.
    await boris.say('/cancel');
  });

  it('goes back a step and cancels, keeping nothing', async () => {
    const vera = h.person(103, 'Вера');
    const greeting = await vera.ask('/start');
    let m = await vera.choose(greeting, 'Оставить заявку');
    // The first question has no «Назад» yet, and its hint does not pretend it has.
    expect(m.message.text).toContain('Под следующими вопросами будет кнопка «Назад»');
    expect(m.message.text).not.toContain('«Назад» — вернуться');
    expect(m.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['Да, даю согласие', 'Нет']);
    m = await vera.choose(m, 'Да');
    m = await vera.choose(m, 'Для меня');
    m = await vera.choose(m, 'Человеку с инвалидностью');
    m = await vera.ask('45');
    expect(m.message.text).toMatch(/В каком районе/);
    m = await vera.choose(m, 'Назад');
    expect(m.message.text).toMatch(/Сколько лет/);
    expect(m.message.text).toMatch(/Сейчас указано: 45/);
    // The answer shown can be kept with one press instead of typed again.
    const keepable = m;
    expect(m.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['👌 Оставить как есть', '⬅️ Назад']);
    m = await vera.choose(m, 'Оставить как есть');
    expect(m.message.text).toMatch(/В каком районе/);
    m = await vera.choose(m, 'Назад');
    expect(m.message.text).toMatch(/Сейчас указано: 45/);
    m = await vera.choose(m, 'Назад');
    expect(m.message.text).toMatch(/Кому нужна помощь/);
    expect(m.message.text).toMatch(/Сейчас указано: Человеку с инвалидностью/);
    expect(await h.database.db.repositories.conversations.read('telegram:103')).toBeDefined();
    m = await vera.ask('/cancel');
    expect(m.message.text).toMatch(/Заявка отменена/);
    await eventually(async () => (await h.database.db.repositories.conversations.read('telegram:103')) === undefined);
    m = await vera.ask('78');
    expect(m.message.text).toMatch(/нажмите \/start/);
    expect(await h.database.db.repositories.requests.listByRequester({ platform: 'telegram', userId: '103' }, 10)).toEqual([]);
    // A button of the cancelled questionnaire: no question is waiting, and the answer does not ask for one.
    const answersBefore = h.callbackAnswers().length;
    await vera.press(keepable, 'Оставить как есть');
    expect((await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore])).text).toBe('Эта кнопка от старого сообщения и уже не действует.');
  });

  it('resumes where it was after the bot process is replaced mid-conversation', async () => {
    const gleb = h.person(104, 'Глеб');
    const greeting = await gleb.ask('/start');
    let m = await gleb.choose(greeting, 'Оставить заявку');
    m = await gleb.choose(m, 'Да');
    m = await gleb.choose(m, 'Для меня');
    m = await gleb.choose(m, 'Пенсионеру');
    m = await gleb.ask('90');
    expect(m.message.text).toMatch(/В каком районе/);

    await h.stopBot();
    await h.startBot();

    m = await gleb.choose(m, 'Центральный');
    expect(m.message.text).toMatch(/Какая помощь нужна/);
    m = await gleb.ask('/start');
    expect(m.message.text).toMatch(/Продолжим/);
    m = await gleb.reply();
    expect(m.message.text).toMatch(/Какая помощь нужна/);
    m = await gleb.choose(m, 'Помощь по дому');
    m = await gleb.ask('Повесить полку в коридоре');
    m = await gleb.ask('Пётр Петрович');
    m = await gleb.ask('пр. Мира, 10-20');
    expect((await gleb.ask('+7 (913) 000-11-22')).message.text).toMatch(/Номер записан/);
    m = await gleb.reply();
    expect(m.message.text).toMatch(/Возраст: 90/);
    expect(m.message.text).toMatch(/Район: Центральный/);
    m = await gleb.choose(m, 'Отправить');
    expect(m.message.text).toMatch(/Заявка №\d+ принята/);
  });
});

describe('a flood of messages', () => {
  let f: SystemHarness;
  beforeAll(async () => {
    f = await SystemHarness.start({ FLOOD_MESSAGES: '7', FLOOD_WINDOW: '10s', FLOOD_PAUSE: '1s' });
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('gets one «please slow down», is then ignored for the pause, and goes on from the same place', async () => {
    const nina = f.person(161, 'Нина');
    let m = await nina.choose(await nina.ask('/start'), 'Оставить заявку');
    m = await nina.choose(m, 'Да');
    m = await nina.choose(m, 'Для меня');
    m = await nina.choose(m, 'Пенсионеру');
    expect(m.message.text).toMatch(/Сколько лет/);
    // Five updates so far (/start, four presses); two more refused answers reach the limit of seven.
    for (let i = 0; i < 2; i++) expect((await nina.ask('много')).message.text).toMatch(/напишите число цифрами/);
    nina.skipAll();
    const before = f.messagesTo(nina.chatId).length;
    for (let i = 0; i < 30; i++) await nina.say('много');
    const slowDown = await nina.reply();
    expect(slowDown.message.text).toMatch(/подождите/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(f.messagesTo(nina.chatId)).toHaveLength(before + 1);
    // After the pause the age question still stands, with nothing lost.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    m = await nina.ask('81');
    expect(m.message.text).toMatch(/В каком районе/);
  });
});

describe('requester limits', () => {
  let r: SystemHarness;
  beforeAll(async () => {
    r = await SystemHarness.start({ MAX_OPEN_REQUESTS_PER_REQUESTER: '2', SUBMISSION_COOLDOWN: '1h' });
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('refuses a request filed right after another, and one over the open limit, keeping the answers for a later «Отправить»', async () => {
    const rita = r.person(171, 'Рита');
    // The cooldown is an hour, so however slow the machine the second filing is «too soon»; the test
    // lets the hour pass by moving Rita's earlier filings an hour and a bit into the past.
    const letCooldownPass = () =>
      r.database.db.connection.collection('requests').updateMany({ 'requester.userId': '171' }, { $set: { createdAt: new Date(Date.now() - 61 * 60_000) } });
    await fileRequest(rita, 'Ленинский');
    rita.skipAll();
    // The second questionnaire at once: refused for the cooldown, the summary stays.
    const refusedSoon = await answerQuestionnaire(rita, 'Ленинский');
    expect(refusedSoon.message.text).toMatch(/только что отправили заявку/);
    let summary = await rita.reply();
    expect(summary.message.text).toMatch(/Проверьте/);
    await letCooldownPass();
    let m = await rita.choose(summary, 'Отправить');
    expect(m.message.text).toMatch(/№\d+/);
    expect((await rita.reply()).message.text).toMatch(/Кодовое слово/);
    // A third one: two are open already.
    await letCooldownPass();
    const refusedOpen = await answerQuestionnaire(rita, 'Ленинский');
    expect(refusedOpen.message.text).toMatch(/Открытых заявок у вас сейчас: 2/);
    summary = await rita.reply();
    expect(await r.database.db.repositories.requests.listByRequester({ platform: 'telegram', userId: '171' }, 10)).toHaveLength(2);
    // The HQ cancels one of them; the same summary can be sent then.
    const [latest] = await r.database.db.repositories.requests.listByRequester({ platform: 'telegram', userId: '171' }, 1);
    await r.person(COORDINATOR_ID, 'Координатор').ask(`/cancel ${latest!.number} дубль`);
    await r.emulator.waitFor(
      () => r.messagesTo(rita.chatId).some((x) => x.message.text.includes(`№${latest!.number}`) && x.message.text.includes('дубль')),
      undefined,
      'the news of the cancellation to the requester',
    );
    rita.skipAll();
    m = await rita.choose(summary, 'Отправить');
    expect(m.message.text).toMatch(/№\d+/);
  });
});
