import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COORDINATOR_ID, eventually, fileRequest, fileVkRequest, HQ_CHAT_ID, SystemHarness, type Person } from '../support/harness.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

// Erasure end to end, on the running system: a requester's /forget in Telegram and VK, a
// coordinator's /erase, and the retention job expiring and erasing a request left open for a year.
// Quiet hours are off: these tests are about erasure, not about when requesters may be written to.
const GROUP = { id: -1004004, title: 'Волонтёры Ленинского района' };
const VK_CHAT = PEER_CHAT_OFFSET + 44;
const PERSONAL = ['Зинаида Петровна', 'Садовая', '+79137654321', 'Хлеб, молоко'];
const DAY = 86_400_000;

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({ QUIET_HOURS: 'off', JOBS_PROCESS_EVERY_MS: '100' }, { vk: true });
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Ленинский');
});
afterAll(async () => {
  await h?.stop();
});

const collection = (name: string) => h.database.db.connection.collection(name);
const raw = (number: number) => collection('requests').findOne({ number });

/** Takes the request's post in the district group as this volunteer; returns their task card. */
async function claim(number: number, userId: number, name: string): Promise<Person> {
  const post = await h.emulator.waitFor(() => h.messagesTo(GROUP.id).find((m) => m.message.text.startsWith(`Заявка №${number}\n`)));
  const privately = h.person(userId, name);
  privately.skipAll();
  await h.person(userId, name, GROUP).press(post, 'Взять заявку');
  await privately.reply();
  return privately;
}

/** Checks the stored request holds nothing of its requester but what statistics count. */
async function expectErased(number: number) {
  const doc = (await raw(number))!;
  expect(doc.personalErasedAt).toBeInstanceOf(Date);
  expect(doc.requester).toBeUndefined();
  expect(doc.age).toBeUndefined();
  expect(doc.ageBand).toBe('80+');
  for (const value of PERSONAL) expect(JSON.stringify(doc)).not.toContain(value);
  return doc;
}

describe('/forget in Telegram', () => {
  it('asks once, withdraws the open request (its volunteer is told), erases every request, the questionnaire half-way and the registry entry', async () => {
    const relative = h.person(4101, 'Ирина');
    const first = await fileRequest(relative, 'Ленинский');
    const volunteer = await claim(first, 41011, 'Олег');
    // The news of the claim comes through the outbox; let it arrive before the next questionnaire.
    await h.emulator.waitFor(() => h.messagesTo(relative.chatId).find((x) => x.message.text.includes('взяли в работу')));
    relative.skipAll();
    const second = await fileRequest(relative, 'Ленинский');
    // A third one half-way: its answers are in the conversation state.
    let m = await relative.ask('/start');
    m = await relative.choose(m, 'Оставить заявку');
    m = await relative.choose(m, 'Да');
    m = await relative.choose(m, 'Для меня');
    await relative.choose(m, 'Пенсионеру');
    expect(await collection('conversations').countDocuments({ key: `telegram:${relative.chatId}` })).toBe(1);
    relative.skipAll();

    const question = await relative.ask('/forget');
    expect(question.message.text).toMatch(/^Удалить всё, что бот знает о вас\?/);
    // "No" keeps everything.
    expect((await relative.choose(question, 'Нет, оставить')).message.text).toBe('Хорошо, ничего не удалено.');
    expect((await raw(first))!.personal.name).toBe('Зинаида Петровна');

    const again = await relative.ask('/forget');
    relative.skipAll();
    await relative.press(again, 'Да, удалить');
    const done = await h.emulator.waitFor(() => h.messagesTo(relative.chatId).find((x) => x.message.text.startsWith('Готово: мы удалили ваши данные')));
    expect(done.message.text).toMatch(/Заявок стёрто: 2, из них отменено открытых: 2/);

    for (const number of [first, second]) {
      const doc = await expectErased(number);
      expect(doc.status).toBe('cancelled');
    }
    // The volunteer who held the first one hears it is off; the relative that both are cancelled.
    await h.emulator.waitFor(() => h.messagesTo(volunteer.chatId).find((x) => x.message.text.includes(`Заявка №${first} отменена`)));
    for (const number of [first, second])
      await h.emulator.waitFor(() => h.messagesTo(relative.chatId).find((x) => x.message.text.includes(`Заявка №${number} отменена`)));
    relative.skipAll();
    await eventually(async () => (await collection('outbox').countDocuments({ requestNumber: first, status: 'pending' })) === 0, 5000);
    expect(await collection('conversations').countDocuments({ key: `telegram:${relative.chatId}` })).toBe(0);
    expect(await h.database.db.repositories.people.find({ platform: 'telegram', userId: String(relative.userId) })).toBeNull();
    // Nothing ties them to any request now.
    expect((await relative.ask('/my')).message.text).toBe('У вас пока нет заявок. Чтобы оставить заявку, нажмите /start.');
  }, 60_000);
});

describe('/erase', () => {
  it('lets a coordinator erase a closed request at once after confirming, and refuses an open one', async () => {
    const number = await fileRequest(h.person(4201, 'Павел'), 'Ленинский');
    const boss = h.person(COORDINATOR_ID, 'Координатор');
    expect((await boss.ask(`/erase ${number}`)).message.text).toMatch(new RegExp(`^Заявка №${number} ещё открыта`));
    await boss.ask(`/close ${number} Отвезли Зинаиде Петровне`);
    const asked = await boss.ask(`/erase ${number}`);
    expect(asked.message.text).toMatch(new RegExp(`^Стереть персональные данные заявки №${number}\\?`));
    expect((await boss.choose(asked, 'Да, стереть')).message.text).toBe(`Готово: персональные данные заявки №${number} стёрты.`);
    const doc = await expectErased(number);
    expect(doc.status).toBe('done');
    expect(JSON.stringify(doc)).not.toContain('Отвезли');
    // Someone who is no coordinator is refused.
    expect((await h.person(4202, 'Пётр').ask(`/erase ${number}`)).message.text).toMatch(/только координаторам/);
  }, 60_000);
});

describe('the retention job', () => {
  it('closes a request left open for 400 days as expired, tells the requester and the HQ chat, and erases it', async () => {
    const relative = h.person(4301, 'Тамара');
    const number = await fileRequest(relative, 'Ленинский');
    // Filed 400 days ago: the stored times are moved back, as if the request had waited all along.
    const filed = new Date(Date.now() - 400 * DAY);
    await collection('requests').updateOne({ number }, { $set: { createdAt: filed, consentAt: filed, 'history.$[].at': filed } });
    relative.skipAll();
    await collection('agendaJobs').updateOne({ name: 'retention' }, { $set: { nextRunAt: new Date() } });
    await eventually(async () => !!(await raw(number))?.personalErasedAt, 10_000);

    const doc = await expectErased(number);
    expect(doc.status).toBe('cancelled');
    expect(doc.history.at(-1)).toMatchObject({ type: 'cancelled', note: 'expired' });
    const told = await relative.reply(10_000);
    expect(told.message.text).toMatch(new RegExp(`^Заявка №${number} закрыта: она слишком долго оставалась открытой`));
    await h.emulator.waitFor(
      () => h.messagesTo(HQ_CHAT_ID).find((x) => x.message.text.includes(`№${number}`) && x.message.text.includes('закрыта автоматически')),
      10_000,
    );
    // The post in the district group no longer offers the button.
    await eventually(
      async () =>
        !h
          .messagesTo(GROUP.id)
          .find((x) => x.message.text.startsWith(`Заявка №${number}\n`))
          ?.message.reply_markup?.inline_keyboard?.flat().length,
      5000,
    );
  }, 60_000);
});

describe('/forget in VK', () => {
  it("asks once, then withdraws and erases the person's requests and forgets them", async () => {
    await h.vkPerson(9900, 'Координатор', VK_CHAT).ask('/bind Центральный');
    const relative = h.vkPerson(4401, 'Ирина');
    const number = await fileVkRequest(relative, 'Центральный');
    relative.skipAll();
    const question = await relative.ask('/forget');
    expect(question.text).toMatch(/^Удалить всё, что бот знает о вас\?/);
    relative.skipAll();
    relative.press(question, 'Да, удалить');
    await h.vk.waitFor(() => h.vk.messagesTo(relative.peerId).find((x) => x.text.startsWith('Готово: мы удалили ваши данные')), 10_000);
    const doc = await expectErased(number);
    expect(doc.status).toBe('cancelled');
    expect(await h.database.db.repositories.people.find({ platform: 'vk', userId: String(relative.userId) })).toBeNull();
    expect(await collection('conversations').countDocuments({ key: `vk:${relative.peerId}` })).toBe(0);
  }, 60_000);
});
