import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_JOBS } from '../../src/jobs/request-jobs.js';
import { COORDINATOR_ID, eventually, fileRequest, HQ_CHAT_ID, SystemHarness, type Person } from '../support/harness.js';
import { nightNow } from '../support/quiet-hours.js';

// Real agenda jobs in the running system, on the test database: the clock is moved only by
// configuration (follow-ups due in hundreds of milliseconds, polled every 100 ms).
const GROUP = { id: -1007007, title: 'Волонтёры Ленинского района' };
const FAST = {
  JOBS_PROCESS_EVERY_MS: '100',
  ESCALATION_REMIND_AFTER: '600ms',
  ESCALATION_ALERT_AFTER: '1200ms',
  ESCALATION_BY_HELP_KIND: 'medicine=300ms/600ms',
  STALE_CLAIM_NUDGE_AFTER: '600ms',
  STALE_CLAIM_ALERT_AFTER: '1200ms',
  FEEDBACK_AFTER: '400ms',
  FEEDBACK_REMINDER_AFTER: '800ms',
  QUIET_HOURS: 'off',
  DAILY_REPORT_TIME: 'off',
};

let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start(FAST);
  await h.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Ленинский');
});
afterAll(async () => {
  await h?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const textsTo = (chatId: number, number: number) =>
  h
    .messagesTo(chatId)
    .map((m) => m.message.text)
    .filter((t) => t.includes(`№${number}`));
const jobsOf = (number: number) => h.database.db.connection.collection('agendaJobs').find({ 'data.requestNumber': number }).toArray();

async function claim(number: number, volunteer: Person, privately: Person) {
  const post = await h.emulator.waitFor(() => h.messagesTo(GROUP.id).find((m) => m.message.text.startsWith(`Заявка №${number}\n`)));
  privately.skipAll();
  await volunteer.press(post, 'Взять заявку');
  return privately.reply();
}

describe('unclaimed requests', () => {
  it('are raised again in their chat, then brought to the HQ chat, once each', async () => {
    const number = await fileRequest(h.person(801, 'Ирина'), 'Ленинский');
    const reminder = await h.emulator.waitFor(() => textsTo(GROUP.id, number).find((t) => t.includes('ждёт волонтёра уже')));
    expect(reminder).toMatch(/Нужно: Доставка продуктов/);
    const alert = await h.emulator.waitFor(() => textsTo(HQ_CHAT_ID, number).find((t) => t.includes('никто не взял')));
    expect(alert).toMatch(new RegExp(`/assign ${number}`));
    for (const personal of ['Зинаида Петровна', 'Садовая', '+79137654321']) expect(`${reminder}${alert}`).not.toContain(personal);
    await sleep(500);
    expect(textsTo(GROUP.id, number).filter((t) => t.includes('ждёт волонтёра уже'))).toHaveLength(1);
    expect(textsTo(HQ_CHAT_ID, number).filter((t) => t.includes('никто не взял'))).toHaveLength(1);
  });

  it('carry the claim button with their reminder: the request posted again below it, and both posts close when it is taken', async () => {
    const number = await fileRequest(h.person(809, 'Вера'), 'Ленинский');
    const postsOf = () => h.messagesTo(GROUP.id).filter((m) => m.message.text.startsWith(`Заявка №${number}\n`));
    const repost = await h.emulator.waitFor(() => postsOf()[1]);
    const inGroup = h.messagesTo(GROUP.id).map((m) => m.message.text);
    const reminderAt = inGroup.findIndex((t) => t.includes(`№${number} ждёт волонтёра уже`));
    expect(reminderAt).toBeGreaterThanOrEqual(0);
    expect(inGroup.indexOf(repost.message.text, reminderAt)).toBeGreaterThan(reminderAt);
    expect(repost.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('✋ Взять заявку');

    await h.person(810, 'Глеб', GROUP).press(repost, 'Взять заявку');
    await eventually(async () => postsOf().every((m) => !m.message.reply_markup?.inline_keyboard?.length), undefined, 'both posts to lose their button');
    expect(postsOf()).toHaveLength(2);
    await sleep(500);
    expect(postsOf()).toHaveLength(2);
  });

  it('come sooner for the kinds of help configured as urgent', async () => {
    const started = Date.now();
    const number = await fileRequest(h.person(802, 'Олег'), 'Ленинский', 'Доставка лекарств');
    await h.emulator.waitFor(() => textsTo(HQ_CHAT_ID, number).find((t) => t.includes('никто не взял')));
    // 600 ms for medicine against 1200 ms for the rest (plus polling and the questionnaire itself).
    expect(Date.now() - started).toBeLessThan(5000);
    const jobs = await jobsOf(number);
    const alertJob = jobs.find((j) => j.data.stage === 2)!;
    const reminderJob = jobs.find((j) => j.data.stage === 1)!;
    expect(alertJob.lastRunAt.getTime() - reminderJob.lastRunAt.getTime()).toBeLessThan(1000);
  });

  it('are not escalated when a volunteer takes them in time, and the jobs are removed', async () => {
    const number = await fileRequest(h.person(803, 'Павел'), 'Ленинский');
    await claim(number, h.person(8301, 'Иван', GROUP), h.person(8301, 'Иван'));
    await eventually(async () => (await jobsOf(number)).every((j) => j.name !== REQUEST_JOBS.escalate));
    await sleep(1500);
    expect(textsTo(GROUP.id, number).filter((t) => t.includes('ждёт волонтёра уже'))).toEqual([]);
    expect(textsTo(HQ_CHAT_ID, number).filter((t) => t.includes('никто не взял'))).toEqual([]);
  });
});

describe('stale claims', () => {
  it('nudge the volunteer with the card, then tell the HQ chat', async () => {
    const number = await fileRequest(h.person(804, 'Лидия'), 'Ленинский');
    const olga = h.person(8401, 'Ольга');
    await claim(number, h.person(8401, 'Ольга', GROUP), olga);
    // One message: the reminder on top of the card, so "done" is one tap away.
    const nudge = await olga.reply(5000);
    expect(nudge.message.text).toMatch(new RegExp(`^Напоминание: заявка №${number} у вас уже .*\n\nВы взяли заявку №${number}`, 's'));
    expect(nudge.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('✅ Выполнено');
    const alert = await h.emulator.waitFor(() => textsTo(HQ_CHAT_ID, number).find((t) => t.includes('всё ещё не выполнена')));
    expect(alert).toMatch(/Ольга/);
  });
});

describe('feedback', () => {
  it('asks the requester to rate, passes a low rating to the HQ chat at once, and keeps the comment', async () => {
    const relative = h.person(805, 'Нина');
    const number = await fileRequest(relative, 'Ленинский');
    const boris = h.person(8501, 'Борис');
    const card = await claim(number, h.person(8501, 'Борис', GROUP), boris);
    const thanks = await boris.choose(card, 'Выполнено');
    await boris.press(thanks, 'Без комментария');

    const question = await h.emulator.waitFor(() =>
      h.messagesTo(relative.chatId).find((m) => m.message.text.includes(`Оцените`) && m.message.text.includes(`№${number}`)),
    );
    expect(question.message.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['1', '2', '3', '4', '5']);
    relative.skipAll();
    await relative.press(question, '2');
    expect((await relative.reply()).message.text).toMatch(/Спасибо за оценку/);
    const low = await h.emulator.waitFor(() => textsTo(HQ_CHAT_ID, number).find((t) => t.includes('Низкая оценка 2 из 5')));
    expect(low).not.toContain('Зинаида');
    expect((await relative.ask('Волонтёр опоздал на два часа')).message.text).toMatch(/отзыв передан/);
    expect((await h.database.db.repositories.requests.findByNumber(number))!.feedback).toMatchObject({ rating: 2, comment: 'Волонтёр опоздал на два часа' });

    // The buttons are gone; a second press all the same (a slow client) changes nothing, and no
    // reminder follows an answer.
    expect(
      h
        .messagesTo(relative.chatId)
        .find((m) => m.messageId === question.messageId)!
        .message.reply_markup?.inline_keyboard?.flat() ?? [],
    ).toEqual([]);
    const answersBefore = h.callbackAnswers().length;
    await relative.pressData(question, `fb:${number}:5`);
    expect((await h.emulator.waitFor(() => h.callbackAnswers()[answersBefore])).text).toMatch(/уже получена/);
    await sleep(1200);
    expect((await h.database.db.repositories.requests.findByNumber(number))!.feedback!.rating).toBe(2);
    expect(h.messagesTo(relative.chatId).filter((m) => m.message.text.includes('Нам важно знать'))).toEqual([]);
  });

  it('reminds once when there is no answer, then never again', async () => {
    const relative = h.person(806, 'Вера');
    const number = await fileRequest(relative, 'Ленинский');
    const gleb = h.person(8601, 'Глеб');
    const card = await claim(number, h.person(8601, 'Глеб', GROUP), gleb);
    await gleb.choose(card, 'Выполнено');
    const asked = () => h.messagesTo(relative.chatId).filter((m) => /Оцените|Нам важно знать/.test(m.message.text) && m.message.text.includes(`№${number}`));
    await h.emulator.waitFor(() => (asked().length === 2 ? true : undefined));
    await sleep(1500);
    expect(asked().map((m) => m.message.text.slice(0, 12))).toEqual(['Здравствуйте', 'Нам важно зн']);
  });
});

describe('a requester who blocked the bot', () => {
  it('is marked unreachable after the first failed message, and not asked for feedback', async () => {
    const relative = h.person(809, 'Фёдор');
    const number = await fileRequest(relative, 'Ленинский');
    h.emulator.forbidChat(relative.chatId);
    const callsBefore = h.emulator.callsOf('sendMessage').length;
    const ivan = h.person(8901, 'Иван');
    const card = await claim(number, h.person(8901, 'Иван', GROUP), ivan);
    await eventually(async () => !!(await h.database.db.repositories.requests.findByNumber(number))!.requesterUnreachableAt);
    await ivan.choose(card, 'Выполнено');
    await sleep(1500);
    // "Done" failed once like "taken" did, and no feedback question was even tried.
    const toRelative = h.emulator
      .callsOf('sendMessage')
      .slice(callsBefore)
      .filter((c) => String(c.payload.chat_id) === String(relative.chatId));
    expect(toRelative.map((c) => String(c.payload.text).split('.')[0])).toEqual([
      `Хорошая новость: заявку №${number} взяли в работу`,
      `Заявка №${number} выполнена`,
    ]);
    expect((await jobsOf(number)).filter((j) => j.name === REQUEST_JOBS.feedback)).toEqual([]);
    const failed = await h.database.db.connection
      .collection('outbox')
      .find({ requestNumber: number, chatId: String(relative.chatId) })
      .toArray();
    expect(failed.map((m) => [m.status, m.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
    ]);
  });
});

describe('jobs across a restart', () => {
  it('fires a follow-up due while no bot process was running, once', async () => {
    const number = await fileRequest(h.person(807, 'Степан'), 'Ленинский');
    await h.stopBot();
    await sleep(1500);
    await h.startBot();
    await h.emulator.waitFor(() => textsTo(HQ_CHAT_ID, number).find((t) => t.includes('никто не взял')));
    await sleep(500);
    expect(textsTo(GROUP.id, number).filter((t) => t.includes('ждёт волонтёра уже'))).toHaveLength(1);
    expect(textsTo(HQ_CHAT_ID, number).filter((t) => t.includes('никто не взял'))).toHaveLength(1);
  });

  it('removes the jobs of a cancelled request', async () => {
    const relative = h.person(808, 'Алла');
    const number = await fileRequest(relative, 'Ленинский');
    relative.skipAll();
    const question = await relative.choose(await relative.ask('/my'), `Отменить №${number}`);
    await relative.press(question, 'Да, отменить');
    await eventually(async () => (await jobsOf(number)).length === 0, undefined, `the jobs of request №${number} to be removed`);
    // A loaded machine may take longer than the first follow-up's 600 ms to walk /my and confirm: what
    // was sent before the cancellation is counted, and nothing may follow it, for longer than the last
    // follow-up's delay.
    const followUps = () => [...textsTo(GROUP.id, number), ...textsTo(HQ_CHAT_ID, number)].filter((t) => /ждёт волонтёра уже|никто не взял/.test(t));
    const sentBefore = followUps();
    await sleep(1500);
    expect(followUps()).toEqual(sentBefore);
  });
});

describe('quiet hours, the daily report and retention', () => {
  let q: SystemHarness;
  beforeAll(async () => {
    // Started inside its quiet hours on purpose, whatever the machine's clock reads.
    q = await SystemHarness.start({
      ...FAST,
      QUIET_HOURS: nightNow('Europe/Moscow'),
      TIME_ZONE: 'Europe/Moscow',
      DAILY_REPORT_TIME: '09:00',
      RETENTION_PERIOD: '1s',
    });
    await q.person(COORDINATOR_ID, 'Координатор', GROUP).ask('/bind Ленинский');
  });
  afterAll(async () => {
    await q?.stop();
  });

  it('tells the requester at night at once and silently that a volunteer took the request and that it is done; the rating waits for the morning', async () => {
    const relative = q.person(901, 'Тамара');
    const number = await fileRequest(relative, 'Ленинский');
    relative.skipAll();
    const post = await q.emulator.waitFor(
      () => q.messagesTo(GROUP.id).find((m) => m.message.text.startsWith(`Заявка №${number}\n`)),
      15_000,
      `the post of request №${number} in the group`,
    );
    const ivan = q.person(9101, 'Иван');
    await q.person(9101, 'Иван', GROUP).press(post, 'Взять заявку');
    const card = await ivan.reply();
    expect(card.message.text).toContain(`Вы взяли заявку №${number}`);
    // The volunteer's card is theirs to act on now: it comes with its sound.
    expect(card.message.disable_notification).toBeUndefined();
    const taken = await relative.reply();
    expect(taken.message.text).toMatch(new RegExp(`№${number}.*взял`, 's'));
    expect(taken.message.disable_notification).toBe(true);
    await ivan.choose(card, 'Выполнено');
    const done = await relative.reply();
    expect(done.message.text).toContain(`№${number}`);
    expect(done.message.text).toMatch(/выполнен/);
    expect(done.message.disable_notification).toBe(true);
    // The rating question is scheduled for after the window, not now.
    await eventually(
      async () => (await q.database.db.connection.collection('agendaJobs').findOne({ name: REQUEST_JOBS.feedback, 'data.requestNumber': number })) !== null,
    );
    await sleep(600);
    const job = await q.database.db.connection.collection('agendaJobs').findOne({ name: REQUEST_JOBS.feedback, 'data.requestNumber': number });
    expect(job!.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    // Their own action is answered at once: /my works at night.
    expect((await relative.ask('/my')).message.text).toMatch(new RegExp(`№${number}`));
  });

  it('sends the daily report to the HQ chat once a day, however often its job runs', async () => {
    const jobs = q.database.db.connection.collection('agendaJobs');
    const reports = () => q.messagesTo(HQ_CHAT_ID).filter((m) => m.message.text.startsWith('📊 Отчёт за'));
    expect(await jobs.findOne({ name: 'daily-report' })).toMatchObject({ repeatInterval: '0 9 * * *' });
    // Its time is moved to now in the stored job, as if the morning had come; then once more.
    await jobs.updateOne({ name: 'daily-report' }, { $set: { nextRunAt: new Date() } });
    const [report] = await q.emulator.waitFor(() => (reports().length > 0 ? reports() : undefined));
    expect(report!.message.text).toMatch(/Новых заявок: \d+/);
    expect(report!.message.text).not.toContain('Зинаида');
    // The chart of the last two weeks, as a PNG photo with a caption naming the days and colours.
    const photo = await q.emulator.waitFor(() => q.emulator.callsOf('sendPhoto').find((c) => Number(c.payload.chat_id) === HQ_CHAT_ID));
    expect(String(photo.payload.caption)).toMatch(/^Заявки по дням, \d\d\.\d\d–\d\d\.\d\d, по их статусу сейчас: 🟧/);
    expect([...(photo.payload.photo as { content: Buffer }).content.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    await jobs.updateOne({ name: 'daily-report' }, { $set: { nextRunAt: new Date() } });
    await sleep(1000);
    expect(reports()).toHaveLength(1);
    expect(q.emulator.callsOf('sendPhoto')).toHaveLength(1);
  });

  it('erases the personal data of closed requests when the retention job runs', async () => {
    const done = await q.database.db.connection.collection('requests').findOne({ status: 'done' });
    expect(done!.personal.phone).toBe('+79137654321');
    const jobs = q.database.db.connection.collection('agendaJobs');
    expect(await jobs.findOne({ name: 'retention' })).toMatchObject({ repeatInterval: 3_600_000 });
    await jobs.updateOne({ name: 'retention' }, { $set: { nextRunAt: new Date() } });
    await eventually(async () => !!(await q.database.db.repositories.requests.findByNumber(done!.number))!.personalErasedAt);
    const erased = (await q.database.db.repositories.requests.findByNumber(done!.number))!;
    expect(erased.personal).toEqual({ name: '', address: '', phone: '', description: '' });
    expect(erased).toMatchObject({ status: 'done', district: 'Ленинский' });
  });
});
