import { conversations, createConversation, type ConversationData, type ConversationBuilder, type VersionedState } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, InlineKeyboard, type ApiClientOptions, type Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { BotContext } from '../bots/telegram/context.js';
import { createTelegramDedup } from '../bots/telegram/dedup.js';
import { encodeCallback } from '../bots/telegram/callback-data.js';
import { createLogger } from '../src/logger.js';
import type { KeyValueStore } from '../src/services/ports.js';
import type { UpdateLog } from '../src/services/update-log.js';
import type { Catalog } from '../src/scenario/text.js';

/**
 * A plain grammY bot around one questionnaire conversation: a logger per update, the duplicate
 * check and per-chat ordering as the real bot has them, the conversations plugin on the MongoDB
 * store, and the greeting whose button enters the conversation. Two of these, one running the
 * scenario engine's conversation and one the hand-written, differ in nothing but the conversation.
 */
export function createBotShell(deps: {
  token: string;
  botInfo: UserFromGetMe;
  fetch: NonNullable<ApiClientOptions['fetch']>;
  catalog: Catalog;
  conversationStore: KeyValueStore<unknown>;
  updateLog: UpdateLog;
  /** Keeps the two shells' conversations apart in the one store. */
  storagePrefix: string;
  conversation: ConversationBuilder<BotContext, Context>;
}): { handleUpdate(update: Update): Promise<void> } {
  const { catalog } = deps;
  const logger = createLogger('silent');
  const bot = new Bot<BotContext>(deps.token, { botInfo: deps.botInfo, client: { fetch: deps.fetch } });
  bot.use((ctx, next) => {
    ctx.log = logger.child({ platform: 'telegram', update_id: ctx.update.update_id });
    return next();
  });
  bot.use(createTelegramDedup(deps.updateLog, logger));
  bot.use(sequentialize((ctx) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined)));
  bot.use(
    conversations<BotContext, Context>({
      storage: { type: 'key', prefix: deps.storagePrefix, version: 1, adapter: deps.conversationStore as KeyValueStore<VersionedState<ConversationData>> },
    }),
  );
  bot.use(createConversation(deps.conversation, 'intake'));
  const privateChat = bot.chatType('private');
  privateChat.command('start', (ctx) =>
    ctx.reply(catalog.t('bot.start.greeting'), {
      reply_markup: new InlineKeyboard()
        .text(catalog.t('bot.start.newRequest'), encodeCallback({ kind: 'menu', item: 'new' }))
        .row()
        .text(catalog.t('bot.start.myRequests'), encodeCallback({ kind: 'menu', item: 'my' })),
    }),
  );
  privateChat.callbackQuery(encodeCallback({ kind: 'menu', item: 'new' }), async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter('intake');
  });
  bot.catch(({ ctx, error }) => {
    ctx.log?.error({ err: String(error) }, 'update failed');
  });
  return { handleUpdate: (update) => bot.handleUpdate(update) };
}
