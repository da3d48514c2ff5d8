import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { PlatformConnection, PlatformCore, PlatformModule } from '../../src/platform-module.js';
import { createConsoleChat } from '../../src/services/console/console-chat.js';
import { createTelegramBot, installTelegramHandlers } from './bot.js';
import { telegramConfigProblems, telegramConfigShape, type TelegramConfig } from './config.js';
import { TELEGRAM_CONSOLE_LIMITS } from './callback-data.js';
import { createTelegramCommandMenus, type TelegramCommandMenus } from './command-menus.js';
import { createTelegramMessenger } from './messenger.js';
import { CAPABILITIES } from './render.js';
import { createTelegramWebhookHandler, TELEGRAM_WEBHOOK_PATH } from './webhook.js';

/** A reply keyboard shares the person's number and a contact card calls with one tap; every chat opens with /start. */

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
    // Its own API client, without the auto-retry of the bot's: the outbox paces and retries itself.
    const messenger = createTelegramMessenger(new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT, ...fetch }), context.texts, context.catalog);
    let menus: TelegramCommandMenus | undefined;
    let handlers: { drained: () => Promise<void> } | undefined;
    let runner: RunnerHandle | undefined;
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
          ? [{ path: TELEGRAM_WEBHOOK_PATH, handler: createTelegramWebhookHandler(bot, config.TELEGRAM_WEBHOOK_SECRET!) }]
          : [],
      async prepare() {
        // grammY retries network failures here until Telegram answers (a wrong token fails at once), so
        // say what is being waited for: a silent start-up looks like a hang.
        logger.info({ apiRoot: config.TELEGRAM_API_ROOT }, 'connecting to the Telegram Bot API');
        await bot.init();
        // Each person sees the commands they may use; a failure is logged and does not stop the bot.
        await menus?.registerAll();
      },
      async start() {
        if (config.TELEGRAM_MODE === 'polling') {
          await bot.api.deleteWebhook();
          runner = run(bot);
        } else {
          await bot.api.setWebhook(new URL(TELEGRAM_WEBHOOK_PATH, config.TELEGRAM_WEBHOOK_URL).toString(), { secret_token: config.TELEGRAM_WEBHOOK_SECRET! });
        }
      },
      stop: async () => {
        await runner?.stop();
      },
      drained: async () => handlers?.drained(),
      roleChanged: async (userId, coordinator) => menus?.update(userId, coordinator),
      describe: () => `${config.TELEGRAM_MODE} @${bot.botInfo.username}`,
      handleUpdate: (update) => bot.handleUpdate(update as Update),
    };
    return connection;
  },
};

export type { TelegramConfig };
