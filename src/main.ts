import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Update, UserFromGetMe } from 'grammy/types';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Api, type ApiClientOptions } from 'grammy';
import { createTelegramBot, installTelegramHandlers } from '../bots/telegram/bot.js';
import { createTelegramCommandMenus } from '../bots/telegram/coordinator-commands.js';
import { createTelegramMessenger } from '../bots/telegram/messenger.js';
import { createTelegramWebhookHandler, TELEGRAM_WEBHOOK_PATH } from '../bots/telegram/webhook.js';
import { createVkClient, installVkHandlers } from '../bots/vk/bot.js';
import { createVkCallbackHandler, VK_CALLBACK_PATH } from '../bots/vk/callback-route.js';
import { createVkMessenger } from '../bots/vk/messenger.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase } from './db/database.js';
import { startEmbeddedMongo, type EmbeddedMongo } from './db/embedded-server.js';
import { createHttpApp, type WebhookRoute } from './http/app.js';
import { createMetricsApp } from './http/metrics-app.js';
import { createLogger, terminalDestination, type Logger } from './logger.js';
import { loadCatalogs } from './messages/load-catalogs.js';
import { renderText } from './messages/render.js';
import { createRequestTexts } from './messages/request-texts.js';
import { createCoordinatorTexts } from './messages/coordinator-texts.js';
import { createCoordinatorConsole } from './services/coordinator-commands.js';
import { createPeopleRegistry } from './services/people-registry.js';
import type { HelpRequest, PersonRef } from './domain/request.js';
import { createIntake } from './services/intake.js';
import { createFloodGuard } from './services/flood-guard.js';
import type { ChatRef, Messengers } from './services/ports.js';
import { loadScenarioFile } from './scenario/load.js';
import { createDistrictBinding } from './services/bind-district.js';
import { createClaimRequest } from './services/claim-request.js';
import { createIsCoordinator } from './services/coordinators.js';
import { createOutboxWorker, PLATFORM_LIMITS, type SendingLimits } from './services/outbox-worker.js';
import { createRequestEffects } from './services/request-effects.js';
import { createRequestExpiry, createRequestLifecycle } from './services/request-lifecycle.js';
import { createRequestJobs } from './jobs/request-jobs.js';
import { createScheduler } from './jobs/scheduler.js';
import { quietHoursRule } from './domain/quiet-hours.js';
import { createSystemJobs } from './jobs/system-jobs.js';
import { createJobTexts } from './messages/job-texts.js';
import { createDailyReport } from './services/daily-report.js';
import { createFeedback } from './services/feedback.js';
import { createRetention, retentionTextParams, type RetentionPeriods } from './services/retention.js';
import { createErasure } from './services/erasure.js';
import { createVolunteerDesk } from './services/volunteer-desk.js';
import { createRequesterQueries } from './services/requester-queries.js';
import { createSubmitRequest } from './services/submit-request.js';
import { REQUEST_STATUSES } from './domain/request.js';
import { createWeb } from './http/web.js';
import { createMetrics } from './metrics.js';

/** A running system, as main starts it and as the end-to-end tests start it. */
export interface RunningSystem {
  /** The address the HTTP server listens on. */
  httpUrl: string;
  /** The address /metrics is served on; absent with METRICS_PORT=off. */
  metricsUrl?: string;
  /** Hands one Telegram update to the bot in this process, as a webhook would; absent without Telegram. */
  handleTelegramUpdate?: (update: Update) => Promise<void>;
  stop(): Promise<void>;
}

/**
 * The one composition root: config → logger → database → services → bots → HTTP. Everything is
 * passed down explicitly; nothing below reads the environment.
 */
export async function startSystem(
  config: Config,
  options: {
    logger: Logger;
    botInfo?: UserFromGetMe;
    /**
     * The fetch of every Telegram API client of the system; the benchmark answers the calls in process
     * with it. (A transformer would not reach the clients the conversations plugin makes of its own.)
     */
    telegramFetch?: ApiClientOptions['fetch'];
  },
): Promise<RunningSystem> {
  const { logger } = options;
  const catalogs = loadCatalogs(config.LOCALES_DIR);
  const catalog = catalogs[config.LOCALE];
  const scenario = loadScenarioFile(config.SCENARIO_FILE, [catalogs.ru, catalogs.en]);
  const retentionPeriods: RetentionPeriods = {
    closedMs: config.RETENTION_PERIOD,
    withdrawnMs: config.WITHDRAWN_RETENTION_PERIOD,
    openLimitMs: config.OPEN_REQUEST_LIMIT,
    abandonedConversationMs: config.ABANDONED_CONVERSATION_AFTER,
    peopleMs: config.PEOPLE_RETENTION,
  };
  // The consent text quotes these periods, so what a person agrees to is what is configured.
  const textParams = retentionTextParams(retentionPeriods);

  let embedded: EmbeddedMongo | undefined;
  if (!config.MONGODB_URI) {
    embedded = await startEmbeddedMongo({ port: config.EMBEDDED_MONGO_PORT });
    logger.warn(
      { uri: embedded.uri },
      '*** MONGODB_URI is not set: using the EMBEDDED in-memory database, for development only. Data is LOST when the process stops. ***',
    );
  }
  const db = await connectDatabase(config.MONGODB_URI ?? embedded!.uri);
  const { requests, districtChats, conversations, outbox, pacing, updates } = db.repositories;
  const now = () => new Date();

  const texts = createRequestTexts(catalog, config.TIME_ZONE, scenario);

  // Clients and messengers first: the services send through them, and the handlers use the services.
  const telegramBot = config.BOT_TOKEN
    ? createTelegramBot({
        token: config.BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        ...(options.botInfo ? { botInfo: options.botInfo } : {}),
        ...(options.telegramFetch ? { fetch: options.telegramFetch } : {}),
      })
    : undefined;
  const vk = config.VK_TOKEN
    ? createVkClient({
        token: config.VK_TOKEN,
        groupId: config.VK_GROUP_ID!,
        apiBaseUrl: config.VK_API_BASE_URL,
        apiLimit: config.VK_API_RATE_LIMIT,
      })
    : undefined;
  const messengers: Messengers = {
    // Its own API client, without the auto-retry of the bot's: the outbox paces and retries itself.
    ...(telegramBot
      ? {
          telegram: createTelegramMessenger(
            new Api(config.BOT_TOKEN!, { apiRoot: config.TELEGRAM_API_ROOT, ...(options.telegramFetch ? { fetch: options.telegramFetch } : {}) }),
            texts,
            catalog,
          ),
        }
      : {}),
    ...(vk ? { vk: createVkMessenger(vk.api, texts, catalog) } : {}),
  };
  const headquartersChats: ChatRef[] = [
    ...(config.HQ_TELEGRAM_CHAT_ID ? [{ platform: 'telegram' as const, chatId: config.HQ_TELEGRAM_CHAT_ID }] : []),
    ...(config.HQ_VK_PEER_ID ? [{ platform: 'vk' as const, chatId: String(config.HQ_VK_PEER_ID) }] : []),
  ];
  if (headquartersChats.length === 0) {
    logger.warn('neither HQ_TELEGRAM_CHAT_ID nor HQ_VK_PEER_ID is set: requests of districts without a volunteer chat will not be posted anywhere');
  }

  // Scheduled follow-ups share the database with every other process; jobs are planned with each
  // request's effects, so the same mark and sweep cover them.
  const processName = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const quietHours = quietHoursRule(config.QUIET_HOURS, config.TIME_ZONE);
  const metrics = createMetrics({
    requestsByStatus: async () =>
      Object.fromEntries(await Promise.all(REQUEST_STATUSES.map(async (status) => [status, (await requests.search({ statuses: [status], skip: 0, limit: 0 })).total]))) as Record<
        (typeof REQUEST_STATUSES)[number],
        number
      >,
    outbox: () => outbox.counts(),
  });
  const unmeasuredScheduler = createScheduler({
    db: db.connection.db!,
    logger: logger.child({ component: 'jobs' }),
    processName,
    processEveryMs: config.JOBS_PROCESS_EVERY_MS,
    lockLifetimeMs: config.JOBS_LOCK_LIFETIME_MS,
    requestersAllowedFrom: quietHours.endOf,
    timeZone: config.TIME_ZONE,
  });
  // Every job kind is counted and timed: the scheduler is handed on with its definitions measured.
  const scheduler = { ...unmeasuredScheduler, define: ((name, handler, jobOptions) => unmeasuredScheduler.define(name, metrics.timeJob(name, handler), jobOptions)) as typeof unmeasuredScheduler.define };
  const jobTexts = createJobTexts(catalog, texts);
  const wake = () => worker.wake();
  const requestJobs = createRequestJobs({
    scheduler,
    requests,
    outbox,
    wake,
    headquartersChats,
    texts: jobTexts,
    timing: {
      escalation: (helpKind) => config.ESCALATION_BY_HELP_KIND[helpKind] ?? { remindMs: config.ESCALATION_REMIND_AFTER, alertMs: config.ESCALATION_ALERT_AFTER },
      staleNudgeMs: config.STALE_CLAIM_NUDGE_AFTER,
      staleAlertMs: config.STALE_CLAIM_ALERT_AFTER,
      feedbackAfterMs: config.FEEDBACK_AFTER,
      feedbackReminderMs: config.FEEDBACK_REMINDER_AFTER,
    },
    logger,
    now,
  });
  const effects = createRequestEffects({
    requests,
    districtChats,
    headquartersChats,
    outbox,
    texts,
    now,
    plan: requestJobs.planFor,
  });
  const worker = createOutboxWorker({
    outbox,
    pacing,
    requests,
    effects,
    messengers,
    headquartersChats,
    catalog,
    limits: scaleLimits(PLATFORM_LIMITS, config.SEND_LIMITS_SCALE),
    logger: logger.child({ component: 'outbox' }),
    now,
    quietHours,
    workerId: processName,
  });
  const configuredCoordinators = { telegram: config.COORDINATOR_TELEGRAM_IDS, vk: config.COORDINATOR_VK_IDS };
  const configuredOperators = { telegram: config.OPERATOR_TELEGRAM_IDS, vk: config.OPERATOR_VK_IDS };
  const systemJobs = createSystemJobs({
    scheduler,
    outbox,
    wake,
    headquartersChats,
    texts: jobTexts,
    dailyReport: createDailyReport({ requests, timeZone: config.TIME_ZONE, overdueAfterMs: config.ESCALATION_ALERT_AFTER, now }),
    reportTime: config.DAILY_REPORT_TIME,
    overdueAfterMs: config.ESCALATION_ALERT_AFTER,
    retentionSweep: createRetention({
      store: db.repositories.retention,
      requests,
      expire: createRequestExpiry({ requests, afterChange: (request) => afterChange(request), logger, now }),
      cancelJobsOf: (number) => scheduler.cancelFor(number),
      // Roles granted in the database are kept by the store itself; these are the configuration's.
      protectedPeople: async () =>
        (['telegram', 'vk'] as const).flatMap((platform) =>
          [...configuredCoordinators[platform], ...configuredOperators[platform]].map((userId) => ({ platform, userId })),
        ),
      periods: retentionPeriods,
      logger: logger.child({ component: 'retention' }),
      now,
    }),
    now,
  });
  const feedback = createFeedback({
    store: db.repositories.feedback,
    requests,
    outbox,
    wake,
    headquartersChats,
    lowRatingText: jobTexts.lowRating,
    pending: conversations,
    logger,
    now,
  });
  /** Enqueues what a request's new state calls for and wakes this process's worker. */
  const afterChange = async (request: HelpRequest) => {
    await effects.enqueueFor(request);
    worker.wake();
  };
  const requesterQueries = createRequesterQueries({ requests });
  const { people, roles } = db.repositories;
  const isCoordinator = createIsCoordinator({ telegram: config.COORDINATOR_TELEGRAM_IDS, vk: config.COORDINATOR_VK_IDS }, (person) => roles.isCoordinator(person));
  const lifecycle = createRequestLifecycle({ requests, isCoordinator, afterChange, logger, now });
  const peopleRegistry = createPeopleRegistry({ people, now });
  // Erasure on request: a requester's /forget, a coordinator's /erase and the console's button.
  const erasure = createErasure({
    store: db.repositories.retention,
    requests,
    lifecycle,
    conversations,
    cancelJobsOf: (number) => scheduler.cancelFor(number),
    forgotten: (person) => peopleRegistry.forget(person),
    logger: logger.child({ component: 'retention' }),
    now,
  });
  const coordinatorTexts = createCoordinatorTexts(catalog, texts, scenario, config.TIME_ZONE);
  const menus = telegramBot
    ? createTelegramCommandMenus(telegramBot.api, {
        texts: coordinatorTexts,
        configuredIds: config.COORDINATOR_TELEGRAM_IDS,
        roles,
        ...(config.HQ_TELEGRAM_CHAT_ID ? { hqChatId: config.HQ_TELEGRAM_CHAT_ID } : {}),
        logger,
      })
    : undefined;
  // The web console and the partner API; links point at PUBLIC_URL, or where the server listens.
  let listenUrl = `http://localhost:${config.HTTP_PORT}`;
  const web = createWeb({
    requests,
    people,
    roles,
    sessions: db.repositories.consoleSessions,
    lifecycle,
    erase: (number, channel) => erasure.eraseRequest(number, channel),
    isCoordinator,
    dispatch: afterChange,
    scenario,
    catalog,
    texts,
    coordinatorTexts,
    settings: {
      districts: config.DISTRICTS,
      timeZone: config.TIME_ZONE,
      locale: config.LOCALE,
      scenarioFile: config.SCENARIO_FILE,
      localesDir: config.LOCALES_DIR,
      publicUrl: config.PUBLIC_URL,
      operatorIds: { telegram: config.OPERATOR_TELEGRAM_IDS, vk: config.OPERATOR_VK_IDS },
      partnerKeys: config.PARTNER_API_KEYS,
      overdueAfterMs: config.ESCALATION_ALERT_AFTER,
      textParams,
      limits: {
        partnerApi: {
          perKey: config.PARTNER_API_LIMIT_PER_KEY,
          perAddress: config.PARTNER_API_LIMIT_PER_ADDRESS,
          wrongKeysPerAddress: config.PARTNER_API_WRONG_KEYS_PER_ADDRESS,
        },
        signIn: config.CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS,
      },
    },
    listenUrl: () => listenUrl,
    logger: logger.child({ component: 'web' }),
    now,
  });
  const coordinatorConsole = createCoordinatorConsole({
    requests,
    people,
    roles,
    districtChats,
    lifecycle,
    erase: (number, channel) => erasure.eraseRequest(number, channel),
    isCoordinator,
    configuredCoordinators,
    districts: config.DISTRICTS,
    texts: coordinatorTexts,
    timeZone: config.TIME_ZONE,
    // The same wait after which coordinators are alerted to an unclaimed request (per-kind overrides aside).
    overdueAfterMs: config.ESCALATION_ALERT_AFTER,
    roleChanged: async (person, coordinator) => {
      if (person.platform === 'telegram') await menus?.update(person.userId, coordinator);
    },
    endConsoleAccess: (person) => web.access.endAccessOf(person),
    logger,
    now,
  });
  const consoleLink = web.access.issueLink;
  // Updates are counted and timed before anything else sees them.
  telegramBot?.use((_ctx, next) => metrics.timeUpdate('telegram', next));
  vk?.updates.use((_ctx, next) => metrics.timeUpdate('vk', next));
  const myRequestsText = async (person: PersonRef) => texts.myRequests(await requesterQueries.listMine(person));
  const shared = {
    catalog,
    districts: config.DISTRICTS,
    intake: createIntake({
      scenario,
      engine: { lists: { districts: config.DISTRICTS }, render: (text) => renderText(catalog, text), params: textParams },
      submitRequest: createSubmitRequest({
        requests,
        dispatch: afterChange,
        logger,
        now,
        limits: { maxOpen: config.MAX_OPEN_REQUESTS_PER_REQUESTER, cooldownMs: config.SUBMISSION_COOLDOWN },
      }),
      myRequestsText,
      logger,
    }),
    claimRequest: createClaimRequest({ requests, districtChats, headquartersChats, messengers, afterChange, logger, now }),
    lifecycle,
    desk: createVolunteerDesk({ lifecycle, requests, store: conversations, now }),
    feedback,
    texts,
    binding: createDistrictBinding({ districtChats, districts: config.DISTRICTS, isCoordinator, logger, now }),
    myRequestsText,
    updateLog: updates,
    erasure,
    floodGuard: createFloodGuard({ messages: config.FLOOD_MESSAGES, windowMs: config.FLOOD_WINDOW, pauseMs: config.FLOOD_PAUSE }),
    logger,
  };
  const telegram =
    telegramBot &&
    installTelegramHandlers(telegramBot, {
      ...shared,
      scenario,
      conversationStore: conversations,
      coordinatorCommands: { console: coordinatorConsole, registry: peopleRegistry, ...(config.HQ_TELEGRAM_CHAT_ID ? { hqChatId: config.HQ_TELEGRAM_CHAT_ID } : {}), logger },
      consoleLink,
    });
  const vkBot =
    vk &&
    installVkHandlers(vk, {
      ...shared,
      groupId: config.VK_GROUP_ID!,
      sessions: conversations,
      coordinatorCommands: { console: coordinatorConsole, registry: peopleRegistry, ...(config.HQ_VK_PEER_ID ? { hqPeerId: config.HQ_VK_PEER_ID } : {}), logger },
      consoleLink,
    });

  if (telegramBot) {
    // grammY retries network failures here until Telegram answers (a wrong token fails at once), so
    // say what is being waited for: a silent start-up looks like a hang.
    logger.info({ apiRoot: config.TELEGRAM_API_ROOT }, 'connecting to the Telegram Bot API');
    await telegramBot.init();
    // Each person sees the commands they may use; a failure is logged and does not stop the bot.
    await menus?.registerAll();
  }

  const webhooks: WebhookRoute[] = [];
  if (telegramBot && config.TELEGRAM_MODE === 'webhook') {
    webhooks.push({ path: TELEGRAM_WEBHOOK_PATH, handler: createTelegramWebhookHandler(telegramBot, config.TELEGRAM_WEBHOOK_SECRET!) });
  }
  if (vk && config.VK_MODE === 'callback') {
    webhooks.push({
      path: VK_CALLBACK_PATH,
      handler: createVkCallbackHandler(vk, { groupId: config.VK_GROUP_ID!, secret: config.VK_CALLBACK_SECRET!, confirmation: config.VK_CALLBACK_CONFIRMATION! }),
    });
  }
  const http = createHttpApp({ logger, isReady: db.isReady, webhooks, trustProxy: config.HTTP_TRUST_PROXY, ...web.http });
  const httpUrl = await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  const metricsHttp = config.METRICS_PORT === 'off' ? undefined : createMetricsApp({ logger, metrics });
  const metricsUrl = await metricsHttp?.listen({ host: config.METRICS_HOST, port: config.METRICS_PORT as number });
  // A browser cannot open "every address": the link names this machine instead.
  listenUrl = httpUrl.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//localhost');
  if (!config.PUBLIC_URL) logger.warn({ console: `${listenUrl}/console` }, 'PUBLIC_URL is not set: /console links point at this address, which only this machine may reach');

  let runner: RunnerHandle | undefined;
  if (telegramBot && config.TELEGRAM_MODE === 'polling') {
    await telegramBot.api.deleteWebhook();
    runner = run(telegramBot);
  } else if (telegramBot) {
    await telegramBot.api.setWebhook(new URL(TELEGRAM_WEBHOOK_PATH, config.TELEGRAM_WEBHOOK_URL).toString(), {
      secret_token: config.TELEGRAM_WEBHOOK_SECRET!,
    });
  }
  if (vk && config.VK_MODE === 'polling') await vk.updates.startPolling();
  worker.start();
  requestJobs.define();
  systemJobs.define();
  await scheduler.start();
  await systemJobs.schedule();
  logger.info(
    {
      telegram: telegramBot ? `${config.TELEGRAM_MODE} @${telegramBot.botInfo.username}` : 'off',
      vk: vk ? `${config.VK_MODE} club${config.VK_GROUP_ID}` : 'off',
      http: httpUrl,
      metrics: metricsUrl ? `${metricsUrl}/metrics` : 'off',
      districts: config.DISTRICTS.length,
    },
    'started',
  );

  return {
    httpUrl,
    ...(metricsUrl ? { metricsUrl } : {}),
    ...(telegramBot ? { handleTelegramUpdate: (update: Update) => telegramBot.handleUpdate(update) } : {}),
    async stop() {
      // Stop taking updates first, let the ones in hand finish, then close what they use.
      await runner?.stop();
      if (vk?.updates.isStarted) await vk.updates.stop();
      await http.close();
      await metricsHttp?.close();
      await Promise.all([telegram?.drained(), vkBot?.drained()]);
      await scheduler.stop();
      await worker.stop();
      await db.close();
      await embedded?.stop();
    },
  };
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

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, await terminalDestination());
  const system = await startSystem(config, { logger });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    system.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('Start-up failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
