import { run, type RunnerHandle } from '@grammyjs/runner';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { Api, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { DEFAULT_RETRY_POLICY, type Reach } from '../../src/connect-retry.js';
import type { PlatformConnection, PlatformCore, PlatformModule } from '../../src/platform-module.js';
import { createConsoleChat } from '../../src/services/console/console-chat.js';
import { createTelegramBot, installTelegramHandlers } from './bot.js';
import type { BotContext } from './context.js';
import { telegramConfigProblems, telegramConfigShape, type TelegramConfig } from './config.js';
import { TELEGRAM_CONSOLE_LIMITS } from './callback-data.js';
import { createTelegramCommandMenus, type TelegramCommandMenus } from './command-menus.js';
import { createTelegramMessenger } from './messenger.js';
import { callTelegramAtStartup } from './reach-api.js';
import { CAPABILITIES } from './render.js';
import { createTelegramWebhookHandler, TELEGRAM_WEBHOOK_PATH } from './webhook.js';

/** The Telegram bot (grammY): long polling or a webhook, per-person command menus. */
export const telegramPlatform: PlatformModule<typeof telegramConfigShape> = {
  id: 'telegram',
  configShape: telegramConfigShape,
  enabledBy: 'BOT_TOKEN',
  label: 'Telegram',
  configProblems: telegramConfigProblems,
  // 20 messages a minute per group, 1 a second per person, about 30 a second in all.
  sendingLimits: { groupIntervalMs: 3000, privateIntervalMs: 1000, perSecond: 30 },
  coordinatorIds: (config) => config.COORDINATOR_TELEGRAM_IDS,
  operatorIds: (config) => config.OPERATOR_TELEGRAM_IDS,
  connect(config, context) {
    if (!config.BOT_TOKEN) return undefined;
    const { logger } = context;
    const fetch = context.telegramFetch ? { fetch: context.telegramFetch } : {};
    const bot = createTelegramBot({
      token: config.BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      ...(context.botInfo ? { botInfo: context.botInfo } : {}),
      ...fetch,
    });
    // An API client without the auto-retry of the bot's: the outbox paces and retries itself, and
    // start-up's calls say what they wait for instead of retrying in silence.
    const plainApi = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT, ...fetch });
    const messenger = createTelegramMessenger(plainApi, context.texts, context.catalog);
    const reach: Reach = { endpoint: config.TELEGRAM_API_ROOT, policy: { ...DEFAULT_RETRY_POLICY, ...context.connectRetry }, logger };
    let menus: TelegramCommandMenus | undefined;
    let handlers: { drained: () => Promise<void> } | undefined;
    let runner: RunnerHandle | undefined;
    let takingUpdates = false;
    const hq = config.HQ_TELEGRAM_CHAT_ID ? { hqChatId: config.HQ_TELEGRAM_CHAT_ID } : {};

    const connection: PlatformConnection = {
      messenger,
      ...(config.HQ_TELEGRAM_CHAT_ID ? { headquartersChat: config.HQ_TELEGRAM_CHAT_ID } : {}),
      install(core: PlatformCore) {
        menus = createTelegramCommandMenus(bot.api, {
          texts: core.coordinatorTexts,
          configuredIds: config.COORDINATOR_TELEGRAM_IDS,
          roles: core.roles,
          ...hq,
          logger,
        });
        // Updates are counted and timed before anything else sees them.
        bot.use((_ctx, next) => core.timeUpdate(next));
        const consoleChat = createConsoleChat(core, { platform: 'telegram', limits: TELEGRAM_CONSOLE_LIMITS, canSendDocuments: true, ...hq });
        handlers = installTelegramHandlers(bot, { ...core, chat: core.privateChat(CAPABILITIES), consoleChat });
      },
      webhooks: () =>
        config.TELEGRAM_MODE === 'webhook'
          ? [{ path: TELEGRAM_WEBHOOK_PATH, handler: untilInitialised(bot, createTelegramWebhookHandler(bot, config.TELEGRAM_WEBHOOK_SECRET!)) }]
          : [],
      async prepare(stop) {
        logger.info({ apiRoot: config.TELEGRAM_API_ROOT }, 'connecting to the Telegram Bot API');
        // getMe through the plain client, not bot.init(): grammY's own retries are silent and endless.
        if (!bot.isInited()) bot.botInfo = await callTelegramAtStartup((signal) => plainApi.getMe(signal), stop, reach);
        // Each person sees the commands they may use; a failure is logged and does not stop the bot.
        await menus?.registerAll();
      },
      async start(stop) {
        if (config.TELEGRAM_MODE === 'polling') {
          await callTelegramAtStartup((signal) => plainApi.deleteWebhook(undefined, signal), stop, reach);
          runner = run(bot);
        } else {
          const url = new URL(TELEGRAM_WEBHOOK_PATH, config.TELEGRAM_WEBHOOK_URL).toString();
          await callTelegramAtStartup((signal) => plainApi.setWebhook(url, { secret_token: config.TELEGRAM_WEBHOOK_SECRET! }, signal), stop, reach);
        }
        takingUpdates = true;
      },
      stop: async () => {
        takingUpdates = false;
        await runner?.stop();
      },
      ready: () => takingUpdates,
      drained: async () => handlers?.drained(),
      roleChanged: async (userId, coordinator) => menus?.update(userId, coordinator),
      describe: () => `${config.TELEGRAM_MODE} @${bot.botInfo.username}`,
      handleUpdate: (update) => bot.handleUpdate(update as Update),
    };
    return connection;
  },
};

/**
 * The webhook route listens before the bot knows itself (HTTP comes up first): until then an update
 * is answered 503, which Telegram sends again later.
 */
function untilInitialised(bot: Bot<BotContext>, handler: RouteHandlerMethod): RouteHandlerMethod {
  return function (this: FastifyInstance, request, reply) {
    if (!bot.isInited()) return reply.code(503).send({ ok: false, description: 'starting' });
    return handler.call(this, request, reply);
  };
}

export type { TelegramConfig };
