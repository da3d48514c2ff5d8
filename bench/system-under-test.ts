import type { Update, UserFromGetMe } from 'grammy/types';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startSystem, type RunningSystem } from '../src/main.js';
import { BOT_TOKEN, COORDINATOR_ID, DISTRICTS } from '../test/support/harness.js';
import { createInstantApi, type InstantApi } from './instant-api.js';

export const BOT_INFO: UserFromGetMe = {
  id: 123456,
  is_bot: true,
  first_name: 'Bench bot',
  username: 'bench_help_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

/** The real system, composed by startSystem as production composes it, fed updates in process. */
export interface SystemUnderTest {
  api: InstantApi;
  handleUpdate(update: Update): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the whole system on the bench database. Webhook mode, so nothing polls: updates come from
 * handleUpdate only. Every Bot API call (the bot's and the outbox's) is answered in process.
 */
export async function startSystemUnderTest(options: { mongodbUri: string; env?: Record<string, string> }): Promise<SystemUnderTest> {
  const api = createInstantApi(BOT_INFO);
  const config = loadConfig({
    BOT_TOKEN,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_URL: 'https://bench.invalid',
    TELEGRAM_WEBHOOK_SECRET: 'bench-secret-0123456789',
    MONGODB_URI: options.mongodbUri,
    COORDINATOR_TELEGRAM_IDS: String(COORDINATOR_ID),
    DISTRICTS: DISTRICTS.join(','),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    // The refused-answers section sends one chat 150 messages in a row: flood control would silence
    // it after 20 and the bench would time silence. Flood control has its own end-to-end tests.
    FLOOD_MESSAGES: '10000',
    ...options.env,
  });
  const system: RunningSystem = await startSystem(config, { logger: createLogger(config.LOG_LEVEL), botInfo: BOT_INFO, telegramFetch: api.fetch });
  const handle = system.handleTelegramUpdate;
  if (!handle) throw new Error('the system started without its Telegram bot');
  return { api, handleUpdate: handle, stop: () => system.stop() };
}
