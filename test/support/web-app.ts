import type { FastifyInstance } from 'fastify';
import type { HelpRequest, PersonRef } from '../../src/domain/request.js';
import { createHttpApp } from '../../src/http/app.js';
import { createWeb, type WebInput } from '../../src/http/web.js';
import { createQuestionInbox } from '../../src/services/question-inbox.js';
import { createLogger } from '../../src/logger.js';
import { createCoordinatorTexts } from '../../src/messages/coordinator-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createVettingTexts } from '../../src/messages/vetting-texts.js';
import { createIsCoordinator } from '../../src/services/coordinators.js';
import { createRequestLifecycle } from '../../src/services/request-lifecycle.js';
import { createErasure } from '../../src/services/erasure.js';
import { createVolunteerVetting } from '../../src/services/volunteer-vetting.js';
import { startTestDatabase, type TestDatabase } from './database.js';
import { FakeOutbox, FakeApplicationViewLog, FakeVolunteerRoster } from './fakes.js';
import { catalogs, DISTRICTS, helpScenario, volunteerScenario } from './scenario-fixtures.js';

export const WEB_COORDINATOR = { platform: 'telegram' as const, userId: '900' };
export const WEB_OPERATOR = { platform: 'telegram' as const, userId: '700' };
export const PARTNER_KEY = '112-line-key-0123456789abcdef';
export const HOTLINE_KEY = 'hotline-key-0123456789abcdef';
const UNLIMITED = { max: 1_000_000, windowMs: 60_000 };

/**
 * The web side (console and partner API) on a real test database, as main builds it, without the bots:
 * requests it files are "dispatched" into a list. The clock can be moved. For `app.inject` tests.
 */
export async function startWebApp(
  options: { publicUrl?: string; limits?: WebInput['settings']['limits']; platforms?: WebInput['settings']['platforms'] } = {},
) {
  const database: TestDatabase = await startTestDatabase();
  const { requests, people, roles, consoleSessions } = database.db.repositories;
  // The console's clock starts at the next noon in Moscow and runs at the real pace: "today" is the
  // same day for the whole file whatever the machine's clock and time zone say. Ahead, not behind,
  // so no TTL index of the database takes what it stores for expired.
  let offsetMs = nextNoonIn(TIME_ZONE, new Date()).getTime() - Date.now();
  const now = () => new Date(Date.now() + offsetMs);
  const catalog = catalogs.ru;
  const texts = createRequestTexts(catalog, TIME_ZONE, helpScenario);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const isCoordinator = createIsCoordinator({ telegram: [WEB_COORDINATOR.userId], vk: [] }, (p) => roles.isCoordinator(p));
  const dispatched: HelpRequest[] = [];
  const changed: HelpRequest[] = [];
  const lifecycle = createRequestLifecycle({ requests, isCoordinator, afterChange: async (r) => changed.push(r), logger, now });
  const erasure = createErasure({
    store: database.db.repositories.retention,
    requests,
    lifecycle,
    conversations: database.db.repositories.conversations,
    cancelJobsOf: async () => undefined,
    logger,
    now,
  });
  // Volunteers in memory, seeded by the tests through `roster.apply`; what the applicants are told of
  // a decision stays in `vettingOutbox`, which no worker sends here.
  const roster = new FakeVolunteerRoster();
  const applicationViews = new FakeApplicationViewLog();
  const vettingOutbox = new FakeOutbox();
  const vettingTexts = createVettingTexts(catalog, volunteerScenario, texts);
  const vetting = createVolunteerVetting({
    roster,
    views: applicationViews,
    isCoordinator,
    outbox: vettingOutbox,
    wake: () => undefined,
    headquartersChats: [],
    requireApproval: true,
    decisionText: vettingTexts.decision,
    logger,
    now,
  });
  const web = createWeb({
    requests,
    accessLog: database.db.repositories.accessLog,
    people,
    roles,
    sessions: consoleSessions,
    lifecycle,
    erase: (number, channel) => erasure.eraseRequest(number, channel),
    isCoordinator,
    dispatch: async (r) => dispatched.push(r),
    scenario: helpScenario,
    catalog,
    texts,
    coordinatorTexts: createCoordinatorTexts(catalog, texts, helpScenario, TIME_ZONE),
    settings: {
      districts: DISTRICTS,
      timeZone: TIME_ZONE,
      locale: 'ru',
      scenarioFile: 'scenarios/request-help.yaml',
      localesDir: 'scenarios/locales',
      publicUrl: options.publicUrl,
      operatorIds: { telegram: [WEB_OPERATOR.userId], vk: [], max: [] },
      ...(options.platforms ? { platforms: options.platforms } : {}),
      partnerKeys: [
        { source: '112', key: PARTNER_KEY },
        { source: 'hotline', key: HOTLINE_KEY },
      ],
      overdueAfterMs: 2 * 3_600_000,
      textParams: { closedDays: 90, withdrawnDays: 30, openDays: 30, abandonedDays: 7 },
      // The tests make many calls in a moment from one address; test/http/rate-limits.test.ts passes
      // the configuration's own limits and shows them biting.
      limits: options.limits ?? {
        partnerApi: { perKey: UNLIMITED, perAddress: UNLIMITED, wrongKeysPerAddress: UNLIMITED },
        signIn: UNLIMITED,
      },
    },
    // «Вопросы», as main builds it; answers are enqueued in the outbox, which no worker sends here.
    questions: createQuestionInbox({
      questions: database.db.repositories.questions,
      outbox: database.db.repositories.outbox,
      wake: () => undefined,
      answerText: (text) => catalog.t('conversation.questionAnswer', { text }),
      now,
    }),
    vetting,
    vettingTexts,
    listenUrl: () => 'http://console.test',
    logger,
    now,
  });
  const app: FastifyInstance = createHttpApp({ logger, isReady: () => true, webhooks: [], ...web.http });

  /** Signs a person in through a link, as the bot would give it, and returns what a browser would hold. */
  async function signIn(person: PersonRef, name: string) {
    const link = await web.access.issueLink(person, name);
    if (!link) throw new Error(`${person.userId} may not use the console`);
    const token = new URL(link.url).searchParams.get('token')!;
    const response = await app.inject({ method: 'POST', url: '/console/login', payload: { token } });
    const cookie = String(response.headers['set-cookie']).split(';')[0]!;
    const page = await app.inject({ method: 'GET', url: '/console/intake', headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!csrf) throw new Error(`no CSRF token on: ${page.body.slice(0, 300)}`);
    return { cookie, csrf, token, response };
  }

  return {
    app,
    web,
    database,
    repositories: database.db.repositories,
    dispatched,
    changed,
    /** The volunteers behind «Волонтёры», and what their applicants are told. */
    roster,
    applicationViews,
    vettingOutbox,
    signIn,
    /** The console's clock. */
    now,
    /** The console's date today in its time zone, as its date filters take it (YYYY-MM-DD). */
    today: () => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(now()),
    /** Moves the console's clock on (link and session expiry). */
    advance(ms: number) {
      offsetMs += ms;
    },
    async stop() {
      await app.close();
      await database.stop();
    },
  };
}

export type WebApp = Awaited<ReturnType<typeof startWebApp>>;

const TIME_ZONE = 'Europe/Moscow';

/** The first 12:00 on a zone's wall clock after `from` (zones here keep whole-hour offsets at noon). */
function nextNoonIn(timeZone: string, from: Date): Date {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(from));
  const atHour = new Date(Math.floor(from.getTime() / 3_600_000) * 3_600_000);
  return new Date(atHour.getTime() + ((12 - hour + 24) % 24 || 24) * 3_600_000);
}

/** A form body as a browser posts it. */
export function form(fields: Record<string, string | number>): { payload: string; headers: Record<string, string> } {
  return {
    payload: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}
