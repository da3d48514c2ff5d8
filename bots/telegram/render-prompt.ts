import { InlineKeyboard, Keyboard } from 'grammy';
import type { ReplyKeyboardRemove } from 'grammy/types';
import type { Catalog } from '../../src/messages/catalog.js';
import { renderText } from '../../src/messages/render.js';
import type { Prompt } from '../../src/scenario/engine.js';
import { encodeCallback } from './callback-data.js';

export interface RenderedPrompt {
  text: string;
  replyMarkup: InlineKeyboard | Keyboard | ReplyKeyboardRemove;
}

/**
 * Shows an engine prompt in Telegram: choices as inline buttons (one per row, as labels are long and
 * the readers often elderly), the phone step with Telegram's "share contact" button, and "Back".
 * Sent as plain text, so whatever a person typed is shown back exactly and nothing is parsed as markup.
 */
export function renderPrompt(prompt: Prompt, catalog: Catalog, options: { withHint: boolean }): RenderedPrompt {
  const lines: string[] = [];
  if (prompt.error) lines.push(renderText(catalog, prompt.error), '');
  lines.push(renderText(catalog, prompt.question));
  if (prompt.summary) {
    lines.push('', ...prompt.summary.map((line) => `${renderText(catalog, line.label)}: ${renderText(catalog, line.value)}`));
  }
  if (prompt.current) lines.push('', catalog.t('bot.intake.currentAnswer', { value: renderText(catalog, prompt.current) }));
  if (options.withHint) lines.push('', catalog.t('bot.intake.hint'));
  const text = lines.join('\n');

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
