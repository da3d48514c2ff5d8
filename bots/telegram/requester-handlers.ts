import { Composer, InlineKeyboard } from 'grammy';
import type { Catalog } from '../../src/messages/catalog.js';
import { decodeCallback, encodeCallback } from './callback-data.js';
import type { BotContext } from './context.js';
import { INTAKE_CONVERSATION } from './intake-conversation.js';

/** The deep-link payload a volunteer is sent with when the bot could not write to them. */
export const VOLUNTEER_START_PAYLOAD = 'volunteer';

/**
 * Private chat outside a conversation: the greeting with "new request" and "my requests", /my, and
 * a polite hint for anything else. (Inside a conversation the conversation handles everything.)
 */
export function createRequesterHandlers(deps: {
  catalog: Catalog;
  myRequestsText: (userId: string) => Promise<string>;
  /** The person's open requests, each offered with a "cancel" button under /my. */
  withdrawable: (userId: string) => Promise<number[]>;
}) {
  const { catalog } = deps;
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  const menu = () =>
    new InlineKeyboard()
      .text(catalog.t('bot.start.newRequest'), encodeCallback({ kind: 'menu', item: 'new' }))
      .row()
      .text(catalog.t('bot.start.myRequests'), encodeCallback({ kind: 'menu', item: 'my' }));

  privateChat.command('start', async (ctx) => {
    if (ctx.match === VOLUNTEER_START_PAYLOAD) {
      await ctx.reply(catalog.t('bot.start.volunteerReady'));
      return;
    }
    await ctx.reply(catalog.t('bot.start.greeting'), { reply_markup: menu() });
  });
  const myRequests = async (userId: string) => {
    const [text, open] = await Promise.all([deps.myRequestsText(userId), deps.withdrawable(userId)]);
    const keyboard = new InlineKeyboard();
    for (const number of open) keyboard.text(catalog.t('requester.withdrawButton', { number }), encodeCallback({ kind: 'withdraw', number, confirmed: false })).row();
    return { text, options: open.length > 0 ? { reply_markup: keyboard } : {} };
  };
  privateChat.command('my', async (ctx) => {
    const { text, options } = await myRequests(String(ctx.from.id));
    await ctx.reply(text, options);
  });
  // A coordinator-to-be learns the id to put into COORDINATOR_TELEGRAM_IDS.
  privateChat.command('id', async (ctx) => {
    await ctx.reply(catalog.t('bot.start.yourId', { userId: ctx.from.id }));
  });
  privateChat.command('cancel', async (ctx) => {
    await ctx.reply(catalog.t('bot.intake.idle'), { reply_markup: { remove_keyboard: true } });
  });
  privateChat.callbackQuery(/^m:/, async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    await ctx.answerCallbackQuery();
    if (action?.kind === 'menu' && action.item === 'new') {
      await ctx.conversation.enter(INTAKE_CONVERSATION);
    } else {
      const { text, options } = await myRequests(String(ctx.from.id));
      await ctx.reply(text, options);
    }
  });
  privateChat.on('message', async (ctx) => {
    await ctx.reply(catalog.t('bot.intake.idle'), { reply_markup: menu() });
  });
  return composer;
}
