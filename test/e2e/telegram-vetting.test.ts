import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COORDINATOR_ID, fileRequest, HQ_CHAT_ID, type Person, SystemHarness } from '../support/harness.js';

const GROUP = { id: -1002001, title: 'Волонтёры Ленинского района' };
const HQ = { id: HQ_CHAT_ID, title: 'Штаб' };
const PHONE = '+79131112233';
type Message = Awaited<ReturnType<Person['reply']>>;

let h: SystemHarness;
let relative: Person;
beforeAll(async () => {
  // Approval is what this file is about: on, as it is by default.
  h = await SystemHarness.start({ CLAIM_REQUIRES_APPROVAL: 'true' });
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Ленинский');
  relative = h.person(201, 'Ирина');
});
afterAll(async () => {
  await h?.stop();
});

/** The post of request `number` in the district group. */
function postOf(number: number): Promise<Message> {
  return h.emulator.waitFor(() => h.messagesTo(GROUP.id).find((m) => m.message.text.includes(`Заявка №${number}`)));
}

/** A message as it is now (after the bot edited it in place). */
function current(chatId: number, message: Message): Message {
  return h.messagesTo(chatId).find((m) => m.messageId === message.messageId)!;
}

/** Presses a mark and waits for the question to be redrawn with its tick. */
async function mark(person: Person, message: Message, label: string): Promise<Message> {
  await person.press(current(person.chatId, message), label);
  return h.emulator.waitFor(
    () => {
      const now = current(person.chatId, message);
      return now.message.reply_markup?.inline_keyboard?.flat().some((b) => b.text === `✅ ${label}`) ? now : undefined;
    },
    undefined,
    () => `the tick on «${label}»`,
  );
}

/** Fills the application from its first question; returns the bot's answer to «Отправить». */
async function apply(person: Person, first: Message, name: string): Promise<Message> {
  expect(first.message.text).toMatch(/Спасибо, что хотите помогать/);
  let m = await person.choose(first, 'Да, даю согласие');
  expect(m.message.text).toMatch(/Как вас зовут/);
  m = await person.ask(name);
  expect(m.message.text).toMatch(/номер телефона/);
  // Telegram's share-contact button, under the phone question.
  expect(m.message.reply_markup?.keyboard?.flat().some((b) => typeof b === 'object' && 'request_contact' in b && b.request_contact)).toBe(true);
  await person.shareContact(PHONE);
  await person.reply(); // «Номер записан» takes the keyboard away
  const districts = await person.reply();
  expect(districts.message.text).toMatch(/В каких районах/);
  expect(districts.message.text).toMatch(/Можно отметить несколько/);
  await mark(person, districts, 'Ленинский');
  const twice = await mark(person, districts, 'Центральный');
  // Pressed in place: no new message for a mark.
  const skills = await person.choose(twice, 'Готово');
  expect(skills.message.text).toMatch(/Чем вы можете помочь/);
  const marked = await mark(person, skills, '🚗 Есть машина');
  const rules = await person.choose(marked, 'Готово');
  expect(rules.message.text).toMatch(/Правила волонтёра/);
  const summary = await person.choose(rules, 'Да, обязуюсь соблюдать');
  expect(summary.message.text).toMatch(/Районы: Центральный, Ленинский/);
  expect(summary.message.text).toMatch(/Могу: 🚗 Есть машина/);
  return person.choose(summary, 'Отправить');
}

describe('applying to volunteer and approval, in Telegram', () => {
  let number: number;
  let applicationNumber: number;
  let hqPost: Message;
  const volunteer = () => h.person(3101, 'Анна', GROUP);
  const privately = () => h.person(3101, 'Анна');

  it('answers a press of «Взять заявку» by someone who never applied politely, with a link that opens the application', async () => {
    number = await fileRequest(relative, 'Ленинский');
    const post = await postOf(number);
    const before = h.callbackAnswers().length;
    await volunteer().press(post, 'Взять заявку');
    const [answer] = await h.emulator.waitFor(() => {
      const a = h.callbackAnswers().slice(before);
      return a.length > 0 ? a : undefined;
    });
    expect(answer!.text).toMatch(/одобренные штабом/);
    expect(answer!.url).toMatch(/^https:\/\/t\.me\/.+\?start=volunteer$/);
    expect((await h.database.db.repositories.requests.findByNumber(number))?.status).toBe('new');
  });

  it('runs the application from that link, and posts it to the HQ chat without the name and phone, with «Одобрить» and «Отклонить»', async () => {
    const anna = privately();
    const first = await anna.ask('/start volunteer');
    const done = await apply(anna, first, 'Анна Волонтёрова');
    const found = /Анкета волонтёра №(\d+) отправлена/.exec(done.message.text);
    expect(found, done.message.text).not.toBeNull();
    applicationNumber = Number(found![1]);
    hqPost = await h.emulator.waitFor(() => h.messagesTo(HQ_CHAT_ID).find((m) => m.message.text.includes(`Анкета волонтёра №${applicationNumber}`)));
    expect(hqPost.message.text).not.toContain('Анна Волонтёрова');
    expect(hqPost.message.text).toMatch(/Районы: Центральный, Ленинский/);
    expect(hqPost.message.text).not.toContain(PHONE);
    expect(hqPost.message.text).not.toContain('913');
    expect(hqPost.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['✅ Одобрить', '❌ Отклонить']);
    const record = await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber);
    expect(record).toMatchObject({
      status: 'pending',
      details: { name: 'Анна Волонтёрова', phone: PHONE },
      districts: ['Центральный', 'Ленинский'],
      skills: ['car'],
    });
  });

  it('keeps a pending applicant from claiming and from applying twice', async () => {
    const before = h.callbackAnswers().length;
    await volunteer().press(await postOf(number), 'Взять заявку');
    const [answer] = await h.emulator.waitFor(() => {
      const a = h.callbackAnswers().slice(before);
      return a.length > 0 ? a : undefined;
    });
    expect(answer!.text).toMatch(/ещё у координаторов/);
    expect(answer!.url).toBeUndefined();
    const again = await privately().ask('/volunteer');
    expect(again.message.text).toMatch(new RegExp(`анкета волонтёра №${applicationNumber} уже у координаторов`));
  });

  it('refuses the approval pressed by someone who is not a coordinator, and a forged one, changing nothing', async () => {
    const stranger = h.person(4400, 'Прохожий', HQ);
    const before = h.callbackAnswers().length;
    await stranger.press(hqPost, 'Одобрить');
    await stranger.pressData(hqPost, 'co:v:99999');
    await stranger.pressData(hqPost, 'co:v:abc');
    const answers = await h.emulator.waitFor(() => {
      const a = h.callbackAnswers().slice(before);
      return a.length >= 3 ? a : undefined;
    });
    expect(answers.map((a) => a.text)).toEqual([
      expect.stringMatching(/только координаторам/),
      expect.stringMatching(/только координаторам/),
      expect.stringMatching(/устарела/),
    ]);
    const coordinator = h.person(COORDINATOR_ID, 'Координатор', HQ);
    const forgedByCoordinator = h.callbackAnswers().length;
    await coordinator.pressData(hqPost, 'co:v:99999');
    const [forged] = await h.emulator.waitFor(() => {
      const a = h.callbackAnswers().slice(forgedByCoordinator);
      return a.length > 0 ? a : undefined;
    });
    expect(forged!.text).toMatch(/Анкеты №99999 нет/);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber))?.status).toBe('pending');
  });

  it("approves with the coordinator's press, tells the applicant, refuses a second press, and then the claim goes through", async () => {
    const coordinator = h.person(COORDINATOR_ID, 'Координатор', HQ);
    const answer = await coordinator.choose(hqPost, 'Одобрить');
    // In the HQ chat without the name; in a coordinator's private chat with it (below).
    expect(answer.message.text).toMatch(new RegExp(`Анкета №${applicationNumber} одобрена`));
    const told = await h.emulator.waitFor(() => h.messagesTo(3101).find((m) => m.message.text.includes('одобрена!')));
    expect(told.message.text).toMatch(/кодовое слово/);

    const before = h.callbackAnswers().length;
    await coordinator.press(hqPost, 'Одобрить');
    const [second] = await h.emulator.waitFor(() => {
      const a = h.callbackAnswers().slice(before);
      return a.length > 0 ? a : undefined;
    });
    expect(second!.text).toMatch(/уже нельзя одобрить: сейчас она «одобрена»/);
    const record = await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber);
    expect(record?.history.map((e) => e.status)).toEqual(['pending', 'approved']);

    const pressBefore = h.callbackAnswers().length;
    await volunteer().press(await postOf(number), 'Взять заявку');
    const [won] = await h.emulator.waitFor(() => {
      const a = h.callbackAnswers().slice(pressBefore);
      return a.length > 0 ? a : undefined;
    });
    expect(won!.text).toMatch(/ваша/);
    expect((await h.database.db.repositories.requests.findByNumber(number))?.volunteer?.userId).toBe('3101');
    expect((await privately().ask('/volunteer')).message.text).toMatch(/Вы уже волонтёр штаба/);
  });

  it('suspends with a reason (the volunteer told, the next press refused) and reinstates', async () => {
    const coordinator = h.person(COORDINATOR_ID, 'Координатор');
    expect((await coordinator.ask(`/suspend ${applicationNumber}`)).message.text).toMatch(/Напишите причину/);
    expect((await coordinator.ask(`/suspend ${applicationNumber} жалоба заявителя`)).message.text).toMatch(/приостановлен/);
    const told = await h.emulator.waitFor(() => h.messagesTo(3101).find((m) => m.message.text.includes('жалоба заявителя')));
    expect(told.message.text).toMatch(/приостановлено штабом/);
    relative.skipAll();
    const next = await fileRequest(relative, 'Ленинский');
    const before = h.callbackAnswers().length;
    await volunteer().press(await postOf(next), 'Взять заявку');
    const [refused] = await h.emulator.waitFor(() => {
      const a = h.callbackAnswers().slice(before);
      return a.length > 0 ? a : undefined;
    });
    expect(refused!.text).toMatch(/приостановлено штабом/);
    expect((await h.database.db.repositories.requests.findByNumber(next))?.status).toBe('new');
    expect((await coordinator.ask(`/reinstate ${applicationNumber}`)).message.text).toMatch(/снова может брать заявки/);
  });

  it('rejects with a reason asked for by the button, lets the rejected person apply again, and lists applications by status with phones only privately', async () => {
    const boris = h.person(3102, 'Борис');
    await apply(boris, await boris.ask('/volunteer'), 'Борис Второй');
    const second = (await h.database.db.repositories.volunteerRoster.find({ platform: 'telegram', userId: '3102' }))!.number;
    const post = await h.emulator.waitFor(() => h.messagesTo(HQ_CHAT_ID).find((m) => m.message.text.includes(`Анкета волонтёра №${second} `)));

    const inHq = h.person(COORDINATOR_ID, 'Координатор', HQ);
    const hint = await inHq.choose(post, 'Отклонить');
    expect(hint.message.text).toContain(`/reject ${second} <причина>`);
    const listed = await inHq.ask('/volunteers pending');
    expect(listed.message.text).toContain(`№${second} · ждёт решения`);
    expect(listed.message.text).not.toContain('Борис Второй');
    expect(listed.message.text).not.toContain(PHONE);
    const coordinator = h.person(COORDINATOR_ID, 'Координатор');
    const privately = (await coordinator.ask('/volunteers pending')).message.text;
    expect(privately).toContain('Борис Второй');
    expect(privately).toContain(PHONE);
    // Shown in the private chat, not in the HQ chat: one record of who saw it.
    expect(await h.database.db.repositories.applicationViews.listFor(second)).toEqual([
      { volunteerNumber: second, viewer: { platform: 'telegram', userId: String(COORDINATOR_ID) }, channel: 'telegram', at: expect.any(Date) },
    ]);

    expect((await coordinator.ask(`/reject ${second} не удалось дозвониться`)).message.text).toMatch(`Анкета №${second} (Борис Второй) отклонена`);
    const told = await h.emulator.waitFor(() => h.messagesTo(3102).find((m) => m.message.text.includes('не удалось дозвониться')));
    expect(told.message.text).toMatch(/не одобрена/);
    // Applying again starts the questionnaire anew.
    boris.skipAll();
    expect((await boris.ask('/volunteer')).message.text).toMatch(/Спасибо, что хотите помогать/);
    expect((await boris.ask('/cancel')).message.text).toMatch(/Анкета отменена/);
  });

  it("erases an applicant's name and phone on /forget, keeping the HQ's decision", async () => {
    const anna = privately();
    const question = await anna.ask('/forget');
    await anna.choose(question, 'Да, удалить');
    const record = await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber);
    expect(record?.details).toBeUndefined();
    expect(record?.status).toBe('approved');
  });
});
