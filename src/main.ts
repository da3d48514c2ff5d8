import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase, type Database } from './db/database.js';
import { startEmbeddedMongo, type EmbeddedMongo } from './db/embedded-server.js';
import { codeWordList } from './domain/code-word.js';
import { quietHoursRule } from './domain/quiet-hours.js';
import { REQUEST_STATUSES, type HelpRequest, type Platform, type PersonRef } from './domain/request.js';
import { createHttpApp } from './http/app.js';
import { createMetricsApp } from './http/metrics-app.js';
import { createWeb } from './http/web.js';
import { createRequestJobs } from './jobs/request-jobs.js';
import { createScheduler } from './jobs/scheduler.js';
import { createSystemJobs } from './jobs/system-jobs.js';
import { createLogger, terminalDestination, type Logger } from './logger.js';
import { createChatTexts } from './messages/chat-texts.js';
import { createCoordinatorTexts } from './messages/coordinator-texts.js';
import { createJobTexts } from './messages/job-texts.js';
import { loadCatalogs } from './messages/load-catalogs.js';
import { drawReportChart } from './messages/report-chart.js';
import { createRequestTexts } from './messages/request-texts.js';
import { createMetrics } from './metrics.js';
import type { PlatformConnection, PlatformCore, PlatformModule, StartOptions } from './platform-module.js';
import { platformModules } from './platforms.js';
import { loadScenarioFile } from './scenario/load.js';
import { createChatBindings } from './services/chat-bindings.js';
import { createDistrictBinding } from './services/bind-district.js';
import { createClaimBurstWatch } from './services/claim-burst.js';
import { createClaimRequest } from './services/claim-request.js';
import { createCoordinatorConsole } from './services/coordinator-commands.js';
import { createIsCoordinator, type IsCoordinator } from './services/coordinators.js';
import { createDailyReport } from './services/daily-report.js';
import { createErasure } from './services/erasure.js';
import { createFeedback } from './services/feedback.js';
import { createFloodGuard } from './services/flood-guard.js';
import { createIntake } from './services/intake.js';
import { applicationFlow, createVolunteerVetting, type VolunteerVetting } from './services/volunteer-vetting.js';
import { createVettingConsole } from './services/console/vetting-console.js';
import { createVettingTexts } from './messages/vetting-texts.js';
import { createOutboxWorker, withHeadroom, type SendingLimits } from './services/outbox-worker.js';
import { createPeopleRegistry } from './services/people-registry.js';
import type { ChatRef, Messengers } from './services/ports.js';
import { createPrivateChat } from './services/private-chat/dialogue.js';
import { createQuestionInbox } from './services/question-inbox.js';
import { createRequestConversation } from './services/request-conversation.js';
import { createGroupChat } from './services/private-chat/group-chat.js';
import { createRequestEffects } from './services/request-effects.js';
import { createTaskDetails } from './services/task-details.js';
import { createRequestExpiry, createRequestLifecycle } from './services/request-lifecycle.js';
import { createRequesterQueries } from './services/requester-queries.js';
import { createRetention, retentionTextParams, type RetentionPeriods } from './services/retention.js';
import { listenFailure, StartupError } from './startup-error.js';
import { createSubmitRequest } from './services/submit-request.js';
import { createVolunteerDesk } from './services/volunteer-desk.js';
import { renderText } from './scenario/text.js';

/** A running system, as main starts it and as the end-to-end tests start it. */
export interface RunningSystem {
  /** The address the HTTP server listens on. */
  httpUrl: string;
  /** The address /metrics is served on; absent with METRICS_PORT=off. */
  metricsUrl?: string;
  /** Hands one Telegram update to the bot in this process, as a webhook would; absent without Telegram. */
  handleTelegramUpdate?: (update: unknown) => Promise<void>;
  stop(): Promise<void>;
}

/** A platform of the configuration, connected. */
interface ConnectedPlatform {
  module: PlatformModule;
  connection: PlatformConnection;
}

/**
 * The one composition root: config → content → database → platforms' messengers → core services →
 * platforms' handlers → HTTP listening (so /healthz answers while the platforms connect), then the
 * platforms connect and everything starts. Everything is passed down explicitly; nothing below reads
 * the environment. Resolves once everything is up; aborting `options.signal` ends start-up's waits,
 * closes what was opened and rejects.
 */
export async function startSystem(config: Config, options: StartOptions): Promise<RunningSystem> {
  const { logger } = options;
  const stop = options.signal ?? new AbortController().signal;
  const opened: Opened = { platforms: [] };
  try {
    const content = loadContent(config);
    const { db } = Object.assign(opened, await openDatabase(config, logger));
    stop.throwIfAborted();
    const platforms = connectPlatforms(config, { ...options, catalog: content.catalog, texts: content.texts });
    opened.platforms = platforms;
    const headquartersChats = headquartersOf(platforms, logger);
    const delivery = createDelivery(config, { content, db, platforms, headquartersChats, logger });
    const services = createServices(config, { content, db, delivery, headquartersChats, platforms, logger });
    for (const platform of platforms) platform.connection.install(services.coreFor(platform.module));
    const addresses = await listenAll(config, { db, platforms, services, delivery, logger }, opened);
    options.onListening?.(addresses);

    for (const platform of platforms) await platform.connection.prepare(stop);
    for (const platform of platforms) await platform.connection.start(stop);
    opened.delivery = delivery;
    await delivery.start();
    const described = platformModules.map((module) => [module.id, platforms.find((p) => p.module === module)?.connection.describe() ?? 'off']);
    const { httpUrl, metricsUrl } = addresses;
    logger.info(
      { ...Object.fromEntries(described), http: httpUrl, metrics: metricsUrl ? `${metricsUrl}/metrics` : 'off', districts: config.DISTRICTS.length },
      'started',
    );

    const inProcess = platforms.find((platform) => platform.connection.handleUpdate)?.connection.handleUpdate;
    return {
      ...addresses,
      ...(inProcess ? { handleTelegramUpdate: inProcess } : {}),
      stop: () => closeOpened(opened),
    };
  } catch (error) {
    await closeOpened(opened).catch((closing: unknown) => logger.error({ err: closing }, 'closing after a failed start-up failed'));
    throw stop.aborted ? stop.reason : error;
  }
}

/** What start-up has opened so far, closed in one order whether the system ran or start-up failed. */
interface Opened {
  platforms: ConnectedPlatform[];
  db?: Database;
  embedded?: EmbeddedMongo;
  http?: FastifyInstance;
  metricsHttp?: FastifyInstance;
  delivery?: Delivery;
}

async function closeOpened(opened: Opened): Promise<void> {
  // Stop taking updates first, let the ones in hand finish, then close what they use.
  for (const platform of opened.platforms) await platform.connection.stop();
  await opened.http?.close();
  await opened.metricsHttp?.close();
  await Promise.all(opened.platforms.map((platform) => platform.connection.drained()));
  await opened.delivery?.stop();
  await opened.db?.close();
  await opened.embedded?.stop();
}

/**
 * The public HTTP server (with /readyz naming what start-up still waits for) and /metrics, listening;
 * a port in use is named by its variable.
 */
async function listenAll(
  config: Config,
  deps: { db: Database; platforms: ConnectedPlatform[]; services: Services; delivery: Delivery; logger: Logger },
  opened: Opened,
): Promise<{ httpUrl: string; metricsUrl?: string }> {
  const { db, platforms, services, logger } = deps;
  const webhooks = platforms.flatMap((platform) => platform.connection.webhooks());
  const platformsWaiting = () => platforms.filter((platform) => !platform.connection.ready()).map((platform) => platform.module.id);
  const http = createHttpApp({ logger, isReady: db.isReady, platformsWaiting, webhooks, trustProxy: config.HTTP_TRUST_PROXY, ...services.web.http });
  opened.http = http;
  const httpUrl = await listenOn(http, { variable: 'HTTP_PORT', host: config.HTTP_HOST, port: config.HTTP_PORT });
  let metricsUrl: string | undefined;
  if (config.METRICS_PORT !== 'off') {
    opened.metricsHttp = createMetricsApp({ logger, metrics: deps.delivery.metrics });
    metricsUrl = await listenOn(opened.metricsHttp, { variable: 'METRICS_PORT', host: config.METRICS_HOST, port: config.METRICS_PORT });
  }
  // A browser cannot open "every address": the link names this machine instead.
  services.links.listenUrl = httpUrl.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//localhost');
  if (!config.PUBLIC_URL)
    logger.warn(
      { console: `${services.links.listenUrl}/console` },
      'PUBLIC_URL is not set: /console links point at this address, which only this machine may reach',
    );
  logger.info({ http: httpUrl }, 'listening: /healthz answers, /readyz says what start-up still waits for');
  return { httpUrl, ...(metricsUrl ? { metricsUrl } : {}) };
}

async function listenOn(app: FastifyInstance, where: { variable: string; host: string; port: number }): Promise<string> {
  try {
    return await app.listen({ host: where.host, port: where.port });
  } catch (error) {
    throw listenFailure(error, where) ?? error;
  }
}

/** The catalog, the scenario and the texts made of them. */
function loadContent(config: Config) {
  const catalogs = loadCatalogs(config.LOCALES_DIR);
  const catalog = catalogs[config.LOCALE];
  const scenario = loadScenarioFile(config.SCENARIO_FILE, [catalogs.ru, catalogs.en], 'help-request');
  const volunteerScenario = loadScenarioFile(config.VOLUNTEER_SCENARIO_FILE, [catalogs.ru, catalogs.en], 'volunteer-application');
  const texts = createRequestTexts(catalog, config.TIME_ZONE, scenario);
  const retentionPeriods: RetentionPeriods = {
    closedMs: config.RETENTION_PERIOD,
    withdrawnMs: config.WITHDRAWN_RETENTION_PERIOD,
    openLimitMs: config.OPEN_REQUEST_LIMIT,
    abandonedConversationMs: config.ABANDONED_CONVERSATION_AFTER,
    peopleMs: config.PEOPLE_RETENTION,
  };
  return {
    catalog,
    scenario,
    volunteerScenario,
    texts,
    vettingTexts: createVettingTexts(catalog, volunteerScenario, texts),
    chatTexts: createChatTexts(catalog, texts),
    retentionPeriods,
    // The consent text quotes these periods, so what a person agrees to is what is configured.
    textParams: retentionTextParams(retentionPeriods),
    jobTexts: createJobTexts(catalog, texts),
    coordinatorTexts: createCoordinatorTexts(catalog, texts, scenario, config.TIME_ZONE),
  };
}
type Content = ReturnType<typeof loadContent>;

async function openDatabase(config: Config, logger: Logger): Promise<{ db: Database; embedded?: EmbeddedMongo }> {
  if (config.MONGODB_URI) return { db: await connectDatabase(config.MONGODB_URI) };
  const port = config.EMBEDDED_MONGO_PORT;
  const embedded = await startEmbeddedMongo({ port }).catch((error: unknown) => {
    throw listenFailure(error, { variable: 'EMBEDDED_MONGO_PORT', host: '127.0.0.1', port }) ?? error;
  });
  logger.warn(
    { uri: embedded.uri },
    '*** MONGODB_URI is not set: using the EMBEDDED in-memory database, for development only. Data is LOST when the process stops. ***',
  );
  return { db: await connectDatabase(embedded.uri), embedded };
}

/** Clients and messengers first: the services send through them, and the handlers use the services. */
function connectPlatforms(config: Config, context: Parameters<PlatformModule['connect']>[1]): ConnectedPlatform[] {
  return platformModules.flatMap((module) => {
    const connection = module.connect(config, context);
    return connection ? [{ module: module as PlatformModule, connection }] : [];
  });
}

function headquartersOf(platforms: ConnectedPlatform[], logger: Logger): ChatRef[] {
  const chats = platforms.flatMap(({ module, connection }) =>
    connection.headquartersChat ? [{ platform: module.id, chatId: connection.headquartersChat }] : [],
  );
  if (chats.length === 0) {
    logger.warn('no HQ chat is set (HQ_TELEGRAM_CHAT_ID, HQ_VK_PEER_ID): requests of districts without a volunteer chat will not be posted anywhere');
  }
  return chats;
}

/** Configured ids of every platform the system knows, by platform (a platform turned off has its ids all the same). */
function idsByPlatform(config: Config, pick: (module: PlatformModule, config: Config) => readonly string[]): Record<Platform, readonly string[]> {
  return Object.fromEntries(platformModules.map((module) => [module.id, pick(module, config)])) as Record<Platform, readonly string[]>;
}
const coordinatorIdsOf = (module: PlatformModule, config: Config) => module.coordinatorIds(config);
const operatorIdsOf = (module: PlatformModule, config: Config) => module.operatorIds(config);

/**
 * What sends and schedules: metrics, the scheduler (its kinds timed), a request's follow-ups, its
 * effects and the outbox worker. Follow-ups ring a bell the worker answers once it exists.
 */
function createDelivery(
  config: Config,
  deps: { content: Content; db: Database; platforms: ConnectedPlatform[]; headquartersChats: ChatRef[]; logger: Logger },
) {
  const { db, logger, headquartersChats } = deps;
  const { requests, districtChats, outbox, pacing, accessLog } = db.repositories;
  const now = () => new Date();
  const processName = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const quietHours = quietHoursRule(config.QUIET_HOURS, config.TIME_ZONE);
  const metrics = createMetrics({ requestsByStatus: () => countByStatus(db), outbox: () => outbox.counts() });
  const scheduler = measured(
    createScheduler({ db: db.connection.db!, logger: logger.child({ component: 'jobs' }), processName, ...schedulingOf(config, quietHours) }),
    metrics,
  );
  const bell = doorbell();
  const requestJobs = createFollowUps(config, { ...deps, scheduler, ring: bell.ring, now });
  const effects = createRequestEffects({ requests, districtChats, headquartersChats, outbox, texts: deps.content.texts, now, plan: requestJobs.planFor });
  const messengers: Messengers = Object.fromEntries(deps.platforms.map(({ module, connection }) => [module.id, connection.messenger]));
  const details = createTaskDetails({ requests, accessLog, outbox, messengers, now });
  const bindings = createChatBindings({
    districtChats,
    requests,
    effects,
    outbox,
    headquartersChats,
    catalog: deps.content.catalog,
    logger: logger.child({ component: 'chat-bindings' }),
    now,
    wake: bell.ring,
  });
  const worker = createOutboxWorker({
    outbox,
    pacing,
    requests,
    effects,
    details,
    accessLog,
    volunteers: db.repositories.volunteerRoster,
    vettingTexts: deps.content.vettingTexts,
    messengers,
    headquartersChats,
    catalog: deps.content.catalog,
    drawReportChart,
    bindings,
    limits: scaleLimits(withHeadroom(platformModules), config.SEND_LIMITS_SCALE),
    logger: logger.child({ component: 'outbox' }),
    now,
    quietHours,
    workerId: processName,
  });
  bell.answerWith(() => worker.wake());
  /** Enqueues what a request's new state calls for and wakes this process's worker; says where a new request went. */
  const afterChange = async (request: HelpRequest) => {
    const enqueued = await effects.enqueueFor(request);
    worker.wake();
    return enqueued;
  };
  const systemJobs: { define(): void; schedule(): Promise<void> }[] = [];
  return {
    metrics,
    scheduler,
    messengers,
    details,
    bindings,
    afterChange,
    wake: bell.ring,
    now,
    /** Jobs defined by the services, started with the rest. */
    addJobs: (jobs: { define(): void; schedule(): Promise<void> }) => systemJobs.push(jobs),
    async start() {
      worker.start();
      requestJobs.define();
      for (const jobs of systemJobs) jobs.define();
      await scheduler.start();
      for (const jobs of systemJobs) await jobs.schedule();
    },
    async stop() {
      await scheduler.stop();
      await worker.stop();
    },
  };
}
type Delivery = ReturnType<typeof createDelivery>;

/** A request's follow-ups (escalation, reminders, the feedback question), timed as the configuration says. */
function createFollowUps(
  config: Config,
  deps: { content: Content; db: Database; headquartersChats: ChatRef[]; logger: Logger; scheduler: Scheduler; ring: () => void; now: () => Date },
) {
  return createRequestJobs({
    scheduler: deps.scheduler,
    requests: deps.db.repositories.requests,
    outbox: deps.db.repositories.outbox,
    wake: deps.ring,
    headquartersChats: deps.headquartersChats,
    texts: deps.content.jobTexts,
    timing: {
      escalation: (helpKind) =>
        config.ESCALATION_BY_HELP_KIND[helpKind] ?? { remindMs: config.ESCALATION_REMIND_AFTER, alertMs: config.ESCALATION_ALERT_AFTER },
      staleNudgeMs: config.STALE_CLAIM_NUDGE_AFTER,
      staleAlertMs: config.STALE_CLAIM_ALERT_AFTER,
      feedbackAfterMs: config.FEEDBACK_AFTER,
      feedbackReminderMs: config.FEEDBACK_REMINDER_AFTER,
    },
    logger: deps.logger,
    now: deps.now,
  });
}

/** Lets what is made first wake what is made later (jobs enqueue before the worker that sends exists). */
function doorbell() {
  let answer: () => void = () => undefined;
  return {
    ring: () => answer(),
    answerWith(handler: () => void) {
      answer = handler;
    },
  };
}

type Scheduler = ReturnType<typeof createScheduler>;

/** How the scheduler polls and locks, and when it may write to requesters. */
function schedulingOf(config: Config, quietHours: ReturnType<typeof quietHoursRule>) {
  return {
    processEveryMs: config.JOBS_PROCESS_EVERY_MS,
    lockLifetimeMs: config.JOBS_LOCK_LIFETIME_MS,
    requestersAllowedFrom: quietHours.endOf,
    timeZone: config.TIME_ZONE,
  };
}

/** Every job kind is counted and timed: the scheduler is handed on with its definitions measured. */
function measured(scheduler: Scheduler, metrics: ReturnType<typeof createMetrics>): Scheduler {
  return { ...scheduler, define: ((name, handler, jobOptions) => scheduler.define(name, metrics.timeJob(name, handler), jobOptions)) as Scheduler['define'] };
}

async function countByStatus(db: Database): Promise<Record<(typeof REQUEST_STATUSES)[number], number>> {
  const counts = await Promise.all(
    REQUEST_STATUSES.map(async (status) => [status, (await db.repositories.requests.search({ statuses: [status], skip: 0, limit: 0 })).total]),
  );
  return Object.fromEntries(counts) as Record<(typeof REQUEST_STATUSES)[number], number>;
}

/** The platforms' limits sped up by `scale` (for tests and benchmarks), their ratios kept. */
function scaleLimits(limits: SendingLimits, scale: number): SendingLimits {
  const each = <T extends Record<string, number>>(values: T, f: (v: number) => number) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, f(v)])) as T;
  return {
    groupIntervalMs: each(limits.groupIntervalMs, (v) => v / scale),
    privateIntervalMs: each(limits.privateIntervalMs, (v) => v / scale),
    perSecond: each(limits.perSecond, (v) => v * scale),
  };
}

interface ServiceDeps {
  content: Content;
  db: Database;
  delivery: Delivery;
  headquartersChats: ChatRef[];
  platforms: ConnectedPlatform[];
  logger: Logger;
}

/** The use cases over the stores: the lifecycle, people and roles, erasure, feedback and the scheduled sweeps. */
function createRequestServices(config: Config, deps: ServiceDeps) {
  const { db, delivery, logger, headquartersChats } = deps;
  const { requests, conversations, people, roles } = db.repositories;
  const { afterChange, scheduler, now } = delivery;
  const isCoordinator = createIsCoordinator(idsByPlatform(config, coordinatorIdsOf), (person) => roles.isCoordinator(person));
  const lifecycle = createRequestLifecycle({ requests, isCoordinator, afterChange, logger, now });
  const peopleRegistry = createPeopleRegistry({ people, now });
  const cancelJobsOf = (number: number) => scheduler.cancelFor(number);
  const vetting = createVolunteerVetting({
    roster: db.repositories.volunteerRoster,
    views: db.repositories.applicationViews,
    isCoordinator,
    outbox: db.repositories.outbox,
    wake: delivery.wake,
    headquartersChats,
    requireApproval: config.CLAIM_REQUIRES_APPROVAL,
    decisionText: deps.content.vettingTexts.decision,
    logger,
    now,
  });
  // Erasure on request: a requester's /forget, a coordinator's /erase and the console's button.
  const erasure = createErasure({
    store: db.repositories.retention,
    requests,
    lifecycle,
    conversations,
    questions: db.repositories.questions,
    cancelJobsOf,
    forgotten: (person) => peopleRegistry.forget(person),
    volunteers: vetting,
    logger: logger.child({ component: 'retention' }),
    now,
  });
  const feedback = createFeedback({
    store: db.repositories.feedback,
    requests,
    outbox: db.repositories.outbox,
    wake: delivery.wake,
    headquartersChats,
    lowRatingText: deps.content.jobTexts.lowRating,
    pending: conversations,
    logger,
    now,
  });
  delivery.addJobs(
    createSystemJobs({
      scheduler,
      outbox: db.repositories.outbox,
      wake: delivery.wake,
      headquartersChats,
      texts: deps.content.jobTexts,
      dailyReport: createDailyReport({ requests, timeZone: config.TIME_ZONE, overdueAfterMs: config.ESCALATION_ALERT_AFTER, now }),
      reportTime: config.DAILY_REPORT_TIME,
      overdueAfterMs: config.ESCALATION_ALERT_AFTER,
      retentionSweep: createRetention({
        store: db.repositories.retention,
        questions: db.repositories.questions,
        volunteers: db.repositories.volunteerRoster,
        requests,
        expire: createRequestExpiry({ requests, afterChange, logger, now }),
        cancelJobsOf,
        // Roles granted in the database are kept by the store itself; these are the configuration's.
        protectedPeople: async () =>
          platformModules.flatMap((module) =>
            [...coordinatorIdsOf(module, config), ...operatorIdsOf(module, config)].map((userId) => ({ platform: module.id, userId })),
          ),
        periods: deps.content.retentionPeriods,
        logger: logger.child({ component: 'retention' }),
        now,
      }),
      now,
    }),
  );
  return { isCoordinator, lifecycle, peopleRegistry, erasure, feedback, vetting, ...createConversation(config, deps, isCoordinator) };
}
type RequestServices = ReturnType<typeof createRequestServices>;

/** The conversation after submit, and the console's inbox for words with no request to go with. */
function createConversation(config: Config, deps: ServiceDeps, isCoordinator: IsCoordinator) {
  const { db, delivery, content } = deps;
  const questions = createQuestionInbox({
    questions: db.repositories.questions,
    outbox: db.repositories.outbox,
    wake: delivery.wake,
    answerText: (text) => content.catalog.t('conversation.questionAnswer', { text }),
    now: delivery.now,
  });
  const conversation = createRequestConversation({
    requests: db.repositories.requests,
    isCoordinator,
    afterChange: delivery.afterChange,
    askHeadquarters: (who, text, at) => questions.ask(who, text, at),
    greeted: db.repositories.conversations,
    closedWindowMs: config.CONVERSATION_AFTER_CLOSE,
    now: delivery.now,
  });
  return { conversation, questions };
}

/** The web console and the partner API; links point at PUBLIC_URL, or where the server listens (known once it does). */
function createWebSide(config: Config, deps: ServiceDeps, services: RequestServices, links: { listenUrl: string }) {
  const { db, content, delivery } = deps;
  return createWeb({
    requests: db.repositories.requests,
    accessLog: db.repositories.accessLog,
    people: db.repositories.people,
    roles: db.repositories.roles,
    sessions: db.repositories.consoleSessions,
    lifecycle: services.lifecycle,
    erase: (number, channel) => services.erasure.eraseRequest(number, channel),
    answerRequester: (number, by, text) => services.conversation.answer(number, by, text, true),
    questions: services.questions,
    vetting: services.vetting,
    vettingTexts: content.vettingTexts,
    isCoordinator: services.isCoordinator,
    dispatch: delivery.afterChange,
    scenario: content.scenario,
    catalog: content.catalog,
    texts: content.texts,
    coordinatorTexts: content.coordinatorTexts,
    settings: {
      districts: config.DISTRICTS,
      timeZone: config.TIME_ZONE,
      locale: config.LOCALE,
      scenarioFile: config.SCENARIO_FILE,
      localesDir: config.LOCALES_DIR,
      publicUrl: config.PUBLIC_URL,
      operatorIds: idsByPlatform(config, operatorIdsOf),
      partnerKeys: config.PARTNER_API_KEYS,
      overdueAfterMs: config.ESCALATION_ALERT_AFTER,
      textParams: content.textParams,
      platforms: deps.platforms.map(({ module }) => module.id),
      limits: {
        partnerApi: {
          perKey: config.PARTNER_API_LIMIT_PER_KEY,
          perAddress: config.PARTNER_API_LIMIT_PER_ADDRESS,
          wrongKeysPerAddress: config.PARTNER_API_WRONG_KEYS_PER_ADDRESS,
        },
        signIn: config.CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS,
      },
    },
    listenUrl: () => links.listenUrl,
    logger: deps.logger.child({ component: 'web' }),
    now: delivery.now,
  });
}

/** The coordinators' console in the bots: the same use cases as the web console, and a granted person is told. */
function createBotConsole(config: Config, deps: ServiceDeps, services: RequestServices, web: ReturnType<typeof createWebSide>) {
  const { db, content, delivery, logger, platforms } = deps;
  const { requests, districtChats, people, roles } = db.repositories;
  const { isCoordinator, lifecycle } = services;
  const { now } = delivery;
  return createCoordinatorConsole({
    requests,
    accessLog: db.repositories.accessLog,
    people,
    roles,
    districtChats,
    lifecycle,
    erase: (number, channel) => services.erasure.eraseRequest(number, channel),
    isCoordinator,
    configuredCoordinators: idsByPlatform(config, coordinatorIdsOf),
    districts: config.DISTRICTS,
    texts: content.coordinatorTexts,
    timeZone: config.TIME_ZONE,
    // The same wait after which coordinators are alerted to an unclaimed request (per-kind overrides aside).
    overdueAfterMs: config.ESCALATION_ALERT_AFTER,
    roleChanged: async (person: PersonRef, coordinator: boolean) => {
      await platforms.find((platform) => platform.module.id === person.platform)?.connection.roleChanged?.(person.userId, coordinator);
    },
    endConsoleAccess: (person) => web.access.endAccessOf(person),
    vettingConsole: createVettingConsole({ vetting: services.vetting, texts: content.vettingTexts, districts: config.DISTRICTS }),
    // A person granted a role is told so in their private chat.
    outbox: db.repositories.outbox,
    wake: delivery.wake,
    logger,
    now,
  });
}

/** Claims, with the limit of requests in hand and the watch on bursts of claims. */
function createClaims(config: Config, deps: ServiceDeps, vetting: VolunteerVetting) {
  const { db, content, delivery, logger } = deps;
  const afterClaim = createClaimBurstWatch({
    requests: db.repositories.requests,
    outbox: db.repositories.outbox,
    headquartersChats: deps.headquartersChats,
    claims: config.CLAIM_BURST,
    windowMs: config.CLAIM_BURST_WINDOW,
    text: (volunteer, count, number) =>
      content.catalog.t('claim.burst', {
        volunteer: volunteer.displayName,
        count,
        number,
        minutes: Math.max(1, Math.round(config.CLAIM_BURST_WINDOW / 60_000)),
      }),
    wake: delivery.wake,
    now: delivery.now,
  });
  return createClaimRequest({
    maxHeld: config.MAX_OPEN_CLAIMS_PER_VOLUNTEER,
    mayClaim: (volunteer) => vetting.mayClaim(volunteer),
    afterClaim,
    requests: db.repositories.requests,
    districtChats: db.repositories.districtChats,
    headquartersChats: deps.headquartersChats,
    details: delivery.details,
    afterChange: delivery.afterChange,
    logger,
    now: delivery.now,
  });
}

/** Everything the platforms' handlers use, and the consoles. */
function createServices(config: Config, deps: ServiceDeps) {
  const { db, content, delivery, logger } = deps;
  const { requests, districtChats, roles, conversations } = db.repositories;
  const { afterChange, now } = delivery;
  const services = createRequestServices(config, deps);
  const { isCoordinator, lifecycle } = services;
  const links = { listenUrl: `http://localhost:${config.HTTP_PORT}` };
  const web = createWebSide(config, deps, services, links);
  const coordinatorConsole = createBotConsole(config, deps, services, web);
  const requesterQueries = createRequesterQueries({ requests });
  const myRequestsText = async (person: PersonRef) => content.texts.myRequests(await requesterQueries.listMine(person));
  const intake = createIntake({
    scenario: content.scenario,
    engine: { lists: { districts: config.DISTRICTS }, render: (text) => renderText(content.catalog, text), params: content.textParams },
    submitRequest: createSubmitRequest({
      requests,
      dispatch: afterChange,
      logger,
      now,
      limits: { maxOpen: config.MAX_OPEN_REQUESTS_PER_REQUESTER, cooldownMs: config.SUBMISSION_COOLDOWN },
      codeWords: codeWordList(content.catalog.t('request.codeWords')),
    }),
    flows: [applicationFlow(services.vetting, content.volunteerScenario)],
    myRequestsText,
    logger,
  });
  const desk = createVolunteerDesk({ lifecycle, requests, store: conversations, now });
  const shared: Omit<PlatformCore, 'timeUpdate'> = {
    catalog: content.catalog,
    scenario: content.scenario,
    texts: content.texts,
    coordinatorTexts: content.coordinatorTexts,
    privateChat: (capabilities) =>
      createPrivateChat({
        catalog: content.catalog,
        words: content.chatTexts,
        intake,
        desk,
        feedback: services.feedback,
        erasure: services.erasure,
        myRequestsText,
        conversation: services.conversation,
        details: delivery.details,
        vetting: services.vetting,
        capabilities,
      }),
    groupChat: createGroupChat({
      catalog: content.catalog,
      words: content.chatTexts,
      binding: createDistrictBinding({ districtChats, districts: config.DISTRICTS, isCoordinator, logger, now }),
      districts: config.DISTRICTS,
    }),
    chatBindings: delivery.bindings,
    intake,
    claimRequest: createClaims(config, deps, services.vetting),
    coordinatorConsole,
    peopleRegistry: services.peopleRegistry,
    roles,
    consoleLink: web.access.issueLink,
    conversations,
    updateLog: db.repositories.updates,
    floodGuard: createFloodGuard({ messages: config.FLOOD_MESSAGES, windowMs: config.FLOOD_WINDOW, pauseMs: config.FLOOD_PAUSE }),
    logger,
  };
  const coreFor = (module: PlatformModule): PlatformCore => ({ ...shared, timeUpdate: (handle) => delivery.metrics.timeUpdate(module.id, handle) });
  return { web, links, coreFor };
}
type Services = ReturnType<typeof createServices>;

/** Says what is wrong in one plain sentence and exits; other errors are thrown on. */
function exitOnPlainError(error: unknown): void {
  if (error instanceof ConfigError || error instanceof StartupError) {
    console.error(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    exitOnPlainError(error);
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, await terminalDestination());
  // A signal during start-up ends its waits (an unreachable API); afterwards it stops the system.
  const stopping = new AbortController();
  let system: RunningSystem | undefined;
  const shutdown = (signal: string) => {
    if (stopping.signal.aborted) return;
    logger.info({ signal }, 'shutting down');
    stopping.abort();
    system?.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  try {
    system = await startSystem(config, { logger, signal: stopping.signal });
  } catch (error) {
    // Stopped while starting: what start-up had opened is closed already.
    if (stopping.signal.aborted) process.exit(0);
    exitOnPlainError(error);
    throw error;
  }
  // Stopped in the moment start-up finished.
  if (stopping.signal.aborted) await system.stop().then(() => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('Start-up failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
