import { run, type RunnerHandle } from '@grammyjs/runner';
import type { UserFromGetMe } from 'grammy/types';
import { pathToFileURL } from 'node:url';
import { createTelegramBot, installTelegramHandlers } from '../bots/telegram/bot.js';
import { createTelegramMessenger } from '../bots/telegram/messenger.js';
import { createTelegramWebhookHandler, TELEGRAM_WEBHOOK_PATH } from '../bots/telegram/webhook.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase } from './db/database.js';
import { startEmbeddedMongo, type EmbeddedMongo } from './db/embedded-server.js';
import { createHttpApp } from './http/app.js';
import { createLogger, type Logger } from './logger.js';
import { loadCatalogs } from './messages/load-catalogs.js';
import { renderText } from './messages/render.js';
import { createRequestTexts } from './messages/request-texts.js';
import type { PersonRef } from './domain/request.js';
import { createIntake } from './services/intake.js';
import { loadScenarioFile } from './scenario/load.js';
import { createDistrictBinding } from './services/bind-district.js';
import { createClaimRequest } from './services/claim-request.js';
import { createIsCoordinator } from './services/coordinators.js';
import { createDispatchRequest } from './services/dispatch-request.js';
import { createRequesterQueries } from './services/requester-queries.js';
import { createSubmitRequest } from './services/submit-request.js';

/** A running system, as main starts it and as the end-to-end tests start it. */
export interface RunningSystem {
  /** The address the HTTP server listens on. */
  httpUrl: string;
  stop(): Promise<void>;
}

/**
 * The one composition root: config → logger → database → services → bots → HTTP. Everything is
 * passed down explicitly; nothing below reads the environment.
 */
export async function startSystem(config: Config, options: { logger: Logger; botInfo?: UserFromGetMe }): Promise<RunningSystem> {
  const { logger } = options;
  const catalogs = loadCatalogs(config.LOCALES_DIR);
  const catalog = catalogs[config.LOCALE];
  const scenario = loadScenarioFile(config.SCENARIO_FILE, [catalogs.ru, catalogs.en]);

  let embedded: EmbeddedMongo | undefined;
  if (!config.MONGODB_URI) {
    embedded = await startEmbeddedMongo({ port: config.EMBEDDED_MONGO_PORT });
    logger.warn(
      { uri: embedded.uri },
      '*** MONGODB_URI is not set: using the EMBEDDED in-memory database, for development only. Data is LOST when the process stops. ***',
    );
  }
  const db = await connectDatabase(config.MONGODB_URI ?? embedded!.uri);
  const { requests, districtChats, conversations } = db.repositories;
  const now = () => new Date();

  const texts = createRequestTexts(catalog, config.TIME_ZONE, scenario);
  const bot = createTelegramBot({ token: config.BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, ...(options.botInfo ? { botInfo: options.botInfo } : {}) });
  const messengers = { telegram: createTelegramMessenger(bot.api, texts, catalog) };
  const headquartersChat = config.HQ_TELEGRAM_CHAT_ID ? { platform: 'telegram' as const, chatId: config.HQ_TELEGRAM_CHAT_ID } : null;
  if (!headquartersChat) logger.warn('HQ_TELEGRAM_CHAT_ID is not set: requests of districts without a volunteer chat will not be posted anywhere');

  const dispatch = createDispatchRequest({ requests, districtChats, messengers, headquartersChat, logger, now });
  const requesterQueries = createRequesterQueries({ requests });
  const myRequestsText = async (person: PersonRef) => texts.myRequests(await requesterQueries.listMine(person));
  const intake = createIntake({
    scenario,
    engine: { lists: { districts: config.DISTRICTS }, render: (text) => renderText(catalog, text) },
    submitRequest: createSubmitRequest({ requests, dispatch, logger, now }),
    myRequestsText,
    logger,
  });
  const telegram = installTelegramHandlers(bot, {
    catalog,
    scenario,
    districts: config.DISTRICTS,
    intake,
    claimRequest: createClaimRequest({ requests, districtChats, headquartersChat, messengers, texts, logger, now }),
    binding: createDistrictBinding({
      districtChats,
      districts: config.DISTRICTS,
      isCoordinator: createIsCoordinator({ telegram: config.COORDINATOR_TELEGRAM_IDS, vk: [] }),
      logger,
      now,
    }),
    myRequestsText,
    conversationStore: conversations,
    logger,
  });
  // grammY retries network failures here until Telegram answers (a wrong token fails at once), so
  // say what is being waited for: a silent start-up looks like a hang.
  logger.info({ apiRoot: config.TELEGRAM_API_ROOT }, 'connecting to the Telegram Bot API');
  await bot.init();

  const http = createHttpApp({
    logger,
    isReady: db.isReady,
    webhooks:
      config.TELEGRAM_MODE === 'webhook'
        ? [{ path: TELEGRAM_WEBHOOK_PATH, handler: createTelegramWebhookHandler(bot, config.TELEGRAM_WEBHOOK_SECRET!) }]
        : [],
  });
  const httpUrl = await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });

  let runner: RunnerHandle | undefined;
  if (config.TELEGRAM_MODE === 'polling') {
    await bot.api.deleteWebhook();
    runner = run(bot);
  } else {
    await bot.api.setWebhook(new URL(TELEGRAM_WEBHOOK_PATH, config.TELEGRAM_WEBHOOK_URL).toString(), {
      secret_token: config.TELEGRAM_WEBHOOK_SECRET!,
    });
  }
  logger.info({ mode: config.TELEGRAM_MODE, bot: bot.botInfo.username, http: httpUrl, districts: config.DISTRICTS.length }, 'started');

  return {
    httpUrl,
    async stop() {
      // Stop taking updates first, let the ones in hand finish, then close what they use.
      await runner?.stop();
      await http.close();
      await telegram.drained();
      await db.close();
      await embedded?.stop();
    },
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
  const logger = createLogger(config.LOG_LEVEL);
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
