import { DEFAULT_RETRY_POLICY, type Reach } from '../../src/connect-retry.js';
import type { PlatformConnection, PlatformCore, PlatformModule } from '../../src/platform-module.js';
import { createConsoleChat } from '../../src/services/console/console-chat.js';
import { createVkClient, installVkHandlers } from './bot.js';
import { createVkCallbackHandler, VK_CALLBACK_PATH } from './callback-route.js';
import { vkConfigProblems, vkConfigShape } from './config.js';
import { createVkMessenger } from './messenger.js';
import { VK_CONSOLE_LIMITS } from './payload.js';
import { callVkAtStartup } from './reach-api.js';
import { CAPABILITIES } from './render.js';

/** The VK community bot (vk-io): Bots Long Poll or the Callback API. */
export const vkPlatform: PlatformModule<typeof vkConfigShape> = {
  id: 'vk',
  configShape: vkConfigShape,
  enabledBy: 'VK_TOKEN',
  label: 'VK',
  configProblems: vkConfigProblems,
  // One message a second per chat; a community token is allowed 20 requests a second.
  sendingLimits: { groupIntervalMs: 1000, privateIntervalMs: 1000, perSecond: 20 },
  coordinatorIds: (config) => config.COORDINATOR_VK_IDS,
  operatorIds: (config) => config.OPERATOR_VK_IDS,
  connect(config, context) {
    if (!config.VK_TOKEN) return undefined;
    const groupId = config.VK_GROUP_ID!;
    const vk = createVkClient({ token: config.VK_TOKEN, groupId, apiBaseUrl: config.VK_API_BASE_URL, apiLimit: config.VK_API_RATE_LIMIT });
    let handlers: { drained: () => Promise<void> } | undefined;
    let takingUpdates = false;
    const reach: Reach = { endpoint: config.VK_API_BASE_URL, policy: { ...DEFAULT_RETRY_POLICY, ...context.connectRetry }, logger: context.logger };
    const hq = config.HQ_VK_PEER_ID ? { hqChatId: String(config.HQ_VK_PEER_ID) } : {};
    const connection: PlatformConnection = {
      messenger: createVkMessenger(vk.api, context.texts, context.catalog),
      ...(hq.hqChatId ? { headquartersChat: hq.hqChatId } : {}),
      install(core: PlatformCore) {
        // Updates are counted and timed before anything else sees them.
        vk.updates.use((_ctx, next) => core.timeUpdate(next));
        const consoleChat = createConsoleChat(core, { platform: 'vk', limits: VK_CONSOLE_LIMITS, canSendDocuments: false, ...hq });
        handlers = installVkHandlers(vk, { ...core, chat: core.privateChat(CAPABILITIES), consoleChat, groupId });
      },
      webhooks: () =>
        config.VK_MODE === 'callback'
          ? [
              {
                path: VK_CALLBACK_PATH,
                handler: createVkCallbackHandler(vk, { groupId, secret: config.VK_CALLBACK_SECRET!, confirmation: config.VK_CALLBACK_CONFIRMATION! }),
              },
            ]
          : [],
      async prepare(stop) {
        context.logger.info({ apiBaseUrl: config.VK_API_BASE_URL }, 'connecting to the VK API');
        // The community asked for by id: the token and the address are checked before anything starts.
        await callVkAtStartup(() => vk.api.groups.getById({ group_id: groupId }), stop, reach);
      },
      async start(stop) {
        if (config.VK_MODE === 'polling') await callVkAtStartup(() => vk.updates.startPolling(), stop, reach);
        takingUpdates = true;
      },
      async stop() {
        takingUpdates = false;
        if (vk.updates.isStarted) await vk.updates.stop();
      },
      ready: () => takingUpdates,
      drained: async () => handlers?.drained(),
      describe: () => `${config.VK_MODE} club${groupId}`,
    };
    return connection;
  },
};
