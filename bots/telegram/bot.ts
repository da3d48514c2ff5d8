import { createHash } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation, type ConversationData, type VersionedState } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Scenario } from '../../src/scenario/schema.js';
import { describeError } from '../../src/services/describe-error.js';
import type { KeyValueStore } from '../../src/services/ports.js';
import type { BotContext } from './context.js';
import { createTelegramConsoleHandlers } from './coordinator-commands.js';
import { createInFlightTracker } from '../../src/in-flight.js';
import { createTelegramDedup } from './dedup.js';
import { createIntakeConversation, INTAKE_CONVERSATION } from './intake-conversation.js';
import type { PlatformCore } from '../../src/platform-module.js';
import type { ConsoleChat } from '../../src/services/console/console-chat.js';
import type { PrivateChat } from '../../src/services/private-chat/dialogue.js';
import { alertReply, failureText } from '../../src/services/private-chat/notices.js';
import { createGroupChatHandlers } from './group-chat.js';
import { createPrivateChatHandler, isForget } from './private-chat.js';
import { sendReply } from './render.js';

export interface TelegramConnection {
  token: string;
  /** The Bot API address; a self-hosted Bot API server or a test emulator. */
  apiRoot: string;
  /** Known bot identity, to skip getMe (tests); otherwise fetched at start. */
  botInfo?: UserFromGetMe;
  /** Replaces the HTTP client (the benchmark answers in process); the conversations plugin's clients get it too. */
  fetch?: ApiClientOptions['fetch'];
}

/** Creates the grammY bot with its API client; handlers are installed separately (they need services that need its API). */
export function createTelegramBot(connection: TelegramConnection): Bot<BotContext> {
  const bot = new Bot<BotContext>(connection.token, {
    client: { apiRoot: connection.apiRoot, ...(connection.fetch ? { fetch: connection.fetch } : {}) },
    ...(connection.botInfo ? { botInfo: connection.botInfo } : {}),
  });
  // 429 and 5xx answers are retried after the time Telegram asks for, instead of failing the update.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  return bot;
}

/** The core's services, with the private chat worded for Telegram and the console shaped for it. */
export type TelegramHandlerDeps = PlatformCore & { chat: PrivateChat; consoleChat: ConsoleChat };

/**
 * Installs the middleware: logging, per-chat ordering, the intake conversation and the commands.
 * Returns `drained`, which resolves when no update is in hand (for a graceful shutdown).
 */
export function installTelegramHandlers(bot: Bot<BotContext>, deps: TelegramHandlerDeps): { drained: () => Promise<void> } {
  const { catalog, chat } = deps;
  const inFlight = createInFlightTracker();

  bot.use(inFlight.middleware);
  bot.use((ctx, next) => {
    ctx.log = deps.logger.child({ platform: 'telegram', update_id: ctx.update.update_id });
    return next();
  });
  // A flood of one private chat is dropped before anything reads or writes for it.
  bot.use(async (ctx, next) => {
    if (ctx.chat?.type !== 'private') return next();
    const verdict = deps.floodGuard.check(`telegram:${ctx.chat.id}`);
    if (verdict === 'pass') return next();
    if (verdict === 'warn') await sendReply(ctx, alertReply(catalog.t('bot.errors.slowDown')), catalog);
  });
  bot.use(createTelegramDedup(deps.updateLog, deps.logger));
  // One update at a time per private chat, so a conversation's state is never written by two
  // updates at once. Group updates are not held back: fifty Claim presses run side by side and the
  // database decides the winner.
  bot.use(sequentialize((ctx) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined)));
  // Before the questionnaire: a coordinator's command is answered even in the middle of one.
  bot.use(createTelegramConsoleHandlers({ consoleChat: deps.consoleChat, catalog }));
  // Before the questionnaire too: "forget me" is answered wherever the person is, and its state goes.
  bot.use(createPrivateChatHandler({ chat, catalog, only: isForget }));
  // Group chats have no questionnaire: their presses are answered before the conversations plugin,
  // which would read a stored conversation for every update of the chat (one more round trip for
  // each of fifty presses at once).
  bot.use(
    createGroupChatHandlers({
      catalog,
      claimRequest: deps.claimRequest,
      groupChat: deps.groupChat,
      chatBindings: deps.chatBindings,
      botUsername: () => bot.botInfo.username,
    }),
  );
  bot.use(
    conversations<BotContext, BotContext>({
      storage: {
        type: 'key',
        prefix: 'telegram:',
        // A changed scenario cannot replay an old conversation's log; such conversations start over.
        version: scenarioVersion(deps.scenario),
        adapter: deps.conversations as KeyValueStore<VersionedState<ConversationData>>,
      },
    }),
  );
  bot.use(createConversation(createIntakeConversation({ intake: deps.intake, catalog }), INTAKE_CONVERSATION));
  bot.use(createPrivateChatHandler({ chat, catalog }));

  // A button of a conversation that has ended, or of a message the bot no longer knows: stop the
  // spinner and say so rather than leave the person waiting.
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: catalog.t('bot.intake.staleButton') }));

  bot.catch(async ({ ctx, error }) => {
    ctx.log?.error({ err: describeError(error) }, 'update failed');
    try {
      if (ctx.callbackQuery || ctx.chat) await sendReply(ctx, alertReply(failureText(catalog, error)), catalog);
    } catch {
      // Telegram itself is unreachable; the error is already logged.
    }
  });
  return { drained: inFlight.drained };
}

function scenarioVersion(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex').slice(0, 12);
}
