import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/domain/request.js';
import { form, startWebApp, WEB_COORDINATOR, WEB_OPERATOR, type WebApp } from '../support/web-app.js';

// The console's «Волонтёры» through app.inject: applications listed by status and district with what a
// coordinator needs to call, the decisions the vetting rules allow (each telling the applicant through
// the outbox), refusals in plain words that change nothing, the page kept from operators, CSRF on
// every form.

let w: WebApp;
let coordinator: Awaited<ReturnType<WebApp['signIn']>>;
let operator: Awaited<ReturnType<WebApp['signIn']>>;

beforeAll(async () => {
  w = await startWebApp();
  coordinator = await w.signIn(WEB_COORDINATOR, 'Координатор Мария');
  operator = await w.signIn(WEB_OPERATOR, 'Оператор Ольга');
});
afterAll(async () => {
  await w?.stop();
});

const get = (url: string, cookie: string) => w.app.inject({ method: 'GET', url, headers: { cookie } });
/** Posts a form as the session's page would; `csrf` null leaves the token out. */
const postForm = (url: string, session: { cookie: string; csrf: string }, fields: Record<string, string | number>, csrf: string | null = session.csrf) => {
  const body = form({ ...fields, ...(csrf === null ? {} : { _csrf: csrf }) });
  return w.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, cookie: session.cookie } });
};
/** A form's answer is a redirect (Post/Redirect/Get): the page it leads to, as the browser shows it after. */
const follow = async (response: Awaited<ReturnType<typeof postForm>>) => {
  expect(response.statusCode).toBe(303);
  return get(response.headers.location as string, coordinator.cookie);
};
/** The applications a list page shows, in its order. */
const numbersOn = (body: string) => [...body.matchAll(/id="volunteer-(\d+)"/g)].map((m) => Number(m[1]));
/** The decisions a record's card offers. */
const formsOf = (body: string, number: number) => [...body.matchAll(new RegExp(`action="/console/volunteers/${number}/(\\w+)"`, 'g'))].map((m) => m[1]);

let lastUser = 5000;
let lastMinute = 0;
/** Files an application as the bot's questionnaire would, each a minute after the one before. */
async function apply(name: string, districts: string[], skills: string[] = ['on_foot'], platform: Platform = 'telegram') {
  const userId = String(++lastUser);
  const at = new Date(w.now().getTime() + ++lastMinute * 60_000);
  const filed = await w.roster.apply({ person: { platform, userId }, details: { name, phone: `+7913000${userId}` }, districts, skills, at });
  if (!('record' in filed)) throw new Error('the seed applied twice');
  return filed.record;
}
/** What the applicant is told (queued for the bot to send). */
const toldTo = (userId: string) =>
  [...w.vettingOutbox.records.values()].flatMap((r) => (r.message.kind === 'text' && r.message.chatId === userId ? [r.message.text] : []));
const record = async (number: number) => (await w.roster.findByNumber(number))!;

describe('the list', () => {
  it('shows applications waiting for a decision by district, newest first, with the phone, skills, channel and date', async () => {
    const anna = await apply('Анна Лесная', ['Ленинский'], ['on_foot', 'car']);
    const boris = await apply('Борис', ['Центральный'], ['medicine'], 'vk');
    const vera = await apply('<b>Вера</b>', ['Ленинский', 'Октябрьский']);

    const page = await get('/console/volunteers', coordinator.cookie);
    expect(page.statusCode).toBe(200);
    expect(numbersOn(page.body).slice(0, 3)).toEqual([vera.number, boris.number, anna.number]);
    expect(page.body).toContain(`Анкета №${anna.number} · ждёт решения`);
    expect(page.body).toContain(`<a href="tel:+79130005001">+79130005001</a>`);
    expect(page.body).toContain('🚶 Пешком: продукты, аптека рядом, 🚗 Есть машина');
    expect(page.body).toContain('<dd>VK</dd>');
    expect(page.body).toMatch(/<dt>Подана<\/dt><dd>\d\d\.\d\d\.\d{4}, \d\d:\d\d<\/dd>/);
    // What people typed is escaped.
    expect(page.body).toContain('&lt;b&gt;Вера&lt;/b&gt;');
    expect(page.body).not.toContain('<b>Вера</b>');
    // A pending application may be approved or rejected, nothing else.
    expect(formsOf(page.body, anna.number)).toEqual(['approve', 'reject']);

    const leninsky = await get(`/console/volunteers?status=pending&district=${encodeURIComponent('Ленинский')}`, coordinator.cookie);
    expect(numbersOn(leninsky.body)).toEqual(expect.arrayContaining([vera.number, anna.number]));
    expect(numbersOn(leninsky.body)).not.toContain(boris.number);
    expect(numbersOn((await get('/console/volunteers?status=approved', coordinator.cookie)).body)).not.toContain(anna.number);
    // Each page that showed Anna's name and phone is recorded: the first list and Ленинский's, on the console.
    const seen = await w.applicationViews.listFor(anna.number);
    expect(seen).toHaveLength(2);
    expect(seen.every((v) => v.channel === 'web')).toBe(true);
    expect(await w.applicationViews.listFor(boris.number)).toHaveLength(1);
  });

  it('says so when asked for a status or a district it does not know, and shows what it can', async () => {
    const gleb = await apply('Глеб', ['Октябрьский']);
    const status = await get('/console/volunteers?status=archived', coordinator.cookie);
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('Такого статуса анкеты нет, поэтому показаны анкеты, которые ждут решения.');
    expect(numbersOn(status.body)).toContain(gleb.number);
    const district = await get(`/console/volunteers?district=${encodeURIComponent('Нарния')}`, coordinator.cookie);
    expect(district.body).toContain('Такого района нет в списке, поэтому показаны все районы.');
    expect(numbersOn(district.body)).toContain(gleb.number);
    expect(district.body).not.toContain('Нарния');
  });

  it('pages a long list, a page past the end showing the last one', async () => {
    const many = [];
    for (let i = 0; i < 22; i++) many.push(await apply(`Волонтёр ${i}`, ['Заельцовский']));
    const url = `/console/volunteers?status=pending&district=${encodeURIComponent('Заельцовский')}`;
    const first = await get(url, coordinator.cookie);
    expect(first.body).toContain('Найдено анкет: 22');
    expect(numbersOn(first.body)).toEqual(
      many
        .slice(2)
        .reverse()
        .map((r) => r.number),
    );
    expect(first.body).toContain('стр. 1 из 2');
    const second = await get(`${url}&page=2`, coordinator.cookie);
    expect(numbersOn(second.body)).toEqual([many[1]!.number, many[0]!.number]);
    expect(numbersOn((await get(`${url}&page=99`, coordinator.cookie)).body)).toEqual(numbersOn(second.body));
  });
});

describe('decisions', () => {
  it('rejects with a reason, approves, suspends and reinstates, each by the signed-in coordinator and told to the applicant', async () => {
    const dina = await apply('Дина', ['Центральный']);
    const egor = await apply('Егор', ['Центральный']);

    const rejected = await postForm(`/console/volunteers/${dina.number}/reject`, coordinator, { reason: 'Не дозвонились', status: 'pending', page: 1 });
    expect(rejected.headers.location).toBe(`/console/volunteers?status=pending&page=1&done=reject&number=${dina.number}`);
    expect((await follow(rejected)).body).toContain(`Анкета №${dina.number} (Дина) отклонена.`);
    expect((await record(dina.number)).status).toBe('rejected');
    expect((await record(dina.number)).history.at(-1)).toMatchObject({ status: 'rejected', by: WEB_COORDINATOR, reason: 'Не дозвонились' });
    expect(toldTo(dina.person.userId)).toEqual([expect.stringMatching(/не одобрена\. Причина: Не дозвонились/)]);
    // A rejected applicant may still be approved later, after a call; the reason is shown.
    const rejectedList = await get('/console/volunteers?status=rejected', coordinator.cookie);
    expect(formsOf(rejectedList.body, dina.number)).toEqual(['approve']);
    expect(rejectedList.body).toMatch(/<dt>Причина<\/dt><dd>Не дозвонились <span class="muted">\(отклонена, [^)]+\)<\/span>/);

    const approved = await postForm(`/console/volunteers/${egor.number}/approve`, coordinator, { status: 'pending', page: 1 });
    expect((await follow(approved)).body).toContain(`Анкета №${egor.number} (Егор) одобрена.`);
    expect((await record(egor.number)).history.at(-1)).toMatchObject({ status: 'approved', by: WEB_COORDINATOR });
    expect(toldTo(egor.person.userId)).toEqual([expect.stringContaining(`анкета волонтёра №${egor.number} одобрена`)]);
    expect(formsOf((await get('/console/volunteers?status=approved', coordinator.cookie)).body, egor.number)).toEqual(['suspend']);

    const suspended = await postForm(`/console/volunteers/${egor.number}/suspend`, coordinator, { reason: 'Жалоба заявителя', status: 'approved', page: 1 });
    expect(suspended.headers.location).toBe(`/console/volunteers?status=approved&page=1&done=suspend&number=${egor.number}`);
    expect((await follow(suspended)).body).toContain('приостановлен');
    expect((await record(egor.number)).status).toBe('suspended');
    expect(formsOf((await get('/console/volunteers?status=suspended', coordinator.cookie)).body, egor.number)).toEqual(['reinstate']);

    const reinstated = await postForm(`/console/volunteers/${egor.number}/reinstate`, coordinator, { status: 'suspended', page: 1 });
    expect((await follow(reinstated)).body).toContain('снова может брать заявки');
    expect((await record(egor.number)).history.map((e) => e.status)).toEqual(['pending', 'approved', 'suspended', 'approved']);
    expect(toldTo(egor.person.userId)).toEqual([
      expect.stringContaining('одобрена'),
      expect.stringContaining('Причина: Жалоба заявителя'),
      expect.stringContaining('снова открыто'),
    ]);
  });

  it('refuses a rejection or a suspension without a reason, keeping what was typed, and changes nothing', async () => {
    const zhenya = await apply('Женя', ['Октябрьский']);
    const noReason = await postForm(`/console/volunteers/${zhenya.number}/reject`, coordinator, { reason: '   ', status: 'pending', page: 1 });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain(`Напишите, пожалуйста, причину отказа: её получит заявитель. Анкета №${zhenya.number} пока не изменена.`);
    // The form is shown again marked, with what was typed, as the browser sent it.
    const refusedForm = new RegExp(
      `<div class="field invalid">\\s*<label for="reason-${zhenya.number}-reject">[^<]*</label>\\s*<textarea[^>]*autofocus>   </textarea>`,
    );
    expect(noReason.body).toMatch(refusedForm);
    expect((await postForm(`/console/volunteers/${zhenya.number}/reject`, coordinator, {})).statusCode).toBe(422);
    expect(await record(zhenya.number)).toMatchObject({ status: 'pending', history: [{ status: 'pending' }] });
    expect(toldTo(zhenya.person.userId)).toEqual([]);

    await postForm(`/console/volunteers/${zhenya.number}/approve`, coordinator, {});
    const noSuspendReason = await postForm(`/console/volunteers/${zhenya.number}/suspend`, coordinator, { status: 'approved', page: 1 });
    expect(noSuspendReason.statusCode).toBe(422);
    expect(noSuspendReason.body).toContain('причину приостановки');
    expect((await record(zhenya.number)).status).toBe('approved');
  });

  it('refuses a second press, a decision the status does not allow and a forged number, changing nothing', async () => {
    const zoya = await apply('Зоя', ['Ленинский']);
    await postForm(`/console/volunteers/${zoya.number}/approve`, coordinator, { status: 'pending', page: 1 });
    const told = toldTo(zoya.person.userId).length;
    const history = (await record(zoya.number)).history.length;

    const again = await postForm(`/console/volunteers/${zoya.number}/approve`, coordinator, { status: 'pending', page: 1 });
    expect(again.headers.location).toBe(`/console/volunteers?status=pending&page=1&said=not_applicable&decision=approve&number=${zoya.number}`);
    expect((await follow(again)).body).toContain(`Анкету №${zoya.number} уже нельзя одобрить: сейчас она «одобрена». Ничего не изменено.`);
    const late = await postForm(`/console/volunteers/${zoya.number}/reject`, coordinator, { reason: 'Поздно', status: 'pending', page: 1 });
    expect((await follow(late)).body).toContain(`Анкету №${zoya.number} уже нельзя отклонить`);
    expect((await record(zoya.number)).history).toHaveLength(history);
    expect(toldTo(zoya.person.userId)).toHaveLength(told);

    const forged = await postForm('/console/volunteers/99999/approve', coordinator, { status: 'pending', page: 1 });
    expect((await follow(forged)).body).toContain('Анкеты №99999 нет. Ничего не изменено.');
    for (const url of ['/console/volunteers/abc/approve', `/console/volunteers/${zoya.number}/delete`, '/console/volunteers/1e3/approve']) {
      const response = await postForm(url, coordinator, { reason: 'x' });
      expect((await follow(response)).body, url).toContain('Такой анкеты или такого действия нет. Ничего не изменено.');
    }
    expect((await record(zoya.number)).history).toHaveLength(history);
  });
});

describe('access', () => {
  it('keeps the page and its forms from operators, and offers it to coordinators in the navigation', async () => {
    const ilya = await apply('Илья', ['Центральный']);
    const page = await get('/console/volunteers', operator.cookie);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Эта страница доступна только координаторам.');
    expect(page.body).not.toContain('Илья');
    expect((await postForm(`/console/volunteers/${ilya.number}/approve`, operator, {})).statusCode).toBe(403);
    expect((await record(ilya.number)).status).toBe('pending');
    expect((await get('/console/dashboard', operator.cookie)).body).not.toContain('/console/volunteers');
    expect((await get('/console/dashboard', coordinator.cookie)).body).toContain('<a href="/console/volunteers" class="">Волонтёры</a>');
    expect((await w.app.inject({ method: 'GET', url: '/console/volunteers' })).headers.location).toBe('/console/login');
  });

  it("refuses a decision without the session's CSRF token, and changes nothing", async () => {
    const kira = await apply('Кира', ['Центральный']);
    for (const csrf of [null, 'forged', '', operator.csrf]) {
      const response = await postForm(`/console/volunteers/${kira.number}/reject`, coordinator, { reason: 'Подделка' }, csrf);
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('Форма устарела');
    }
    expect(await record(kira.number)).toMatchObject({ status: 'pending', history: [{ status: 'pending' }] });
    expect(toldTo(kira.person.userId)).toEqual([]);
  });
});
