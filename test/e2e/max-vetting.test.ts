import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COORDINATOR_ID, SystemHarness } from '../support/harness.js';
import type { MaxSentMessage } from '../support/max-api-fake.js';
import { fileMaxRequest, type MaxPerson } from '../support/max-person.js';

const LENINSKY = -70000000041;
const HQ_CHAT = -70000000049;
const PHONE = '+79134445566';
/** What «Взять заявку» answers everywhere to someone who never applied. */
const NEVER_APPLIED = 'Заявки берут волонтёры, одобренные штабом. Анкета: /volunteer в чате с ботом.';

let h: SystemHarness;
beforeAll(async () => {
  // Approval is what this file is about: on, as it is by default; the HQ chat is a MAX group chat.
  // The bot keeps to MAX's real 30 requests a second here, and the fake refuses more (429).
  h = await SystemHarness.start({ CLAIM_REQUIRES_APPROVAL: 'true', HQ_MAX_CHAT_ID: String(HQ_CHAT), MAX_API_RATE_LIMIT: '30' }, { max: true });
  h.max.enforceRate(30);
  h.max.addChat({ chatId: LENINSKY, title: 'Волонтёры Ленинского в MAX' });
  h.max.addChat({ chatId: HQ_CHAT, title: 'Штаб в MAX' });
  expect((await h.maxPerson(MAX_COORDINATOR_ID, 'Координатор', LENINSKY).ask('/bind Ленинский')).text).toMatch(/«Ленинский»/);
});
afterAll(async () => {
  await h?.stop();
});

function maxPostOf(number: number): Promise<MaxSentMessage> {
  return h.max.waitFor(
    () => h.max.messagesToChat(LENINSKY).find((m) => m.text.includes(`Заявка №${number}\n`)),
    undefined,
    `the post of request №${number} in the district chat`,
  );
}

function hqPostOf(applicationNumber: number): Promise<MaxSentMessage> {
  return h.max.waitFor(
    () => h.max.messagesToChat(HQ_CHAT).find((p) => p.text.includes(`Анкета волонтёра №${applicationNumber}`)),
    undefined,
    `the application №${applicationNumber} in the HQ chat`,
  );
}

/** The notification that answers the next press, after `before` answers. */
async function nextNotification(before: number): Promise<string> {
  const answer = await h.max.waitFor(() => h.max.callbackAnswers()[before], undefined, 'the answer to the press');
  expect(answer.notification).toBeDefined();
  return answer.notification!;
}

const labelsOf = (m: MaxSentMessage) =>
  h.max
    .message(m.mid)
    ?.keyboard?.flat()
    .map((b) => b.text) ?? [];

/** Presses a mark of a multiple choice and waits for the question to be redrawn in place with its tick. */
async function mark(person: MaxPerson, question: MaxSentMessage, label: string): Promise<MaxSentMessage> {
  const sentBefore = person.messages().length;
  person.press(question, label);
  const now = await h.max.waitFor(
    () => (labelsOf(question).includes(`✅ ${label}`) ? h.max.message(question.mid) : undefined),
    undefined,
    () => `the tick on «${label}» (buttons: ${labelsOf(question).join(' | ')})`,
  );
  // In place: no new message for a mark.
  expect(person.messages()).toHaveLength(sentBefore);
  return now;
}

describe('applying to volunteer and approval, in MAX', () => {
  let number: number;
  let applicationNumber: number;

  it('refuses a press of «Взять заявку» by someone who never applied with the notification naming /volunteer', async () => {
    number = await fileMaxRequest(h.maxPerson(6201, 'Ирина'), 'Ленинский');
    const before = h.max.callbackAnswers().length;
    h.maxPerson(7101, 'Вера', LENINSKY).press(await maxPostOf(number), 'Взять заявку');
    expect(await nextNotification(before)).toBe(NEVER_APPLIED);
    expect((await h.database.db.repositories.requests.findByNumber(number))?.status).toBe('new');
    expect(h.max.messagesToUser(7101)).toEqual([]);
  });

  it('runs the application from the start menu with callback buttons, ticking each marked district in place, and posts it to the HQ chat without the name and phone', async () => {
    const vera = h.maxPerson(7101, 'Вера');
    let m = await vera.ask('Здравствуйте');
    expect(labelsOf(m)).toContain('🙋 Стать волонтёром');
    m = await vera.choose(m, 'Стать волонтёром');
    expect(m.text).toMatch(/Спасибо, что хотите помогать/);
    m = await vera.choose(m, 'Да, даю согласие');
    expect(m.text).toMatch(/Как вас зовут/);
    m = await vera.ask('Вера Помогаева');
    expect(m.text).toMatch(/номер телефона/);
    // MAX's share-contact button is under the phone question; a typed number works too.
    expect(m.keyboard?.[0]).toEqual([{ type: 'request_contact', text: '📱 Отправить мой номер' }]);
    m = await vera.ask('8 913 444-55-66');
    expect(m.text).toMatch(/В каких районах/);
    expect(m.keyboard?.flat().every((b) => b.type === 'callback')).toBe(true);
    await mark(vera, m, 'Ленинский');
    const twice = await mark(vera, m, 'Октябрьский');
    expect(labelsOf(twice).filter((l) => l.startsWith('✅'))).toEqual(['✅ Ленинский', '✅ Октябрьский']);
    m = await vera.choose(twice, 'Готово');
    expect(m.text).toMatch(/Чем вы можете помочь/);
    // A typed list works too.
    m = await vera.ask('1, 5');
    expect(m.text).toMatch(/Правила волонтёра/);
    m = await vera.choose(m, 'Да, обязуюсь');
    expect(m.text).toMatch(/Районы: Ленинский, Октябрьский/);
    m = await vera.choose(m, 'Отправить');
    const found = /Анкета волонтёра №(\d+) отправлена/.exec(m.text);
    expect(found, m.text).not.toBeNull();
    applicationNumber = Number(found![1]);

    const post = await hqPostOf(applicationNumber);
    expect(post.text).not.toContain('Вера Помогаева');
    expect(post.text).not.toContain('444');
    expect(post.keyboard?.flat().map((b) => [b.type, b.text])).toEqual([
      ['callback', '✅ Одобрить'],
      ['callback', '❌ Отклонить'],
    ]);
    expect(await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber)).toMatchObject({
      status: 'pending',
      person: { platform: 'max', userId: '7101' },
      details: { name: 'Вера Помогаева', phone: PHONE },
      districts: ['Ленинский', 'Октябрьский'],
      skills: ['on_foot', 'phone_calls'],
    });
  });

  it("refuses the approval pressed by a group member who is no coordinator, approves with the coordinator's press once, and then the claim goes through", async () => {
    const post = await hqPostOf(applicationNumber);
    let before = h.max.callbackAnswers().length;
    h.maxPerson(7555, 'Прохожий', HQ_CHAT).press(post, 'Одобрить');
    expect(await nextNotification(before)).toMatch(/только координаторам/);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber))?.status).toBe('pending');

    const coordinator = h.maxPerson(MAX_COORDINATOR_ID, 'Координатор', HQ_CHAT);
    const decided = await coordinator.choose(post, 'Одобрить');
    expect(decided.chatId).toBe(HQ_CHAT);
    expect(decided.text).toMatch(new RegExp(`Анкета №${applicationNumber} одобрена`));
    expect(decided.text).not.toContain('Вера Помогаева');
    const told = await h.max.waitFor(
      () => h.max.messagesToUser(7101).find((m) => m.text.includes('одобрена!')),
      undefined,
      'the applicant told of the approval',
    );
    expect(told.text).toMatch(/кодовое слово/);

    before = h.max.callbackAnswers().length;
    coordinator.press(post, 'Одобрить');
    expect(await nextNotification(before)).toMatch(/уже нельзя одобрить/);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber))?.history.map((e) => e.status)).toEqual(['pending', 'approved']);

    const vera = h.maxPerson(7101, 'Вера');
    before = h.max.callbackAnswers().length;
    h.maxPerson(7101, 'Вера', LENINSKY).press(await maxPostOf(number), 'Взять заявку');
    expect(await nextNotification(before)).toMatch(/ваша/);
    expect((await h.database.db.repositories.requests.findByNumber(number))?.volunteer).toMatchObject({ platform: 'max', userId: '7101' });
    expect((await vera.reply()).text).toContain(`Вы взяли заявку №${number}`);
    expect((await vera.ask('/volunteer')).text).toMatch(/Вы уже волонтёр штаба/);
  });

  it('rejects through the command with a reason, the applicant told, and a pending press refused meanwhile', async () => {
    const gleb = h.maxPerson(7102, 'Глеб');
    let m = await gleb.ask('/volunteer');
    m = await gleb.choose(m, 'Да, даю согласие');
    m = await gleb.ask('Глеб Третий');
    m = await gleb.ask('+7 913 000-11-22');
    m = await gleb.ask('Ленинский');
    m = await gleb.ask('2');
    m = await gleb.choose(m, 'Да, обязуюсь');
    m = await gleb.choose(m, 'Отправить');
    const second = Number(/Анкета волонтёра №(\d+) отправлена/.exec(m.text)?.[1]);
    expect(second, m.text).toBeGreaterThan(0);

    const next = await fileMaxRequest(h.maxPerson(6202, 'Павел'), 'Ленинский');
    const before = h.max.callbackAnswers().length;
    h.maxPerson(7102, 'Глеб', LENINSKY).press(await maxPostOf(next), 'Взять заявку');
    expect(await nextNotification(before)).toMatch(/ещё у координаторов/);
    expect((await h.database.db.repositories.requests.findByNumber(next))?.status).toBe('new');

    const coordinator = h.maxPerson(MAX_COORDINATOR_ID, 'Координатор');
    expect((await coordinator.ask(`/reject ${second}`)).text).toMatch(/Напишите причину/);
    expect((await coordinator.ask(`/reject ${second} нет районов рядом`)).text).toMatch(/отклонена/);
    const told = await h.max.waitFor(
      () => h.max.messagesToUser(7102).find((t) => t.text.includes('нет районов рядом')),
      undefined,
      'the applicant told of the rejection',
    );
    expect(told.text).toMatch(/не одобрена/);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(second))?.status).toBe('rejected');
  });

  it("answers each of 60 approved volunteers pressing at once, under MAX's 30 requests a second, with one winner and nothing refused", async () => {
    const pressers = Array.from({ length: 60 }, (_, i) => 7300 + i);
    await h.database.db.repositories.volunteerRoster.approveExisting(
      pressers.map((id) => ({ platform: 'max' as const, userId: String(id) })),
      new Date(),
    );
    const storm = await fileMaxRequest(h.maxPerson(6203, 'Нина'), 'Ленинский');
    const post = await maxPostOf(storm);
    const before = h.max.callbackAnswers().length;
    for (const id of pressers) h.maxPerson(id, `Волонтёр${id}`, LENINSKY).press(post, 'Взять заявку');
    const answers = await h.max.waitFor(
      () => {
        const all = h.max.callbackAnswers().slice(before);
        return all.length >= pressers.length ? all : undefined;
      },
      20_000,
      () => `60 answers to the presses (got ${h.max.callbackAnswers().length - before})`,
    );
    // Each press is told the outcome of the claim: no answer is lost to MAX's limit and replaced by an error.
    expect(answers.map((a) => String(a.notification)).filter((t) => !/ваша|уже взял другой волонтёр/.test(t))).toEqual([]);
    expect(answers.filter((a) => String(a.notification).includes('ваша'))).toHaveLength(1);
    expect(answers.filter((a) => String(a.notification).includes('уже взял другой волонтёр'))).toHaveLength(59);
    expect(new Set(answers.map((a) => a.userId)).size).toBe(60);
    // Whether MAX refused a request on the way (the network may bunch them) is not asked: the client
    // sends a refused one again, and what counts is that every presser heard the outcome.
  }, 60_000);
});
