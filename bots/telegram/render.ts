import { InlineKeyboard, Keyboard, type Context } from 'grammy';
import type { ReplyKeyboardRemove } from 'grammy/types';
import type { Catalog } from '../../src/messages/catalog.js';
import { renderText } from '../../src/messages/render.js';
import type { Prompt } from '../../src/scenario/engine.js';
import { promptText } from '../../src/services/private-chat/prompt-text.js';
import type { ChatButton, ChatReply } from '../../src/services/private-chat/reply.js';
import { encodeCallback } from './callback-data.js';

export interface RenderedPrompt {
  text: string;
  replyMarkup: InlineKeyboard | Keyboard | ReplyKeyboardRemove;
}

/** Rows of buttons as an inline keyboard (colours are not Telegram's). */
export function inlineKeyboard(rows: ChatButton[][]): InlineKeyboard {
  return InlineKeyboard.from(rows.map((row) => row.map((button) => InlineKeyboard.text(button.label, encodeCallback(button.action)))));
}

/**
 * Shows an engine prompt in Telegram: choices as inline buttons (one per row, as labels are long and
 * the readers often elderly), the phone step with Telegram's "share contact" button, and "Back".
 */
export function renderPrompt(prompt: Prompt, catalog: Catalog, options: { withHint: boolean }): RenderedPrompt {
  const text = promptText(prompt, catalog, { withHint: options.withHint, canShareContact: true });
  const back = catalog.t('bot.intake.back');
  if (prompt.expects === 'phone') {
    // A reply keyboard is the only place Telegram offers "share my contact".
    const keyboard = new Keyboard().requestContact(catalog.t('bot.intake.sharePhone'));
    if (prompt.canGoBack) keyboard.row().text(back);
    return { text, replyMarkup: keyboard.oneTime().resized() };
  }
  if (prompt.expects === 'choice' || prompt.canGoBack) {
    const keyboard = new InlineKeyboard();
    prompt.choices.forEach((choice, index) => {
      keyboard.text(renderText(catalog, choice.label), encodeCallback({ kind: 'answer', seq: prompt.seq, index })).row();
    });
    if (prompt.canGoBack) keyboard.text(back, encodeCallback({ kind: 'back', seq: prompt.seq }));
    return { text, replyMarkup: keyboard };
  }
  return { text, replyMarkup: { remove_keyboard: true } };
}

/**
 * Draws a private chat's reply: the answer on the pressed button (unless `answered` already), its
 * buttons gone if asked, then the messages.
 */
export async function sendReply(ctx: Context, reply: ChatReply, catalog: Catalog, answered = false): Promise<void> {
  if (ctx.callbackQuery && !answered) await ctx.answerCallbackQuery(reply.notice ? { text: reply.notice.text, ...(reply.notice.alert ? { show_alert: true } : {}) } : {});
  else if (reply.notice) await ctx.reply(reply.notice.text);
  if (reply.clearPressed && ctx.callbackQuery) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  for (const message of reply.messages) {
    if (message.kind === 'prompt') {
      const rendered = renderPrompt(message.prompt, catalog, { withHint: message.withHint });
      await ctx.reply(rendered.text, { reply_markup: rendered.replyMarkup });
    } else if (message.kind === 'contact') {
      await ctx.replyWithContact(message.phone, message.name);
    } else if (message.buttons) {
      await ctx.reply(message.text, { reply_markup: inlineKeyboard(message.buttons) });
    } else {
      await ctx.reply(message.text, message.closesKeyboard ? { reply_markup: { remove_keyboard: true } } : {});
    }
  }
}
