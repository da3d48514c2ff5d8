import { Composer, InlineKeyboard } from 'grammy';
import type { Catalog } from '../../src/messages/catalog.js';
import type { Erasure } from '../../src/services/erasure.js';
import { decodeCallback, encodeCallback } from './callback-data.js';
import type { BotContext } from './context.js';

/**
 * A requester's /forget: asks once, then erases everything the bot holds about them. Installed before
 * the questionnaire, so it works in the middle of one too (the questionnaire goes with the rest).
 */
export function createForgetHandlers(deps: { catalog: Catalog; erasure: Pick<Erasure, 'forgetRequester'> }) {
  const { catalog } = deps;
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');

  privateChat.command('forget', async (ctx) => {
    await ctx.reply(catalog.t('forget.question'), {
      reply_markup: new InlineKeyboard()
        .text(catalog.t('forget.confirm'), encodeCallback({ kind: 'forget', confirmed: true }))
        .row()
        .text(catalog.t('forget.keep'), encodeCallback({ kind: 'forget', confirmed: false })),
    });
  });

  privateChat.callbackQuery(/^fg:/, async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    if (action?.kind !== 'forget') {
      await ctx.answerCallbackQuery({ text: catalog.t('bot.intake.stale') });
      return;
    }
    await ctx.answerCallbackQuery();
    // The question goes whatever the answer: pressing it again would only ask the same.
    await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    if (!action.confirmed) {
      await ctx.reply(catalog.t('forget.kept'));
      return;
    }
    const outcome = await deps.erasure.forgetRequester({ platform: 'telegram', userId: String(ctx.from.id) }, String(ctx.chat.id));
    await ctx.reply(catalog.t('forget.done', { erased: outcome.erased, cancelled: outcome.cancelled }), { reply_markup: { remove_keyboard: true } });
  });
  return composer;
}
