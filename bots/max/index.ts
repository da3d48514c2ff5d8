import type { Update } from '@maxhub/max-bot-api/types';
import { DEFAULT_RETRY_POLICY, type Reach } from '../../src/connect-retry.js';
import type { PlatformConnection, PlatformCore, PlatformModule } from '../../src/platform-module.js';
import { createConsoleChat } from '../../src/services/console/console-chat.js';
import { catchHandlerErrors, installMaxHandlers } from './bot.js';
import { createMaxBot, handOver } from './client.js';
import { maxConfigProblems, maxConfigShape } from './config.js';
import { createMaxMessenger } from './messenger.js';
import { MAX_CONSOLE_LIMITS } from './payload.js';
import { callMaxAtStartup } from './reach-api.js';
import { CAPABILITIES } from './render.js';
import { createMaxWebhookHandler, MAX_WEBHOOK_PATH } from './webhook.js';

/** The updates the bot reads; MAX sends only these. */
const UPDATE_TYPES = ['message_created', 'message_callback', 'bot_started', 'bot_removed'] as const;

/** The MAX bot (@maxhub/max-bot-api): long polling or a webhook. */
export const maxPlatform: PlatformModule<typeof maxConfigShape> = {
  id: 'max',
  configShape: maxConfigShape,
  enabledBy: 'MAX_TOKEN',
  label: 'MAX',
  configProblems: maxConfigProblems,
  // MAX allows a bot 30 requests a second and names no limit per chat: Telegram's pacing (a message
  // a second to a person, one every 3 s in a group) keeps a burst of posts from reading as spam.
  sendingLimits: { groupIntervalMs: 3000, privateIntervalMs: 1000, perSecond: 30 },
  coordinatorIds: (config) => config.COORDINATOR_MAX_IDS,
  operatorIds: (config) => config.OPERATOR_MAX_IDS,
  connect(config, context) {
    if (!config.MAX_TOKEN) return undefined;
    const { logger } = context;
    const bot = createMaxBot({ token: config.MAX_TOKEN, baseUrl: config.MAX_API_BASE_URL, perSecond: config.MAX_API_RATE_LIMIT });
    catchHandlerErrors(bot, logger);
    const reach: Reach = { endpoint: config.MAX_API_BASE_URL, policy: { ...DEFAULT_RETRY_POLICY, ...context.connectRetry }, logger };
    const hq = config.HQ_MAX_CHAT_ID ? { hqChatId: config.HQ_MAX_CHAT_ID } : {};
    const known = () => bot.botInfo !== undefined;
    const botLink = () => `max.ru/${bot.botInfo?.username ?? ''}`;
    let handlers: { drained: () => Promise<void> } | undefined;
    let takingUpdates = false;

    const connection: PlatformConnection = {
      messenger: createMaxMessenger(bot.api, context.texts, context.catalog),
      ...(hq.hqChatId ? { headquartersChat: hq.hqChatId } : {}),
      install(core: PlatformCore) {
        // Updates are counted and timed before anything else sees them.
        bot.use((_ctx, next) => core.timeUpdate(next));
        const consoleChat = createConsoleChat(core, { platform: 'max', limits: MAX_CONSOLE_LIMITS, canSendDocuments: false, ...hq });
        handlers = installMaxHandlers(bot, { ...core, chat: core.privateChat(CAPABILITIES), consoleChat, botLink });
      },
      webhooks: () =>
        config.MAX_MODE === 'webhook' ? [{ path: MAX_WEBHOOK_PATH, handler: createMaxWebhookHandler(bot, config.MAX_WEBHOOK_SECRET!, known) }] : [],
      async prepare(stop) {
        logger.info({ apiBaseUrl: config.MAX_API_BASE_URL }, 'connecting to the MAX Bot API');
        bot.botInfo = await callMaxAtStartup(() => bot.api.getMyInfo(), stop, reach);
      },
      async start(stop) {
        // Updates go either to a subscription or to polling: each mode first removes what the other left.
        const subscriptions = await callMaxAtStartup(() => bot.api.getSubscriptions(), stop, reach);
        const url = config.MAX_MODE === 'webhook' ? new URL(MAX_WEBHOOK_PATH, config.MAX_WEBHOOK_URL).toString() : undefined;
        for (const old of subscriptions ?? []) if (old.url !== url) await callMaxAtStartup(() => bot.api.unsubscribe(old.url), stop, reach);
        if (url) await callMaxAtStartup(() => bot.api.subscribe(url, config.MAX_WEBHOOK_SECRET!, [...UPDATE_TYPES]), stop, reach);
        // The client's loop runs until stopPolling; it waits out a failing API itself.
        else void bot.startPolling({ allowedUpdates: [...UPDATE_TYPES] });
        takingUpdates = true;
      },
      async stop() {
        takingUpdates = false;
        if (config.MAX_MODE === 'polling') bot.stopPolling();
      },
      ready: () => takingUpdates,
      drained: async () => handlers?.drained(),
      describe: () => `${config.MAX_MODE} @${bot.botInfo?.username ?? '?'}`,
      handleUpdate: (update) => handOver(bot, update as Update),
    };
    return connection;
  },
};
