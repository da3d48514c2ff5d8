import { GrammyError, InlineKeyboard, InputFile, Keyboard, type Context } from 'grammy';
import type { ReplyKeyboardRemove } from 'grammy/types';
import type { Prompt } from '../../src/scenario/engine.js';
import { choiceLabel, promptText } from '../../src/services/private-chat/prompt-text.js';
import type { ChatButton, ChatCapabilities, ChatReply } from '../../src/services/private-chat/reply.js';
import { encodeCallback } from './callback-data.js';
import type { Catalog } from '../../src/scenario/text.js';

/** What this renderer can draw: the dialogue words its replies by it (the share-contact button). */
export const CAPABILITIES: ChatCapabilities = { canShareContact: true, opensWithStart: true };

/** Telegram shows at most 200 characters of the answer on a pressed button. */
const NOTICE_MAX = 200;

export interface RenderedPrompt {
  text: string;
  replyMarkup: InlineKeyboard | Keyboard | ReplyKeyboardRemove;
}

/** Telegram refuses an edit that changes nothing: the message already shows what the edit would. */
export const NOT_MODIFIED = /message is not modified/;

/** A Bot API call whose refusal with a description matching `done` means it was done before; other errors are thrown. */
export function ignoringRefusal(done: RegExp, request: Promise<unknown>): Promise<void> {
  return request.then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof GrammyError && done.test(error.description))) throw error;
    },
  );
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
  const text = promptText(prompt, catalog, { withHint: options.withHint, canShareContact: CAPABILITIES.canShareContact });
  const back = catalog.t('bot.intake.back');
  if (prompt.expects === 'phone') {
    // A reply keyboard is the only place Telegram offers "share my contact".
    // Its other buttons arrive as the person's text, which the questionnaire reads by the label.
    const keyboard = new Keyboard().requestContact(catalog.t('bot.intake.sharePhone'));
    for (const choice of prompt.choices) keyboard.row().text(choiceLabel(catalog, choice));
    if (prompt.canGoBack) keyboard.row().text(back);
    return { text, replyMarkup: keyboard.oneTime().resized() };
  }
  if (prompt.choices.length > 0 || prompt.canGoBack) {
    const keyboard = new InlineKeyboard();
    prompt.choices.forEach((choice, index) => {
      keyboard.text(choiceLabel(catalog, choice), encodeCallback({ kind: 'answer', seq: prompt.seq, index })).row();
    });
    if (prompt.canGoBack) keyboard.text(back, encodeCallback({ kind: 'back', seq: prompt.seq }));
    return { text, replyMarkup: keyboard };
  }
  return { text, replyMarkup: { remove_keyboard: true } };
}

/**
 * Draws a reply in a chat (the private chat's and the console's): the answer on the pressed button
 * (unless `answered` already), its buttons gone if asked, then the messages.
 */
export async function sendReply(ctx: Context, reply: ChatReply, catalog: Catalog, answered = false): Promise<void> {
  const { notice } = reply;
  if (ctx.callbackQuery && !answered)
    await ctx.answerCallbackQuery(notice ? { text: notice.text.slice(0, NOTICE_MAX), ...(notice.alert ? { show_alert: true } : {}) } : {});
  else if (notice) await ctx.reply(notice.text);
  if (reply.clearPressed && ctx.callbackQuery) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  for (const message of reply.messages) {
    if (message.kind === 'prompt') {
      const rendered = renderPrompt(message.prompt, catalog, { withHint: message.withHint });
      // Buttons under a message leave the phone question's keyboard open: a line of its own closes it.
      if (message.prompt.afterPhone && rendered.replyMarkup instanceof InlineKeyboard)
        await ctx.reply(catalog.t('bot.intake.phoneTaken'), { reply_markup: { remove_keyboard: true } });
      // A mark on a multichoice question redraws its ticks on the message pressed.
      if (message.inPlace && ctx.callbackQuery?.message && rendered.replyMarkup instanceof InlineKeyboard) {
        await ignoringRefusal(NOT_MODIFIED, ctx.editMessageText(rendered.text, { reply_markup: rendered.replyMarkup }));
        continue;
      }
      await ctx.reply(rendered.text, { reply_markup: rendered.replyMarkup });
    } else if (message.kind === 'document') {
      await ctx.replyWithDocument(new InputFile(Buffer.from(message.content, 'utf8'), message.fileName), { caption: message.caption });
    } else if (message.replacesPressed && ctx.callbackQuery?.message) {
      // Pressed twice: the page is already shown.
      await ignoringRefusal(NOT_MODIFIED, ctx.editMessageText(message.text, message.buttons ? { reply_markup: inlineKeyboard(message.buttons) } : {}));
    } else {
      const markup = message.buttons ? inlineKeyboard(message.buttons) : message.closesKeyboard ? { remove_keyboard: true as const } : undefined;
      await ctx.reply(message.text, {
        ...(markup ? { reply_markup: markup } : {}),
        ...(message.noLinkPreview ? { link_preview_options: { is_disabled: true } } : {}),
      });
    }
  }
}
