import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../support/csv.js';
import { COORDINATOR_ID, SystemHarness, VK_COORDINATOR_ID, type ChatSide } from '../support/harness.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';
import type { UploadedFile } from '../support/telegram-emulator.js';

// A daughter files for her mother: the volunteer must know whom they go to and whom they may call,
// and must not take the daughter's number for the mother's.
const TG_GROUP = { id: -1003001, title: 'Волонтёры Ленинского района' };
const VK_CHAT = PEER_CHAT_OFFSET + 31;
const MOTHER = { name: 'Анна Сергеевна', address: 'ул. Ленина, д. 1, кв. 5', landline: '8 (495) 123-45-67', phone: '+74951234567' };
const DAUGHTER = { name: 'Ольга', phone: '+79137654321' };
const PERSONAL = [MOTHER.name, MOTHER.address, MOTHER.phone, DAUGHTER.name, DAUGHTER.phone, '765-43-21', '123-45-67'];

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({}, { vk: true });
  await h.person(COORDINATOR_ID, 'Координатор', TG_GROUP).ask('/bind Ленинский');
  await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', VK_CHAT).ask('/bind Центральный');
});
afterAll(async () => {
  await h?.stop();
});

/**
 * The questionnaire for someone else up to the person's phone: returns the question that asks it.
 * Telegram and VK are walked alike: each press and answer is a message the bot answers.
 */
async function upToPersonsPhone<M extends { text: string }>(person: ChatSide<M>, district: string): Promise<M> {
  let m = await person.ask('/start');
  m = await person.choose(m, 'Оставить заявку');
  m = await person.choose(m, 'Да');
  expect(m.text).toMatch(/Для кого нужна помощь/);
  m = await person.choose(m, 'Для другого человека');
  expect(m.text).toMatch(/Кем вы приходитесь/);
  m = await person.choose(m, 'Сын или дочь');
  m = await person.choose(m, 'Пенсионеру');
  m = await person.ask('84');
  m = await person.choose(m, district);
  m = await person.choose(m, 'Доставка продуктов');
  m = await person.ask('Хлеб, молоко, гречка');
  m = await person.ask(MOTHER.name);
  m = await person.ask(MOTHER.address);
  expect(m.text).toMatch(/телефона человека, которому нужна помощь/);
  return m;
}

/** The person's landline, then the applicant's own contact and whom to call first; returns the summary. */
async function restOfTheQuestionnaire<M extends { text: string }>(person: ChatSide<M>, afterApplicantPhone: (answer: M) => Promise<M>): Promise<M> {
  // A city number without its code cannot be dialled from a volunteer's mobile: asked again, kindly.
  let m = await person.ask('123-45-67');
  expect(m.text).toMatch(/с кодом города/);
  m = await person.ask(MOTHER.landline);
  expect(m.text).toMatch(/Как зовут вас/);
  m = await person.ask(DAUGHTER.name);
  expect(m.text).toMatch(/Ваш номер телефона/);
  m = await afterApplicantPhone(await person.ask('8 913 765-43-21'));
  expect(m.text).toMatch(/Кому волонтёру звонить сначала/);
  m = await person.choose(m, 'Мне');
  expect(m.text).toMatch(/Проверьте/);
  for (const shown of ['Для другого человека', 'Сын или дочь', MOTHER.name, MOTHER.phone, DAUGHTER.name, DAUGHTER.phone, 'Звонить сначала: Мне']) {
    expect(m.text).toContain(shown);
  }
  return m;
}

const numberIn = (text: string) => Number(/№(\d+)/.exec(text)?.[1]);

describe('a request filed for someone else', () => {
  it('in Telegram: the share button only for the applicant’s own number; the claimer sees both contacts, labelled, and whom to call first', async () => {
    const olga = h.person(4101, 'Ольга');
    const tg = {
      ask: async (text: string) => asText(await olga.ask(text)),
      choose: async (m: ShownMessage, label: string) => asText(await olga.choose(m.raw, label)),
      reply: async () => asText(await olga.reply()),
    };
    const phoneQuestion = await upToPersonsPhone(tg, 'Ленинский');
    // «Отправить мой номер» would send the daughter's number for her mother's: not offered here.
    expect(phoneQuestion.raw.message.reply_markup?.keyboard?.flat().some((b) => b.request_contact) ?? false).toBe(false);
    const summary = await restOfTheQuestionnaire(tg, async (answer) => {
      // «Номер записан» takes the applicant's share keyboard away; the next question follows it.
      expect(answer.text).toBe('📱 Номер записан.');
      return tg.reply();
    });
    const shown: ShownMessage[] = h.messagesTo(olga.chatId).map(asText);
    const applicantPhoneQuestion = [...shown].reverse().find((m) => /Ваш номер телефона/.test(m.text));
    expect(applicantPhoneQuestion?.raw.message.reply_markup?.keyboard?.flat().some((b) => b.request_contact)).toBe(true);

    const confirmation = await tg.choose(summary, 'Отправить');
    const number = numberIn(confirmation.text);
    expect(number).toBeGreaterThan(0);
    const post = await h.emulator.waitFor(() => h.messagesTo(TG_GROUP.id).find((m) => m.message.text.includes(`Заявка №${number}\n`)));
    for (const personal of PERSONAL) expect(post.message.text).not.toContain(personal);

    const volunteer = h.person(4201, 'Пётр', TG_GROUP);
    await volunteer.press(post, 'Взять заявку');
    const card = await h.emulator.waitFor(() => h.messagesTo(4201).find((m) => m.message.text.includes(`№${number}`) && /Адрес/.test(m.message.text)));
    expect(card.message.text).toContain(`Имя: ${MOTHER.name}`);
    expect(card.message.text).toContain(`Телефон: ${MOTHER.phone}`);
    expect(card.message.text).toContain(`Заявитель: ${DAUGHTER.name} (Сын или дочь)`);
    expect(card.message.text).toContain(`Телефон заявителя: ${DAUGHTER.phone}`);
    expect(card.message.text).toContain('Звонить сначала: заявителю');

    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored?.onBehalf).toEqual({ relation: 'child', callFirst: 'applicant' });
    expect(stored?.personal).toMatchObject({ phone: MOTHER.phone, applicant: DAUGHTER });
  });

  it('in VK: the same questions, the same card, and the coordinator’s statistics and full CSV keep the distinction', async () => {
    const olga = h.vkPerson(4102, 'Ольга');
    await upToPersonsPhone(olga, 'Центральный');
    // VK has no share button: the answer is followed by the next question at once.
    const summary = await restOfTheQuestionnaire(olga, async (answer) => answer);
    const number = numberIn((await olga.choose(summary, 'Отправить')).text);
    const post = await h.vk.waitFor(() => h.vk.messagesTo(VK_CHAT).find((m) => m.text.includes(`Заявка №${number}\n`)));
    for (const personal of PERSONAL) expect(post.text).not.toContain(personal);

    h.vkPerson(4202, 'Пётр', VK_CHAT).press(post, 'Взять заявку');
    const card = await h.vk.waitFor(() => h.vk.messagesTo(4202).find((m) => m.text.includes(`№${number}`) && /Адрес/.test(m.text)));
    expect(card.text).toContain(`Заявитель: ${DAUGHTER.name} (Сын или дочь)\nТелефон заявителя: ${DAUGHTER.phone}\n📞 Звонить сначала: заявителю`);

    const boss = h.person(COORDINATOR_ID, 'Координатор');
    const stats = (await boss.ask('/stats 7d')).message.text;
    expect(stats).toMatch(/Оставлены не самим человеком: 2 \(Сын или дочь — 2\)/);
    const documentsBefore = h.emulator.callsOf('sendDocument').length;
    await boss.say('/export 7d full');
    const call = await h.emulator.waitFor(() => h.emulator.callsOf('sendDocument')[documentsBefore]);
    const rows = parseCsv((call.payload.document as UploadedFile).content.toString('utf8').slice(1));
    const header = rows[0]!;
    const row = rows.find((r) => r[0] === String(number))!;
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('Для кого')).toBe('для другого человека');
    expect(cell('Кем приходится заявитель')).toBe('Сын или дочь');
    expect(cell('Заявитель')).toBe(DAUGHTER.name);
    expect(cell('Телефон заявителя')).toBe('8 913 765-43-21');
    expect(cell('Звонить сначала')).toBe('заявителю');
    expect(cell('Телефон')).toBe('8 495 123-45-67');
  });
});

type ShownMessage = { text: string; raw: Awaited<ReturnType<SystemHarness['messagesTo']>>[number] };
function asText(raw: ShownMessage['raw']): ShownMessage {
  return { text: raw.message.text, raw };
}
