import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileVkRequest, SystemHarness, type VkPerson, VK_COORDINATOR_ID } from '../support/harness.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

const LENINSKY_VK = PEER_CHAT_OFFSET + 21;
const HQ_PEER = PEER_CHAT_OFFSET + 29;
const PHONE = '+79134445566';
type Message = Awaited<ReturnType<VkPerson['reply']>>;

let h: SystemHarness;
beforeAll(async () => {
  // Approval is what this file is about: on, as it is by default; the HQ chat is a VK conversation.
  // The bot keeps to VK's real 20 requests a second here, and the fake refuses more (error 6).
  h = await SystemHarness.start({ CLAIM_REQUIRES_APPROVAL: 'true', HQ_VK_PEER_ID: String(HQ_PEER), VK_API_RATE_LIMIT: '20' }, { vk: true });
  h.vk.enforceRate(20);
  await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', LENINSKY_VK).ask('/bind Ленинский');
});
afterAll(async () => {
  await h?.stop();
});

function vkPostOf(number: number): Promise<Message> {
  return h.vk.waitFor(() => h.vk.messagesTo(LENINSKY_VK).find((m) => m.text.includes(`Заявка №${number}\n`)));
}

/** The snackbar that answers the next press, after `before` answers. */
async function nextSnackbar(before: number): Promise<string> {
  const [answer] = await h.vk.waitFor(() => {
    const all = h.vk.eventAnswers().slice(before);
    return all.length > 0 ? all : undefined;
  });
  expect(answer!.eventData?.type).toBe('show_snackbar');
  return String(answer!.eventData?.text);
}

const labelsOf = (m: Message) => m.keyboard?.buttons.flat().map((b) => b.action.label) ?? [];

describe('applying to volunteer and approval, in VK', () => {
  let number: number;
  let applicationNumber: number;

  it('refuses a press of «Взять заявку» by someone who never applied with a short snackbar naming /volunteer', async () => {
    number = await fileVkRequest(h.vkPerson(6201, 'Ирина'), 'Ленинский');
    const before = h.vk.eventAnswers().length;
    h.vkPerson(7101, 'Вера', LENINSKY_VK).press(await vkPostOf(number), 'Взять заявку');
    const text = await nextSnackbar(before);
    expect(text).toMatch(/\/volunteer/);
    // VK cuts a snackbar at 90 characters.
    expect(text.length).toBeLessThanOrEqual(90);
    expect((await h.database.db.repositories.requests.findByNumber(number))?.status).toBe('new');
  });

  it('runs the application from the start menu with text buttons, ticking each marked district, and posts it to the HQ conversation without the name and phone', async () => {
    const vera = h.vkPerson(7101, 'Вера');
    let m = await vera.ask('Здравствуйте');
    expect(labelsOf(m)).toContain('🙋 Стать волонтёром');
    m = await vera.choose(m, 'Стать волонтёром');
    expect(m.text).toMatch(/Спасибо, что хотите помогать/);
    m = await vera.choose(m, 'Да, даю согласие');
    m = await vera.ask('Вера Помогаева');
    // No share-contact button in VK: the phone question does not promise one.
    expect(m.text).not.toMatch(/Отправить мой номер/);
    m = await vera.ask('8 913 444-55-66');
    expect(m.text).toMatch(/В каких районах/);
    m = await vera.choose(m, 'Ленинский');
    expect(labelsOf(m)).toContain('✅ Ленинский');
    m = await vera.choose(m, 'Октябрьский');
    expect(labelsOf(m).filter((l) => l?.startsWith('✅'))).toEqual(['✅ Ленинский', '✅ Октябрьский']);
    m = await vera.choose(m, 'Готово');
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

    const post = await h.vk.waitFor(() => h.vk.messagesTo(HQ_PEER).find((p) => p.text.includes(`Анкета волонтёра №${applicationNumber}`)));
    expect(post.text).not.toContain('Вера Помогаева');
    expect(post.text).not.toContain('444');
    expect(post.keyboard?.inline).toBe(true);
    expect(post.keyboard?.buttons.flat().map((b) => [b.action.type, b.action.label])).toEqual([
      ['callback', '✅ Одобрить'],
      ['callback', '❌ Отклонить'],
    ]);
    expect(await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber)).toMatchObject({
      status: 'pending',
      details: { name: 'Вера Помогаева', phone: PHONE },
      districts: ['Ленинский', 'Октябрьский'],
      skills: ['on_foot', 'phone_calls'],
    });
  });

  it("refuses the approval pressed by a group member who is no coordinator, approves with the coordinator's press once, and then the claim goes through", async () => {
    const post = await h.vk.waitFor(() => h.vk.messagesTo(HQ_PEER).find((p) => p.text.includes(`Анкета волонтёра №${applicationNumber}`)));
    let before = h.vk.eventAnswers().length;
    h.vkPerson(7555, 'Прохожий', HQ_PEER).press(post, 'Одобрить');
    expect(await nextSnackbar(before)).toMatch(/только координаторам/);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber))?.status).toBe('pending');

    const coordinator = h.vkPerson(VK_COORDINATOR_ID, 'Координатор', HQ_PEER);
    const decided = await coordinator.choose(post, 'Одобрить');
    expect(decided.text).toMatch(new RegExp(`Анкета №${applicationNumber} одобрена`));
    await h.vk.waitFor(() => h.vk.messagesTo(7101).find((m) => m.text.includes('одобрена!')));

    before = h.vk.eventAnswers().length;
    coordinator.press(post, 'Одобрить');
    expect(await nextSnackbar(before)).toMatch(/уже нельзя одобрить/);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(applicationNumber))?.history.map((e) => e.status)).toEqual(['pending', 'approved']);

    before = h.vk.eventAnswers().length;
    h.vkPerson(7101, 'Вера', LENINSKY_VK).press(await vkPostOf(number), 'Взять заявку');
    expect(await nextSnackbar(before)).toMatch(/ваша/);
    expect((await h.database.db.repositories.requests.findByNumber(number))?.volunteer?.userId).toBe('7101');
  });

  it('rejects through the command with a reason, the applicant told, and a pending press refused meanwhile', async () => {
    const gleb = h.vkPerson(7102, 'Глеб');
    let m = await gleb.ask('/volunteer');
    m = await gleb.choose(m, 'Да, даю согласие');
    m = await gleb.ask('Глеб Третий');
    m = await gleb.ask('+7 913 000-11-22');
    m = await gleb.ask('Ленинский');
    m = await gleb.ask('2');
    m = await gleb.choose(m, 'Да, обязуюсь');
    m = await gleb.choose(m, 'Отправить');
    const second = Number(/№(\d+)/.exec(m.text)![1]);

    const next = await fileVkRequest(h.vkPerson(6202, 'Павел'), 'Ленинский');
    const before = h.vk.eventAnswers().length;
    h.vkPerson(7102, 'Глеб', LENINSKY_VK).press(await vkPostOf(next), 'Взять заявку');
    expect(await nextSnackbar(before)).toMatch(/ещё у координаторов/);

    const coordinator = h.vkPerson(VK_COORDINATOR_ID, 'Координатор');
    expect((await coordinator.ask(`/reject ${second}`)).text).toMatch(/Напишите причину/);
    expect((await coordinator.ask(`/reject ${second} нет районов рядом`)).text).toMatch(/отклонена/);
    const told = await h.vk.waitFor(() => h.vk.messagesTo(7102).find((t) => t.text.includes('нет районов рядом')));
    expect(told.text).toMatch(/не одобрена/);
    expect((await h.database.db.repositories.volunteerRoster.findByNumber(second))?.status).toBe('rejected');
  });

  it("answers each of 20 approved volunteers pressing at once, under VK's 20 requests a second, with one winner and nothing refused", async () => {
    const pressers = Array.from({ length: 20 }, (_, i) => 7300 + i);
    await h.database.db.repositories.volunteerRoster.approveExisting(
      pressers.map((id) => ({ platform: 'vk' as const, userId: String(id) })),
      new Date(),
    );
    const storm = await fileVkRequest(h.vkPerson(6203, 'Нина'), 'Ленинский');
    const post = await vkPostOf(storm);
    const before = h.vk.eventAnswers().length;
    const executesBefore = h.vk.callsOf('execute').length;
    for (const id of pressers) h.vkPerson(id, `Волонтёр${id}`, LENINSKY_VK).press(post, 'Взять заявку');
    const answers = await h.vk.waitFor(
      () => {
        const all = h.vk.eventAnswers().slice(before);
        return all.length >= pressers.length ? all : undefined;
      },
      20_000,
      () => `20 answers to the presses (got ${h.vk.eventAnswers().length - before})`,
    );
    expect(answers.filter((a) => String(a.eventData?.text).includes('ваша'))).toHaveLength(1);
    expect(answers.filter((a) => String(a.eventData?.text).includes('уже взял другой волонтёр'))).toHaveLength(19);
    expect(new Set(answers.map((a) => a.userId)).size).toBe(20);
    // The answers and the new pressers' name lookups went packed into execute, and VK refused nothing.
    expect(h.vk.callsOf('execute').length).toBeGreaterThan(executesBefore);
    expect(h.vk.tooManyRequests).toBe(0);
  });
});
