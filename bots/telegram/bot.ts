import { createHash } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation, type ConversationData, type VersionedState } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from '../../src/logger.js';
import type { Catalog } from '../../src/messages/catalog.js';
import type { Scenario } from '../../src/scenario/schema.js';
import type { DistrictBinding } from '../../src/services/bind-district.js';
import type { ClaimRequest } from '../../src/services/claim-request.js';
import { describeError, isDatabaseUnavailable } from '../../src/services/describe-error.js';
import type { KeyValueStore } from '../../src/services/ports.js';
import type { Intake } from '../../src/services/intake.js';
import type { PersonRef } from '../../src/domain/request.js';
import type { BotContext } from './context.js';
import { createCoordinatorHandlers } from './coordinator-handlers.js';
import { createTelegramConsoleCommand } from './console-command.js';
import type { ConsoleLinkIssuer } from '../../src/services/console-access.js';
import { createTelegramCoordinatorCommands, type TelegramCoordinatorDeps } from './coordinator-commands.js';
import { createInFlightTracker } from '../../src/in-flight.js';
import type { UpdateLog } from '../../src/services/update-log.js';
import { createTelegramDedup } from './dedup.js';
import type { FloodGuard } from '../../src/services/flood-guard.js';
import { createIntakeConversation, INTAKE_CONVERSATION } from './intake-conversation.js';
import { createRequesterHandlers } from './requester-handlers.js';
import { createForgetHandlers } from './forget-handlers.js';
import type { Erasure } from '../../src/services/erasure.js';
import { createTaskHandlers } from './task-handlers.js';
import type { RequestTexts } from '../../src/messages/request-texts.js';
import type { VolunteerDesk } from '../../src/services/volunteer-desk.js';
import type { Feedback } from '../../src/services/feedback.js';
import { createVolunteerHandlers } from './volunteer-handlers.js';

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

export interface TelegramHandlerDeps {
  catalog: Catalog;
  scenario: Scenario;
  districts: readonly string[];
  intake: Intake;
  claimRequest: ClaimRequest;
  binding: DistrictBinding;
  /** The text of /my for a person. */
  myRequestsText: (person: PersonRef) => Promise<string>;
  /** Volunteers' and requesters' actions on their requests. */
  desk: VolunteerDesk;
  /** Requesters' ratings of done requests. */
  feedback: Feedback;
  texts: RequestTexts;
  conversationStore: KeyValueStore<unknown>;
  /** Updates handled already, so a redelivered one is dropped. */
  updateLog: UpdateLog;
  /** Per-chat flood control of private chats. */
  floodGuard: FloodGuard;
  /** Coordinators' commands and the people registry. */
  coordinatorCommands: TelegramCoordinatorDeps;
  /** One-time sign-in links to the web console (/console); without it the command is not there. */
  consoleLink?: ConsoleLinkIssuer;
  /** A requester's /forget. */
  erasure: Pick<Erasure, 'forgetRequester'>;
  logger: Logger;
}

/**
 * Installs the middleware: logging, per-chat ordering, the intake conversation and the commands.
 * Returns `drained`, which resolves when no update is in hand (for a graceful shutdown).
 */
export function installTelegramHandlers(bot: Bot<BotContext>, deps: TelegramHandlerDeps): { drained: () => Promise<void> } {
  const { catalog } = deps;
  const inFlight = createInFlightTracker();
  const myRequestsText = (userId: string) => deps.myRequestsText({ platform: 'telegram', userId });

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
    if (verdict === 'ignore') return;
    const text = catalog.t('bot.errors.slowDown');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
    else await ctx.reply(text);
  });
  bot.use(createTelegramDedup(deps.updateLog, deps.logger));
  // One update at a time per private chat, so a conversation's state is never written by two
  // updates at once. Group updates are not held back: fifty Claim presses run side by side and the
  // database decides the winner.
  bot.use(sequentialize((ctx) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined)));
  // Before the questionnaire: a coordinator's command is answered even in the middle of one.
  bot.use(createTelegramCoordinatorCommands(deps.coordinatorCommands));
  if (deps.consoleLink) bot.use(createTelegramConsoleCommand({ catalog, issueLink: deps.consoleLink }));
  // Before the questionnaire too: "forget me" is answered wherever the person is, and its state goes.
  bot.use(createForgetHandlers({ catalog, erasure: deps.erasure }));
  bot.use(
    conversations<BotContext, BotContext>({
      storage: {
        type: 'key',
        prefix: 'telegram:',
        // A changed scenario cannot replay an old conversation's log; such conversations start over.
        version: scenarioVersion(deps.scenario),
        adapter: deps.conversationStore as KeyValueStore<VersionedState<ConversationData>>,
      },
    }),
  );
  bot.use(createConversation(createIntakeConversation({ intake: deps.intake, catalog }), INTAKE_CONVERSATION));
  bot.use(createVolunteerHandlers({ catalog, claimRequest: deps.claimRequest, botUsername: () => bot.botInfo.username }));
  bot.use(createCoordinatorHandlers({ catalog, binding: deps.binding, districts: deps.districts }));
  bot.use(createTaskHandlers({ catalog, texts: deps.texts, desk: deps.desk, feedback: deps.feedback }));
  bot.use(createRequesterHandlers({ catalog, myRequestsText, withdrawable: (userId) => deps.desk.withdrawable({ platform: 'telegram', userId }) }));
  // /start or /id in a group tells its id, which the HQ chat setting needs.
  bot.chatType(['group', 'supergroup']).command(['start', 'id'], (ctx) => ctx.reply(catalog.t('bot.start.groupHint', { chatId: ctx.chat.id })));

  // A button of a conversation that has ended, or of a message the bot no longer knows: stop the
  // spinner and say so rather than leave the person waiting.
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: catalog.t('bot.intake.stale') }));

  bot.catch(async ({ ctx, error }) => {
    ctx.log?.error({ err: describeError(error) }, 'update failed');
    const text = catalog.t(isDatabaseUnavailable(error) ? 'bot.errors.databaseDown' : 'bot.errors.generic');
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
      else if (ctx.chat) await ctx.reply(text);
    } catch {
      // Telegram itself is unreachable; the error is already logged.
    }
  });
  return { drained: inFlight.drained };
}

function scenarioVersion(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex').slice(0, 12);
}
