import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, startWebApp, WEB_COORDINATOR, WEB_OPERATOR, type WebApp } from '../support/web-app.js';

// The web console through app.inject: one-time sign-in links, sessions and their cookies, CSRF on
// every form, pages by role, the operator's intake form, the board and card with the coordinators'
// actions, the export, the scenario preview and the operators page.

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

const get = (url: string, cookie?: string) => w.app.inject({ method: 'GET', url, ...(cookie ? { headers: { cookie } } : {}) });
/** Posts a form as the session's page would; `csrf` null leaves the token out. */
const postForm = (
  url: string,
  session: { cookie: string; csrf: string } | undefined,
  fields: Record<string, string | number>,
  csrf: string | null | undefined = session?.csrf,
) => {
  const body = form({ ...fields, ...(typeof csrf === 'string' ? { _csrf: csrf } : {}) });
  return w.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, ...(session ? { cookie: session.cookie } : {}) } });
};

/** A form's answer is a redirect (Post/Redirect/Get): the page it leads to, as the browser shows it after. */
const follow = async (response: Awaited<ReturnType<typeof postForm>>, session: { cookie: string }) => {
  expect(response.statusCode).toBe(303);
  return get(response.headers.location as string, session.cookie);
};

/** Every answer of the questionnaire, as the form's fields name them. */
const answers = (overrides: Record<string, string> = {}) => ({
  category: 'pensioner',
  age: '81 год',
  district: 'Ленинский',
  helpKind: 'groceries',
  description: 'Хлеб, молоко, гречка',
  name: 'Зинаида Петровна',
  address: 'ул. Садовая, д. 7, кв. 12',
  phone: '8 913 765-43-21',
  consent: 'yes',
  ...overrides,
});

describe('signing in', () => {
  it('gives links only to coordinators and operators', async () => {
    expect(await w.web.access.issueLink({ platform: 'telegram', userId: '12345' }, 'Случайный')).toBeNull();
    const link = await w.web.access.issueLink(WEB_OPERATOR, 'Оператор Ольга');
    expect(link!.url).toMatch(/^http:\/\/console\.test\/console\/login\?token=[\w-]{43}$/);
  });

  it('opens a session once per link: the page a link opens uses nothing up, the button does', async () => {
    const link = await w.web.access.issueLink(WEB_COORDINATOR, 'Координатор Мария');
    const token = new URL(link!.url).searchParams.get('token')!;
    // A link preview or a second look at the page does not spend the link.
    for (let i = 0; i < 2; i++) {
      const page = await get(`/console/login?token=${token}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`name="token" value="${token}"`);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
    const first = await postForm('/console/login', undefined, { token });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/console/dashboard');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/^hq-console=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const again = await postForm('/console/login', undefined, { token });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Ссылка не подошла');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('does not let another site sign a browser in with a link of its own', async () => {
    const link = await w.web.access.issueLink(WEB_OPERATOR, 'Оператор Ольга');
    const body = form({ token: new URL(link!.url).searchParams.get('token')! });
    const response = await w.app.inject({
      method: 'POST',
      url: '/console/login',
      payload: body.payload,
      headers: { ...body.headers, 'sec-fetch-site': 'cross-site' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('opens one session when a link is used twice at once (a double click)', async () => {
    const link = await w.web.access.issueLink(WEB_OPERATOR, 'Оператор Ольга');
    const token = new URL(link!.url).searchParams.get('token')!;
    const both = await Promise.all([postForm('/console/login', undefined, { token }), postForm('/console/login', undefined, { token })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([303, 400]);
  });

  it('refuses a link after ten minutes, and an unknown one', async () => {
    const link = await w.web.access.issueLink(WEB_COORDINATOR, 'Координатор Мария');
    w.advance(10 * 60_000 + 1000);
    try {
      expect((await postForm('/console/login', undefined, { token: new URL(link!.url).searchParams.get('token')! })).statusCode).toBe(400);
    } finally {
      w.advance(-(10 * 60_000 + 1000));
    }
    expect((await postForm('/console/login', undefined, { token: 'x'.repeat(43) })).statusCode).toBe(400);
    expect((await postForm('/console/login', undefined, { token: '' })).statusCode).toBe(400);
  });

  it('sends a browser without a session to the sign-in page, and signs out', async () => {
    for (const url of [
      '/console/dashboard',
      '/console/requests',
      '/console/intake',
      '/console/requests/1',
      '/console/preview',
      '/console/people',
      '/console/export.csv',
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(303);
      expect(response.headers.location).toBe('/console/login');
    }
    const session = await w.signIn(WEB_OPERATOR, 'Оператор Ольга');
    expect((await get('/console/dashboard', session.cookie)).statusCode).toBe(200);
    const out = await postForm('/console/logout', session, {});
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/^hq-console=;/);
    expect((await get('/console/dashboard', session.cookie)).headers.location).toBe('/console/login');
  });

  it('ends access at once when the role is taken back', async () => {
    const person = { platform: 'telegram' as const, userId: '701' };
    await w.repositories.roles.grant(person, WEB_COORDINATOR, new Date(), 'operator');
    const session = await w.signIn(person, 'Временный оператор');
    expect((await get('/console/requests', session.cookie)).statusCode).toBe(200);
    await w.repositories.roles.revoke(person, 'operator');
    expect((await get('/console/requests', session.cookie)).headers.location).toBe('/console/login');
  });

  it('marks the cookie Secure (with the __Host- prefix) when the console is served over HTTPS', async () => {
    const secure = await startWebApp({ publicUrl: 'https://hq.example.org' });
    try {
      const link = await secure.web.access.issueLink(WEB_COORDINATOR, 'Координатор');
      expect(link!.url).toMatch(/^https:\/\/hq\.example\.org\/console\/login\?token=/);
      const { response } = await secure.signIn(WEB_COORDINATOR, 'Координатор');
      expect(String(response.headers['set-cookie'])).toMatch(/^__Host-hq-console=[\w-]+;.*Secure/);
    } finally {
      await secure.stop();
    }
  });
});

describe('pages', () => {
  it('sends the security headers with every page: no framing, nothing from elsewhere, nothing cached', async () => {
    const page = await get('/console/dashboard', operator.cookie);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-store');
    // Styles and script come from the console itself, nothing from a CDN.
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page.body).toContain('<link rel="stylesheet" href="/console/assets/console.css">');
    expect((await get('/console/assets/console.css')).statusCode).toBe(200);
    expect((await get('/console/assets/console.js')).headers['content-type']).toMatch(/javascript/);
  });

  it("refuses a form without the session's CSRF token, and changes nothing", async () => {
    const before = await w.repositories.requests.search({ skip: 0, limit: 0 });
    for (const csrf of [null, 'forged', operator.csrf.slice(1), '']) {
      const response = await postForm('/console/intake', operator, { ...answers(), action: 'submit', formId: crypto.randomUUID() }, csrf);
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('Форма устарела');
    }
    // Another session's token is no good either.
    expect((await postForm('/console/intake', operator, { ...answers(), action: 'submit', formId: crypto.randomUUID() }, coordinator.csrf)).statusCode).toBe(
      403,
    );
    expect(await w.repositories.requests.search({ skip: 0, limit: 0 })).toEqual(before);
  });

  it("keeps coordinators' pages and actions from operators", async () => {
    expect((await get('/console/requests', operator.cookie)).statusCode).toBe(200);
    expect((await get('/console/intake', operator.cookie)).statusCode).toBe(200);
    expect((await get('/console/preview', operator.cookie)).statusCode).toBe(200);
    expect((await get('/console/people', operator.cookie)).statusCode).toBe(403);
    expect((await get('/console/export.csv?from=2025-01-01&to=2025-01-31', operator.cookie)).statusCode).toBe(403);
    expect((await postForm('/console/requests/1/close', operator, {})).statusCode).toBe(403);
    expect((await postForm('/console/people/grant', operator, { platform: 'telegram', person: '5' })).statusCode).toBe(403);
    // And the page does not offer what they cannot do.
    expect((await get('/console/dashboard', operator.cookie)).body).not.toContain('/console/people');
    expect((await get('/console/dashboard', coordinator.cookie)).body).toContain('/console/people');
  });
});

describe('operator intake', () => {
  it("checks every answer with the questionnaire's own rules and words, keeping what was typed", async () => {
    const response = await postForm('/console/intake', operator, {
      ...answers({ age: 'двести', phone: '123', helpKind: 'medicine', consent: 'no' }),
      action: 'check',
      formId: crypto.randomUUID(),
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Пожалуйста, напишите число цифрами');
    expect(response.body).toContain('Не получилось распознать номер');
    // The medicine branch question applies now and was not answered.
    expect(response.body).toContain('Выберите один из вариантов.');
    expect(response.body).toContain('Без согласия на обработку персональных данных');
    expect(response.body).toContain('value="Зинаида Петровна"');
  });

  it("shows a summary, files the request once with the operator's name, and dispatches it like a bot's", async () => {
    const formId = crypto.randomUUID();
    const summary = await postForm('/console/intake', operator, { ...answers({ helpKind: 'medicine', prescription: 'needs_help' }), action: 'check', formId });
    expect(summary.statusCode).toBe(200);
    expect(summary.body).toContain('Проверьте заявку перед отправкой');
    expect(summary.body).toContain('Нужна помощь с рецептом');
    expect(summary.body).toContain('+79137654321');

    const dispatchedBefore = w.dispatched.length;
    const sent = await postForm('/console/intake', operator, { ...answers({ helpKind: 'medicine', prescription: 'needs_help' }), action: 'submit', formId });
    expect(sent.statusCode).toBe(303);
    const number = Number(/\/console\/requests\/(\d+)\?done=created/.exec(sent.headers.location as string)![1]);
    const stored = await w.repositories.requests.findByNumber(number);
    expect(stored).toMatchObject({
      channel: 'phone',
      takenBy: { ...WEB_OPERATOR, displayName: 'Оператор Ольга' },
      age: 81,
      extra: { prescription: 'needs_help' },
      personal: { phone: '+79137654321' },
    });
    expect(stored!.requester).toBeUndefined();
    expect(stored!.history[0]).toMatchObject({ type: 'created', actor: WEB_OPERATOR, channel: 'phone' });
    expect(w.dispatched.slice(dispatchedBefore).map((r) => r.number)).toEqual([number]);

    // «Send» pressed twice, or the page posted again: the same request, nothing dispatched again.
    const again = await postForm('/console/intake', operator, { ...answers({ helpKind: 'medicine', prescription: 'needs_help' }), action: 'submit', formId });
    expect(again.headers.location).toBe(`/console/requests/${number}?done=duplicate`);
    expect(w.dispatched.length).toBe(dispatchedBefore + 1);

    const card = await get(`/console/requests/${number}?done=created`, operator.cookie);
    expect(card.body).toContain(`Заявка №${number} принята`);
    expect(card.body).toContain('Оператор Ольга');
    expect(card.body).toContain('заявителю бот не пишет');
    // Operators see no actions.
    expect(card.body).not.toContain(`/console/requests/${number}/close`);
  });
});

describe('board and card', () => {
  it('filters by status, district, kind of help, channel and date, and escapes what people typed', async () => {
    const formId = crypto.randomUUID();
    const sent = await postForm('/console/intake', operator, {
      ...answers({ district: 'Октябрьский', name: '<script>alert(1)</script> Анна', helpKind: 'legal' }),
      action: 'submit',
      formId,
    });
    const number = Number(/(\d+)\?/.exec(sent.headers.location as string)![1]);
    const rows = async (query: string) =>
      [...(await get(`/console/requests?${query}`, coordinator.cookie)).body.matchAll(/href="\/console\/requests\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(await rows('district=Октябрьский')).toEqual([number]);
    expect(await rows('helpKind=legal&channel=phone&status=new')).toEqual([number]);
    expect(await rows('status=done')).toEqual([]);
    expect(await rows('channel=api%3A112')).toEqual([]);
    const today = w.today();
    expect(await rows(`from=${today}&to=${today}&district=Октябрьский`)).toEqual([number]);
    expect(await rows('to=2020-01-01')).toEqual([]);
    // Junk in the query is ignored, not an error.
    expect((await get('/console/requests?status=<x>&page=-4&district=Нарния', coordinator.cookie)).statusCode).toBe(200);

    const card = await get(`/console/requests/${number}`, coordinator.cookie);
    expect(card.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Анна');
    expect(card.body).not.toContain('<script>alert(1)');
  });

  it('shows the contact details to the operator who took the call and to coordinators only, and lists who saw them', async () => {
    const sent = await postForm('/console/intake', operator, { ...answers(), action: 'submit', formId: crypto.randomUUID() });
    const number = Number(/(\d+)\?/.exec(sent.headers.location as string)![1]);
    const phone = (await w.repositories.requests.findByNumber(number))!.personal.phone;

    // Another operator sees the request, not its contacts (nor its code word).
    const other = { platform: 'telegram' as const, userId: '702' };
    await w.repositories.roles.grant(other, WEB_COORDINATOR, new Date(), 'operator');
    const colleague = await w.signIn(other, 'Оператор Пётр');
    const theirView = await get(`/console/requests/${number}`, colleague.cookie);
    expect(theirView.statusCode).toBe(200);
    expect(theirView.body).not.toContain(phone);
    expect(theirView.body).not.toContain('Кодовое слово');
    expect(theirView.body).toContain('видят координаторы и оператор, который её принял');
    expect(theirView.body).not.toContain('Кто видел персональные данные');
    // Nor what people wrote about it: a coordinator's reason is personal like the contacts.
    await postForm(`/console/requests/${number}/cancel`, coordinator, { reason: 'Соседка Зоя справилась сама' });
    expect((await get(`/console/requests/${number}`, colleague.cookie)).body).not.toContain('Соседка Зоя');
    expect((await get(`/console/requests/${number}`, operator.cookie)).body).toContain('Соседка Зоя');

    // The operator who took it sees them; so does a coordinator, with who saw them and how (named as
    // the bot knows them: a coordinator signs in through a link from the bot).
    await w.repositories.people.record({ person: WEB_COORDINATOR, displayName: 'Координатор Мария', privately: true, at: new Date() });
    expect((await get(`/console/requests/${number}`, operator.cookie)).body).toContain(phone);
    const bossView = await get(`/console/requests/${number}`, coordinator.cookie);
    expect(bossView.body).toContain(phone);
    const seen = /Кто видел персональные данные<\/h2><ol class="history">([\s\S]*?)<\/ol>/.exec(bossView.body)?.[1] ?? '';
    // The operator twice (after the cancel, and now), the coordinator once.
    expect(seen.match(/<li>/g)).toHaveLength(3);
    expect(seen).toMatch(/Оператор Ольга · [^<]* · карточка в консоли/);
    expect(seen).toMatch(/Координатор Мария · [^<]* · карточка в консоли/);
    expect(seen).not.toContain('Пётр');
  });

  it("runs the coordinators' actions with the lifecycle's rules: refusals in plain words, then assign, close", async () => {
    const sent = await postForm('/console/intake', operator, { ...answers(), action: 'submit', formId: crypto.randomUUID() });
    const number = Number(/(\d+)\?/.exec(sent.headers.location as string)![1]);

    // A cancel needs a reason (the form asks for one, the rules insist).
    const noReason = await postForm(`/console/requests/${number}/cancel`, coordinator, { reason: ' ' });
    expect(noReason.headers.location).toBe(`/console/requests/${number}?refusal=reason_required`);
    expect((await get(noReason.headers.location as string, coordinator.cookie)).body).toContain('Укажите, пожалуйста, причину');

    // Only someone who wrote to the bot privately can be given a request.
    const unknown = await postForm(`/console/requests/${number}/assign`, coordinator, { platform: 'telegram', volunteer: '@nobody_here' });
    expect(unknown.headers.location).toBe(`/console/requests/${number}?unknownVolunteer=%40nobody_here`);
    expect((await follow(unknown, coordinator)).body).toContain('Не нахожу «@nobody_here»');
    await w.repositories.people.record({
      person: { platform: 'telegram', userId: '555' },
      username: 'ivan_helper',
      displayName: 'Иван',
      privately: true,
      at: new Date(),
    });
    const assigned = await postForm(`/console/requests/${number}/assign`, coordinator, { platform: 'telegram', volunteer: '@Ivan_Helper' });
    expect(assigned.headers.location).toBe(`/console/requests/${number}?done=assigned`);
    expect(await w.repositories.requests.findByNumber(number)).toMatchObject({ status: 'claimed', volunteer: { userId: '555', displayName: 'Иван' } });
    expect((await postForm(`/console/requests/${number}/assign`, coordinator, { platform: 'telegram', volunteer: '555' })).headers.location).toBe(
      `/console/requests/${number}?refusal=already_assigned`,
    );

    const closed = await postForm(`/console/requests/${number}/close`, coordinator, { comment: 'Всё привезли' });
    expect(closed.headers.location).toBe(`/console/requests/${number}?done=closed`);
    const done = await w.repositories.requests.findByNumber(number);
    expect(done!.status).toBe('done');
    expect(done!.history.slice(-2).map((e) => [e.type, e.channel, e.actor?.userId])).toEqual([
      ['assigned', 'web', '900'],
      ['done', 'web', '900'],
    ]);
    const card = await get(closed.headers.location as string, coordinator.cookie);
    expect(card.body).toContain(`Заявка №${number} закрыта как выполненная`);
    expect(card.body).toContain('Всё привезли');
    expect(card.body).toContain('веб-консоль');
    // A closed request offers no actions, and a late one is refused.
    expect(card.body).not.toContain(`/console/requests/${number}/cancel`);
    expect((await postForm(`/console/requests/${number}/cancel`, coordinator, { reason: 'поздно' })).headers.location).toBe(
      `/console/requests/${number}?refusal=already_done`,
    );
    expect((await get('/console/requests/99999', coordinator.cookie)).statusCode).toBe(404);
  });
});

describe('erasing a request now', () => {
  it('lets a coordinator erase a closed request from its card, with the box ticked and the CSRF token, and nobody else', async () => {
    const sent = await postForm('/console/intake', operator, { ...answers(), action: 'submit', formId: crypto.randomUUID() });
    const number = Number(/(\d+)\?/.exec(sent.headers.location as string)![1]);
    const url = `/console/requests/${number}/erase`;

    // Open: no form, and a forged post is refused.
    expect((await get(`/console/requests/${number}`, coordinator.cookie)).body).not.toContain(url);
    expect((await postForm(url, coordinator, { confirm: 'yes' })).headers.location).toBe(`/console/requests/${number}?eraseRefused=open`);
    await postForm(`/console/requests/${number}/close`, coordinator, { comment: 'Отвезли Зинаиде Петровне' });

    // Closed: the coordinator's card has the form; the operator's has none and may not post it.
    const card = await get(`/console/requests/${number}`, coordinator.cookie);
    expect(card.body).toContain(`action="${url}"`);
    expect((await get(`/console/requests/${number}`, operator.cookie)).body).not.toContain(url);
    expect((await postForm(url, operator, { confirm: 'yes' })).statusCode).toBe(403);
    expect((await postForm(url, coordinator, { confirm: 'yes' }, null)).statusCode).toBe(403);
    expect((await postForm(url, coordinator, {})).headers.location).toBe(`/console/requests/${number}?eraseRefused=unconfirmed`);
    expect((await w.repositories.requests.findByNumber(number))!.personal.name).toBe('Зинаида Петровна');

    const erased = await postForm(url, coordinator, { confirm: 'yes' });
    expect(erased.headers.location).toBe(`/console/requests/${number}?done=erased`);
    const stored = (await w.repositories.requests.findByNumber(number))!;
    expect(stored).toMatchObject({ personal: { name: '', address: '', phone: '', description: '' }, ageBand: '80+', personalErasedAt: expect.any(Date) });
    expect(stored.age).toBeUndefined();
    expect(stored.history.some((e) => e.comment)).toBe(false);
    const after = await get(erased.headers.location as string, coordinator.cookie);
    expect(after.body).toContain(`Персональные данные заявки №${number} стёрты`);
    expect(after.body).toContain('80+ лет');
    for (const value of ['Зинаида Петровна', 'Садовая', '+79137654321', 'Отвезли']) expect(after.body).not.toContain(value);
    expect(after.body).not.toContain(url);
    expect((await postForm(url, coordinator, { confirm: 'yes' })).headers.location).toBe(`/console/requests/${number}?eraseRefused=already_erased`);
  });
});

describe('dashboard and export', () => {
  it('draws the dashboard as inline SVG and exports CSV as the bot does, personal columns only on request', async () => {
    const page = await get('/console/dashboard', coordinator.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/<svg class="chart"/g)).toHaveLength(3);
    expect(page.body).toContain('Открыто сейчас');
    expect(page.body).not.toContain('<img');

    const today = w.today();
    const basic = await get(`/console/export.csv?from=${today}&to=${today}`, coordinator.cookie);
    expect(basic.statusCode).toBe(200);
    expect(basic.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(basic.headers['content-disposition']).toBe(`attachment; filename="requests_${today}_${today}.csv"`);
    expect(basic.body.startsWith('\uFEFFНомер;Создана;Канал;Район')).toBe(true);
    expect(basic.body).toContain(';телефон;');
    expect(basic.body).not.toContain('+79137654321');
    expect(basic.body).not.toContain('765-43-21');
    const full = await get(`/console/export.csv?from=${today}&to=${today}&full=1`, coordinator.cookie);
    // The phone as it is dialled, with no apostrophe before it.
    expect(full.body).toContain(';8 913 765-43-21;');
    expect(full.body).not.toContain("'+79137654321");
    expect((await get('/console/export.csv?from=2025-03-07&to=2025-03-01', coordinator.cookie)).statusCode).toBe(400);
  });
});

describe('scenario preview', () => {
  it('runs a scenario file as a requester sees it and keeps the chat in the session', async () => {
    expect((await postForm('/console/preview/start', operator, { file: 'request-help.yaml' })).statusCode).toBe(303);
    let page = await get('/console/preview', operator.cookie);
    // Consent first, its periods filled in from the configuration.
    expect(page.body).toMatch(/согласны на обработку/);
    expect(page.body).not.toMatch(/\{closedDays\}/);
    await postForm('/console/preview', operator, { seq: /name="seq" value="(\d+)"/.exec(page.body)![1]!, choice: 'yes' });
    page = await get('/console/preview', operator.cookie);
    expect(page.body).toContain('Для кого нужна помощь?');
    await postForm('/console/preview', operator, { seq: /name="seq" value="(\d+)"/.exec(page.body)![1]!, choice: 'self' });
    page = await get('/console/preview', operator.cookie);
    expect(page.body).toContain('Кому нужна помощь?');
    const seq = /name="seq" value="(\d+)"/.exec(page.body)![1]!;
    await postForm('/console/preview', operator, { seq, choice: 'pensioner' });
    await postForm('/console/preview', operator, { text: 'много' });
    page = await get('/console/preview', operator.cookie);
    expect(page.body).toMatch(/bubble person">Пенсионеру</);
    expect(page.body).toContain('Пожалуйста, напишите число цифрами');
    // Nothing was filed by the preview.
    const before = w.dispatched.length;
    await postForm('/console/preview', operator, { cancel: '1' });
    expect((await get('/console/preview', operator.cookie)).body).toContain('Заявка отменена');
    expect(w.dispatched.length).toBe(before);
  });

  it('names what is wrong with a file it cannot run, and opens nothing outside the scenarios folder', async () => {
    const response = await postForm('/console/preview/start', operator, { file: '../package.json' });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('no such scenario file');
  });
});

describe('operators', () => {
  it('lets a coordinator make and unmake operators by id or known @username', async () => {
    await w.repositories.people.record({
      person: { platform: 'telegram', userId: '820' },
      username: 'olga_op',
      displayName: 'Ольга Операторова',
      privately: true,
      at: new Date(),
    });
    const granted = await postForm('/console/people/grant', coordinator, { platform: 'telegram', person: '@olga_op' });
    const grantedPage = await follow(granted, coordinator);
    expect(grantedPage.body).toContain('Готово: @olga_op теперь оператор');
    expect(grantedPage.body).toContain('Ольга Операторова');
    expect(await w.web.access.roleOf({ platform: 'telegram', userId: '820' })).toBe('operator');
    const unknown = await follow(await postForm('/console/people/grant', coordinator, { platform: 'telegram', person: '@nobody_known' }), coordinator);
    expect(unknown.body).toContain('Не знаю «@nobody_known»');
    const revoked = await postForm('/console/people/revoke', coordinator, { platform: 'telegram', person: '820' });
    expect((await follow(revoked, coordinator)).body).toContain('id 820 больше не оператор');
    expect(await w.web.access.roleOf({ platform: 'telegram', userId: '820' })).toBeNull();
  });

  it('ends the sessions and sign-in links of an operator taken back, so granting the role again brings none of them back', async () => {
    const person = { platform: 'telegram' as const, userId: '821' };
    expect((await follow(await postForm('/console/people/grant', coordinator, { platform: 'telegram', person: '821' }), coordinator)).body).toContain(
      'теперь оператор',
    );
    const old = await w.signIn(person, 'Оператор на время');
    const unusedLink = await w.web.access.issueLink(person, 'Оператор на время');
    expect((await get('/console/requests', old.cookie)).statusCode).toBe(200);

    expect((await follow(await postForm('/console/people/revoke', coordinator, { platform: 'telegram', person: '821' }), coordinator)).body).toContain(
      'больше не оператор',
    );
    expect((await follow(await postForm('/console/people/grant', coordinator, { platform: 'telegram', person: '821' }), coordinator)).body).toContain(
      'теперь оператор',
    );

    // The cookie of before is refused; so is a link handed out before (it might be in a forwarded chat).
    const page = await get('/console/requests', old.cookie);
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/console/login');
    expect((await postForm('/console/login', undefined, { token: new URL(unusedLink!.url).searchParams.get('token')! })).statusCode).toBe(400);
    // Signing in anew works.
    expect((await get('/console/requests', (await w.signIn(person, 'Оператор снова')).cookie)).statusCode).toBe(200);
  });
});

describe('the operators list', () => {
  it('shows each operator once by name, the @username not repeated after a name that ends with it', async () => {
    await w.repositories.people.record({
      person: { platform: 'telegram', userId: '830' },
      username: 'nina_op',
      displayName: 'Нина (@nina_op)',
      privately: true,
      at: new Date(),
    });
    await postForm('/console/people/grant', coordinator, { platform: 'telegram', person: '830' });
    const page = await get('/console/people', coordinator.cookie);
    expect(page.body).toContain('Нина (@nina_op) (Telegram, id 830)');
    expect(page.body.split('@nina_op')).toHaveLength(2);
  });
});

describe('pages outside the routes', () => {
  it('answers an unknown address under /console with a page in the console’s frame, not JSON', async () => {
    const signedIn = await get('/console/no-such-page', coordinator.cookie);
    expect(signedIn.statusCode).toBe(404);
    expect(signedIn.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(signedIn.body).toContain('Страница не найдена');
    expect(signedIn.body).toContain('href="/console/requests"');
    const deep = await get('/console/requests/17/nothing', coordinator.cookie);
    expect(deep.statusCode).toBe(404);
    expect(deep.body).toContain('<!doctype html>');
    // Without a session: the same page, with the way to sign in instead of the navigation.
    const anonymous = await get('/console/nowhere');
    expect(anonymous.statusCode).toBe(404);
    expect(anonymous.body).toContain('href="/console/login"');
    expect(anonymous.body).not.toContain('href="/console/requests"');
  });

  it('has an icon of its own, served by the console itself', async () => {
    const page = await get('/console/dashboard', coordinator.cookie);
    expect(page.body).toContain('<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">');
    const icon = await get('/console/assets/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(icon.body.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(icon.body).not.toMatch(/href=|url\(/);
  });
});

describe('forms the console refuses', () => {
  it('answers a refused action on a card with a redirect, so reloading the page sends nothing again', async () => {
    const sent = await postForm('/console/intake', operator, { ...answers(), action: 'submit', formId: crypto.randomUUID() });
    const number = Number(/(\d+)\?/.exec(sent.headers.location as string)![1]);
    const assign = await postForm(`/console/requests/${number}/assign`, coordinator, { platform: 'telegram', volunteer: '<b>кто-то</b>' });
    expect(assign.statusCode).toBe(303);
    const card = await follow(assign, coordinator);
    expect(card.statusCode).toBe(200);
    expect(card.body).toContain('Не нахожу «&lt;b&gt;кто-то&lt;/b&gt;»');
    expect((await postForm('/console/requests/99999/close', coordinator, {})).headers.location).toBe('/console/requests/99999');
    const people = await postForm('/console/people/grant', coordinator, { platform: 'telegram', person: 'not a name' });
    expect(people.headers.location).toBe('/console/people?said=unknown&who=not+a+name');
  });
});

describe('a console of a system that runs one platform', () => {
  let one: WebApp;
  let boss: Awaited<ReturnType<WebApp['signIn']>>;
  beforeAll(async () => {
    one = await startWebApp({ platforms: ['telegram'] });
    boss = await one.signIn(WEB_COORDINATOR, 'Координатор Мария');
  });
  afterAll(async () => {
    await one?.stop();
  });

  it('offers only the platforms it runs to name a volunteer or an operator on, and reads any other as the first', async () => {
    const inject = (url: string) => one.app.inject({ method: 'GET', url, headers: { cookie: boss.cookie } });
    const body = form({ ...answers(), action: 'submit', formId: crypto.randomUUID(), _csrf: boss.csrf });
    const sent = await one.app.inject({ method: 'POST', url: '/console/intake', payload: body.payload, headers: { ...body.headers, cookie: boss.cookie } });
    const card = await inject(sent.headers.location as string);
    const select = /<select name="platform">([\s\S]*?)<\/select>/.exec(card.body)![1]!;
    expect(select).toContain('value="telegram"');
    expect(select).not.toContain('value="vk"');
    const people = await inject('/console/people');
    expect(/<select name="platform">([\s\S]*?)<\/select>/.exec(people.body)![1]).not.toContain('value="vk"');
    // Every platform still when none is named (as before).
    expect((await get('/console/people', coordinator.cookie)).body).toContain('value="vk"');

    const grant = form({ platform: 'vk', person: '4242', _csrf: boss.csrf });
    await one.app.inject({ method: 'POST', url: '/console/people/grant', payload: grant.payload, headers: { ...grant.headers, cookie: boss.cookie } });
    expect(await one.web.access.roleOf({ platform: 'telegram', userId: '4242' })).toBe('operator');
    expect(await one.web.access.roleOf({ platform: 'vk', userId: '4242' })).toBeNull();
  });
});
