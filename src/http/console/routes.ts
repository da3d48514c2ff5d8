import { randomUUID, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HELP_KINDS, isRequestChannel, REQUEST_STATUSES, type HelpRequest, type PersonRef, type Platform, type RequestChannel, type RequestStatus, type Volunteer } from '../../domain/request.js';
import type { EraseOutcome } from '../../services/erasure.js';
import { lifecycleRefusalText } from '../../messages/command-texts.js';
import { parsePersonName, personKey } from '../../services/coordinator-commands.js';
import type { ConsoleAccess, ConsoleRole, ConsoleUser } from '../../services/console-access.js';
import type { DashboardQuery } from '../../services/dashboard.js';
import { describeError } from '../../services/describe-error.js';
import type { FormIntake, FormValues } from '../../services/form-intake.js';
import type { Logger, PeopleRepository, RequestRepository, RequestSearch, RoleRepository } from '../../services/ports.js';
import type { RequestLifecycle } from '../../services/request-lifecycle.js';
import { exportRows, toCsv } from '../../services/request-export.js';
import { isoDate, localDateOf, parsePeriod, startOfLocalDay } from '../../domain/calendar.js';
import { PreviewFileError, type PreviewInput, type PreviewState, type ScenarioPreview } from '../../services/scenario-preview.js';
import { registerRateLimits, type RateLimit } from '../rate-limit.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import type { Html } from './html.js';
import {
  boardPage,
  cardPage,
  consoleText,
  dashboardPage,
  intakePage,
  intakeSummaryPage,
  loginPage,
  messagePage,
  peoplePage,
  previewPage,
  type BoardFilters,
  type Notice,
  type ViewContext,
} from './views.js';

export interface ConsoleWebDeps {
  access: ConsoleAccess;
  form: FormIntake;
  requests: RequestRepository;
  lifecycle: RequestLifecycle;
  /** Erases one closed request's personal data now (Erasure.eraseRequest). */
  erase: (number: number, channel: RequestChannel) => Promise<EraseOutcome>;
  people: PeopleRepository;
  roles: RoleRepository;
  dashboard: DashboardQuery;
  preview: ScenarioPreview;
  /** The scenario file the preview offers first. */
  defaultScenarioFile: string;
  view: ViewContext;
  /** Channels the board's filter offers (the messengers, phone, and each partner line). */
  channels: string[];
  configuredOperators: Readonly<Record<Platform, readonly string[]>>;
  overdueAfterMs: number;
  timeZone: string;
  /** Cookies only over HTTPS: true when PUBLIC_URL is https. */
  secureCookies: boolean;
  /** Sign-in attempts per address (CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS). */
  signInLimit: RateLimit;
  logger: Logger;
  now: () => Date;
}

const PAGE_SIZE = 25;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

// Nothing is loaded from elsewhere, nothing runs inline, no page may be framed or post elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // A sign-in link carries its token in the address: never pass an address on to another site.
  'referrer-policy': 'no-referrer',
};

type Body = Record<string, string | undefined>;

/**
 * The web console under /console: sign-in by a one-time link from the bot, the operator's intake form,
 * the request board and card with the coordinators' actions, the dashboard with its CSV export, the
 * scenario preview and the operators page. Server-rendered pages; every page checks the session and
 * the role, every form carries the session's CSRF token.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleWebDeps): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  const signIns = (await registerRateLimits(app))(deps.signInLimit);
  const v = deps.view;
  const t = consoleText(v.catalog);
  const cookieName = deps.secureCookies ? '__Host-hq-console' : 'hq-console';
  const users = new WeakMap<FastifyRequest, ConsoleUser>();

  app.addHook('onSend', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!request.url.startsWith('/console/assets/')) reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler(async (error, request, reply) => {
    deps.logger.error({ err: describeError(error), url: request.routeOptions.url }, 'console page failed');
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).type('text/plain; charset=utf-8').send(t('errors.badRequest'));
    return reply.code(500).type('text/plain; charset=utf-8').send(t('errors.generic'));
  });

  const send = (reply: FastifyReply, page: Html, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(page.value);
  const userOf = (request: FastifyRequest) => users.get(request)!;

  /** Lets the request through only for a session with one of the roles; forms must carry its CSRF token. */
  function need(role: ConsoleRole) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const user = await deps.access.userOf(request.cookies[cookieName]);
      if (!user) return reply.redirect('/console/login', 303);
      if (request.method === 'POST') {
        const sent = Buffer.from(String((request.body as Body | undefined)?._csrf ?? ''));
        const expected = Buffer.from(user.csrfToken);
        if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
          return send(reply, messagePage(v, user, 'dashboard', t('errors.title'), t('errors.csrf')), 403);
        }
      }
      if (role === 'coordinator' && user.role !== 'coordinator') {
        return send(reply, messagePage(v, user, 'dashboard', t('errors.title'), t('errors.forbidden')), 403);
      }
      users.set(request, user);
    };
  }
  const anyone = need('operator');
  const coordinators = need('coordinator');

  app.get('/console/assets/console.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(CONSOLE_CSS));
  app.get('/console/assets/console.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=3600').send(CONSOLE_JS));

  // ------------------------------------------------------------------------------------------
  // Signing in and out

  app.get('/console', async (_request, reply) => reply.redirect('/console/dashboard', 303));

  app.get('/console/login', async (request, reply) => {
    const query = request.query as Body;
    const token = typeof query.token === 'string' ? query.token : undefined;
    const notice = query.signedOut ? { text: t('login.signedOut') } : undefined;
    return send(reply, loginPage(v, { ...(token ? { token } : {}), ...(notice ? { notice } : {}) }));
  });

  app.post('/console/login', async (request, reply) => {
    // Only the sign-in page's own button: another site must not sign a browser in to its session.
    if (request.headers['sec-fetch-site'] === 'cross-site') return send(reply, loginPage(v, { notice: { text: t('login.failed'), error: true } }), 403);
    // Links are 32 random bytes, so this is not about guessing them: it keeps one address from
    // spending the database's time (each attempt is a lookup) and from filling the log.
    const wait = await signIns(request, reply);
    if (wait !== null) return send(reply, loginPage(v, { notice: { text: t('login.tooMany', { minutes: Math.ceil(wait / 60) }), error: true } }), 429);
    const token = String((request.body as Body | undefined)?.token ?? '');
    const session = await deps.access.signIn(token);
    if (!session) return send(reply, loginPage(v, { notice: { text: t('login.failed'), error: true } }), 400);
    reply.setCookie(cookieName, session.sessionId, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      expires: session.expiresAt,
    });
    return reply.redirect('/console/dashboard', 303);
  });

  app.post('/console/logout', { preHandler: anyone }, async (request, reply) => {
    await deps.access.signOut(userOf(request));
    reply.clearCookie(cookieName, { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies });
    return reply.redirect('/console/login?signedOut=1', 303);
  });

  // ------------------------------------------------------------------------------------------
  // Request board and card

  app.get('/console/requests', { preHandler: anyone }, async (request, reply) => {
    const q = request.query as Body;
    const pick = (value: string | undefined, allowed: (x: string) => boolean) => (value && allowed(value) ? value : '');
    const filters: BoardFilters = {
      status: pick(q.status, (s) => s === 'open' || (REQUEST_STATUSES as readonly string[]).includes(s)),
      district: pick(q.district, (d) => v.districts.includes(d)),
      helpKind: pick(q.helpKind, (k) => (HELP_KINDS as readonly string[]).includes(k)),
      channel: pick(q.channel, isRequestChannel),
      from: pick(q.from, (d) => DAY.test(d)),
      to: pick(q.to, (d) => DAY.test(d)),
    };
    const page = Math.max(1, Math.min(10_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const dayStart = (day: string, plus = 0) => {
      const [year, month, date] = day.split('-').map(Number) as [number, number, number];
      return startOfLocalDay({ year, month, day: date + plus }, deps.timeZone);
    };
    const search: RequestSearch = {
      ...(filters.status ? { statuses: filters.status === 'open' ? ['new', 'claimed'] : [filters.status as RequestStatus] } : {}),
      ...(filters.district ? { district: filters.district } : {}),
      ...(filters.helpKind ? { helpKind: filters.helpKind } : {}),
      ...(filters.channel && isRequestChannel(filters.channel) ? { channel: filters.channel } : {}),
      ...(filters.from ? { createdFrom: dayStart(filters.from) } : {}),
      ...(filters.to ? { createdTo: dayStart(filters.to, 1) } : {}),
      skip: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    };
    const { items, total } = await deps.requests.search(search);
    const query = (to: number) => {
      const params = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
      params.set('page', String(to));
      return `/console/requests?${params.toString()}`;
    };
    return send(reply, boardPage(v, userOf(request), { filters, items, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), channels: deps.channels, helpKinds: HELP_KINDS, query }));
  });

  async function showCard(request: FastifyRequest, reply: FastifyReply, number: number, notice?: Notice, status = 200) {
    const found = await deps.requests.findByNumber(number);
    const user = userOf(request);
    if (!found) return send(reply, messagePage(v, user, 'requests', t('errors.title'), t('errors.notFound', { number })), 404);
    return send(reply, cardPage(v, user, found, await namesOf(found), notice), status);
  }

  /** Public names of the people in a request's history the request itself does not name (coordinators, operators). */
  async function namesOf(request: HelpRequest): Promise<Map<string, string>> {
    const refs = new Map<string, PersonRef>();
    for (const event of request.history) if (event.actor) refs.set(personKey(event.actor), event.actor);
    const known = await deps.people.findMany([...refs.values()]);
    const names = new Map(known.filter((p) => p.displayName).map((p) => [personKey(p), p.displayName!]));
    if (request.takenBy) names.set(personKey(request.takenBy), request.takenBy.displayName);
    return names;
  }

  const numberOf = (request: FastifyRequest) => {
    const raw = (request.params as { number?: string }).number ?? '';
    return /^\d{1,9}$/.test(raw) ? Number(raw) : null;
  };

  app.get('/console/requests/:number', { preHandler: anyone }, async (request, reply) => {
    const number = numberOf(request);
    if (number === null) return send(reply, messagePage(v, userOf(request), 'requests', t('errors.title'), t('errors.badRequest')), 404);
    const q = request.query as Body;
    const done = q.done && ['created', 'duplicate', 'closed', 'cancelled', 'assigned', 'erased'].includes(q.done) ? { text: t(`card.done.${q.done}`, { number }) } : undefined;
    const eraseRefused = q.eraseRefused && ['open', 'already_erased', 'unconfirmed'].includes(q.eraseRefused) ? { text: t(`card.eraseRefused.${q.eraseRefused}`, { number }), error: true } : undefined;
    const refused = q.refusal && /^[a-z_]{1,30}$/.test(q.refusal) && v.catalog.has(`lifecycle.refused.${q.refusal}`) ? { text: v.catalog.t(`lifecycle.refused.${q.refusal}`, { number }), error: true } : undefined;
    return showCard(request, reply, number, done ?? refused ?? eraseRefused);
  });

  /** Runs a coordinator's action on a request and shows the card again (after a redirect, so a reload does not repeat it). */
  async function act(request: FastifyRequest, reply: FastifyReply, number: number, action: Parameters<RequestLifecycle>[3], done: string) {
    const user = userOf(request);
    const outcome = await deps.lifecycle(number, user.person, 'web', action);
    if (outcome.kind === 'changed') return reply.redirect(`/console/requests/${number}?done=${done}`, 303);
    if (outcome.kind === 'not_found') return send(reply, messagePage(v, user, 'requests', t('errors.title'), lifecycleRefusalText(v.catalog, outcome, number)!), 404);
    return reply.redirect(`/console/requests/${number}?refusal=${outcome.refusal}`, 303);
  }

  app.post('/console/requests/:number/close', { preHandler: coordinators }, async (request, reply) => {
    const number = numberOf(request);
    if (number === null) return reply.code(404).send();
    const comment = String((request.body as Body).comment ?? '');
    return act(request, reply, number, { type: 'complete', ...(comment.trim() ? { comment } : {}) }, 'closed');
  });

  app.post('/console/requests/:number/cancel', { preHandler: coordinators }, async (request, reply) => {
    const number = numberOf(request);
    if (number === null) return reply.code(404).send();
    const reason = String((request.body as Body).reason ?? '');
    return act(request, reply, number, { type: 'cancel', ...(reason.trim() ? { reason } : {}) }, 'cancelled');
  });

  app.post('/console/requests/:number/assign', { preHandler: coordinators }, async (request, reply) => {
    const number = numberOf(request);
    if (number === null) return reply.code(404).send();
    const body = request.body as Body;
    const platform: Platform = body.platform === 'vk' ? 'vk' : 'telegram';
    const typed = String(body.volunteer ?? '').trim();
    const person = await findPerson(platform, typed);
    // The task card can reach only someone who wrote to the bot privately: refuse now rather than
    // have the outbox report a failed delivery later (as /assign does).
    if (!person?.privateChatAt) return showCard(request, reply, number, { text: t('card.unknownVolunteer', { who: typed }), error: true }, 400);
    const volunteer: Volunteer = { platform: person.platform, userId: person.userId, displayName: person.displayName ?? `id ${person.userId}` };
    return act(request, reply, number, { type: 'assign', volunteer }, 'assigned');
  });

  app.post('/console/requests/:number/erase', { preHandler: coordinators }, async (request, reply) => {
    const number = numberOf(request);
    if (number === null) return reply.code(404).send();
    // Cannot be undone: the form's box must be ticked, whatever a browser does with `required`.
    if ((request.body as Body).confirm !== 'yes') return reply.redirect(`/console/requests/${number}?eraseRefused=unconfirmed`, 303);
    const outcome = await deps.erase(number, 'web');
    if (outcome.kind === 'not_found') return send(reply, messagePage(v, userOf(request), 'requests', t('errors.title'), t('errors.notFound', { number })), 404);
    return reply.redirect(`/console/requests/${number}?${outcome.kind === 'erased' ? 'done=erased' : `eraseRefused=${outcome.kind}`}`, 303);
  });

  /** A person the bot has seen on a platform, named by id or (Telegram) @username. */
  async function findPerson(platform: Platform, typed: string) {
    const name = parsePersonName(typed);
    if (!name) return null;
    if (name.kind === 'username') return platform === 'telegram' ? deps.people.findByUsername(platform, name.username) : null;
    return deps.people.find({ platform, userId: name.userId });
  }

  // ------------------------------------------------------------------------------------------
  // Operator intake

  const fields = deps.form.fields();
  const valuesOf = (body: Body): FormValues => Object.fromEntries(fields.map((f) => [f.id, typeof body[f.id] === 'string' ? body[f.id] : undefined]).filter(([, value]) => value !== undefined));

  app.get('/console/intake', { preHandler: anyone }, async (request, reply) =>
    send(reply, intakePage(v, userOf(request), { fields, values: {}, errors: {}, formId: randomUUID() })),
  );

  app.post('/console/intake', { preHandler: anyone }, async (request, reply) => {
    const user = userOf(request);
    const body = request.body as Body;
    const values = valuesOf(body);
    // The form's id names the request it files: a second «Send» returns the first request.
    const formId = /^[0-9a-f-]{36}$/.test(body.formId ?? '') ? body.formId! : randomUUID();
    if (body.action === 'edit') return send(reply, intakePage(v, user, { fields, values, errors: {}, formId }));
    if (body.action === 'submit') {
      const result = await deps.form.submit(values, { channel: 'phone', key: `form:${formId}`, takenBy: { ...user.person, displayName: user.displayName } });
      if (!result.ok) return send(reply, intakePage(v, user, { fields, values, errors: result.errors, formId }, { text: t('intake.fixErrors'), error: true }), 422);
      return reply.redirect(`/console/requests/${result.request.number}?done=${result.created ? 'created' : 'duplicate'}`, 303);
    }
    const checked = deps.form.check(values);
    if (!checked.ok) return send(reply, intakePage(v, user, { fields, values, errors: checked.errors, formId }, { text: t('intake.fixErrors'), error: true }), 422);
    return send(reply, intakeSummaryPage(v, user, { values, summary: checked.summary, formId }));
  });

  // ------------------------------------------------------------------------------------------
  // Dashboard and export

  app.get('/console/dashboard', { preHandler: anyone }, async (request, reply) => {
    const data = await deps.dashboard();
    return send(reply, dashboardPage(v, userOf(request), data, { overdueAfterMs: deps.overdueAfterMs, exportFrom: data.days[0]?.day ?? '', exportTo: isoDate(localDateOf(deps.now(), deps.timeZone)) }));
  });

  app.get('/console/export.csv', { preHandler: coordinators }, async (request, reply) => {
    const user = userOf(request);
    const q = request.query as Body;
    const parsed = DAY.test(q.from ?? '') && DAY.test(q.to ?? '') ? parsePeriod(`${q.from}..${q.to}`, deps.now(), deps.timeZone) : ({ ok: false } as const);
    if (!parsed.ok) return send(reply, messagePage(v, user, 'dashboard', t('errors.title'), t('export.badPeriod')), 400);
    const full = q.full === '1';
    const requests = await deps.requests.listCreatedBetween(parsed.period.from, parsed.period.to);
    const csv = toCsv(exportRows(requests, v.coordinatorTexts.exportLabels(), { full }));
    // Who took personal data out, and how much: an audit line without any of the data itself.
    deps.logger.info({ platform: user.person.platform, by: user.person.userId, rows: requests.length, full, via: 'web' }, 'requests exported');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${v.coordinatorTexts.exportFileName(parsed.period, full)}"`)
      .send(csv);
  });

  // ------------------------------------------------------------------------------------------
  // Scenario preview

  const previewOf = (user: ConsoleUser): PreviewState | null => {
    const p = user.preview as PreviewState | undefined;
    return p && typeof p.file === 'string' && Array.isArray(p.lines) ? p : null;
  };

  app.get('/console/preview', { preHandler: anyone }, async (request, reply) => {
    const user = userOf(request);
    const preview = previewOf(user);
    return send(reply, previewPage(v, user, { files: deps.preview.files(), preview, selected: preview?.file ?? deps.defaultScenarioFile }));
  });

  const previewProblem = (request: FastifyRequest, reply: FastifyReply, error: unknown, file: string) => {
    if (!(error instanceof PreviewFileError)) throw error;
    return send(reply, previewPage(v, userOf(request), { files: deps.preview.files(), preview: null, problem: error.problem, selected: file }), 422);
  };

  app.post('/console/preview/start', { preHandler: anyone }, async (request, reply) => {
    const user = userOf(request);
    const file = String((request.body as Body).file ?? '');
    try {
      await deps.access.savePreview(user, deps.preview.start(file));
    } catch (error) {
      return previewProblem(request, reply, error, file);
    }
    return reply.redirect('/console/preview', 303);
  });

  app.post('/console/preview', { preHandler: anyone }, async (request, reply) => {
    const user = userOf(request);
    const preview = previewOf(user);
    if (!preview) return reply.redirect('/console/preview', 303);
    const body = request.body as Body;
    const input: PreviewInput =
      body.back !== undefined
        ? { type: 'back' }
        : body.cancel !== undefined
          ? { type: 'cancel' }
          : body.choice !== undefined
            ? { type: 'choice', seq: Number(body.seq), value: body.choice }
            : { type: 'text', text: String(body.text ?? '').slice(0, 5000) };
    try {
      await deps.access.savePreview(user, deps.preview.step(preview, input));
    } catch (error) {
      return previewProblem(request, reply, error, preview.file);
    }
    return reply.redirect('/console/preview', 303);
  });

  // ------------------------------------------------------------------------------------------
  // Operators

  async function showPeople(request: FastifyRequest, reply: FastifyReply, notice?: Notice, status = 200) {
    const granted = await deps.roles.listGranted('operator');
    const known = new Map((await deps.people.findMany(granted)).map((p) => [personKey(p), p]));
    const operators = granted.map((g) => known.get(personKey(g)) ?? { platform: g.platform, userId: g.userId });
    const configured = (['telegram', 'vk'] as const).flatMap((platform) => deps.configuredOperators[platform].map((id) => `${v.coordinatorTexts.channel(platform)} ${id}`));
    return send(reply, peoplePage(v, userOf(request), { operators, configured }, notice), status);
  }

  app.get('/console/people', { preHandler: coordinators }, async (request, reply) => showPeople(request, reply));

  app.post('/console/people/:change', { preHandler: coordinators }, async (request, reply) => {
    const change = (request.params as { change: string }).change;
    if (change !== 'grant' && change !== 'revoke') return reply.code(404).send();
    const body = request.body as Body;
    const platform: Platform = body.platform === 'vk' ? 'vk' : 'telegram';
    const typed = String(body.person ?? '').trim();
    const name = parsePersonName(typed);
    // An id may be granted before the person ever wrote to the bot; a username must be known.
    const person = name?.kind === 'id' ? { platform, userId: name.userId } : name ? await findPerson(platform, typed) : null;
    if (!person) return showPeople(request, reply, { text: t('people.unknown', { who: typed }), error: true }, 400);
    const ref = { platform: person.platform, userId: person.userId };
    const label = typed.startsWith('@') ? typed : `id ${ref.userId}`;
    const user = userOf(request);
    if (change === 'grant') {
      const granted = await deps.roles.grant(ref, user.person, deps.now(), 'operator');
      if (granted) deps.logger.info({ platform: ref.platform, userId: ref.userId, by: user.person.userId }, 'operator role granted');
      return showPeople(request, reply, { text: t(granted ? 'people.granted' : 'people.already', { person: label }) });
    }
    const revoked = await deps.roles.revoke(ref, 'operator');
    if (revoked) {
      deps.logger.info({ platform: ref.platform, userId: ref.userId, by: user.person.userId }, 'operator role revoked');
      await deps.access.endAccessOf(ref);
    }
    return showPeople(request, reply, { text: t(revoked ? 'people.revoked' : 'people.notOperator', { person: label }) });
  });
}
