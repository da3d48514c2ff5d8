import { afterAll, beforeAll, expect, it } from 'vitest';
import { canStageOutages } from '../support/database.js';
import { eventually, SystemHarness } from '../support/harness.js';

// The database becomes unreachable mid-conversation (every connection dropped and refused, as in a
// network failure or a restart of the server) and comes back with its data, by itself.
let h: SystemHarness;
beforeAll(async () => {
  if (canStageOutages()) h = await SystemHarness.start({}, { outages: true });
});
afterAll(async () => {
  await h?.stop();
});

it.runIf(canStageOutages())(
  'answers politely while the database is away, loses nothing entered before, and recovers by itself',
  async () => {
    const anna = h.person(31_000, 'Анна');
    let m = await anna.choose(await anna.ask('/start'), 'Оставить заявку');
    m = await anna.choose(m, 'Да');
    m = await anna.choose(m, 'Для меня');
    m = await anna.choose(m, 'Пенсионеру');
    expect(m.message.text).toMatch(/Сколько лет/);
    // The conversation's place is saved just after its reply goes out; the outage comes after that.
    // Waited for by the answer itself: «pensioner» alone is also among the choices of the step before,
    // and a loaded machine can be slower than the test to save the new place.
    const conversations = h.database.db.repositories.conversations;
    const answered = /category\\*":\\*"pensioner/;
    await eventually(
      async () => answered.test(JSON.stringify((await conversations.read('telegram:31000')) ?? '')),
      undefined,
      'the saved place to hold the answer «Пенсионеру»',
    );

    h.database.cutNetwork();
    const sorry = await anna.ask('78', 30_000);
    expect(sorry.message.text).toMatch(/не может сохранить ваш ответ/);
    // A load balancer learns it too, and stops sending this process traffic meanwhile.
    await eventually(async () => (await fetch(`${h.system!.httpUrl}/readyz`)).status === 503, 30_000);

    h.database.restoreNetwork();
    // The driver reconnects on its own; the person repeats the answer and goes on from where they were.
    const deadline = Date.now() + 30_000;
    for (;;) {
      m = await anna.ask('78', 30_000);
      if (/В каком районе/.test(m.message.text) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(m.message.text).toMatch(/В каком районе/);
    await eventually(async () => (await fetch(`${h.system!.httpUrl}/readyz`)).status === 200, 30_000);

    // The rest of the questionnaire, then the request holds the answer given before the outage.
    m = await anna.choose(m, 'Ленинский');
    m = await anna.choose(m, 'Доставка продуктов');
    m = await anna.ask('Хлеб и молоко');
    m = await anna.ask('Зинаида Петровна');
    m = await anna.ask('ул. Садовая, д. 7');
    await anna.ask('8 913 765-43-21');
    m = await anna.reply(); // after «Номер записан», the summary
    m = await anna.choose(m, 'Отправить');
    const number = Number(/№(\d+)/.exec(m.message.text)?.[1]);
    const stored = await h.database.db.repositories.requests.findByNumber(number);
    expect(stored).toMatchObject({ category: 'pensioner', age: 78, district: 'Ленинский', status: 'new' });
  },
  120_000,
);
