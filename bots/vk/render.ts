import { Keyboard, type KeyboardBuilder } from 'vk-io';
import type { PublicRequestView } from '../../src/domain/request.js';
import type { Catalog } from '../../src/messages/catalog.js';
import { renderText } from '../../src/messages/render.js';
import type { Prompt } from '../../src/scenario/engine.js';
import type { IntakeReply } from '../../src/services/intake.js';

/** VK (and vk-io) refuse button labels longer than 40 UTF-16 units, so an emoji counts twice. */
const MAX_LABEL = 40;
/** VK takes at most 10 rows on a keyboard and 5 buttons in a row; longer lists share rows. */
const MAX_ROWS = 10;
const MAX_PER_ROW = 5;

export interface RenderedMessage {
  message: string;
  keyboard: KeyboardBuilder;
}

/**
 * An intake reply as a VK message. Choices are text buttons of a one-time keyboard at the bottom,
 * the way VK shows a bot's options most plainly; each button carries the prompt's number so a press
 * on an older keyboard is recognised. VK has no "share contact" button: the phone is typed.
 */
export function renderIntakeReply(reply: IntakeReply, catalog: Catalog): RenderedMessage {
  if (reply.kind === 'text') return { message: renderText(catalog, reply.text), keyboard: emptyKeyboard() };
  return renderPrompt(reply.prompt, catalog, reply.withHint);
}

function renderPrompt(prompt: Prompt, catalog: Catalog, withHint: boolean): RenderedMessage {
  const lines: string[] = [];
  if (prompt.error) lines.push(renderText(catalog, prompt.error), '');
  lines.push(renderText(catalog, prompt.question));
  if (prompt.summary) lines.push('', ...prompt.summary.map((l) => `${renderText(catalog, l.label)}: ${renderText(catalog, l.value)}`));
  // Long labels are cut on the buttons, so the full wording is listed, numbered, in the message.
  const labels = prompt.choices.map((c) => renderText(catalog, c.label));
  if (labels.some((l) => l.length > MAX_LABEL)) lines.push('', ...labels.map((l, i) => `${i + 1}. ${l}`));
  if (prompt.current) lines.push('', catalog.t('bot.intake.currentAnswer', { value: renderText(catalog, prompt.current) }));
  if (withHint) lines.push('', catalog.t('bot.intake.hint'));

  const keyboard = Keyboard.builder().oneTime();
  const rowsForChoices = MAX_ROWS - (prompt.canGoBack ? 1 : 0);
  const perRow = Math.min(MAX_PER_ROW, Math.max(1, Math.ceil(prompt.choices.length / rowsForChoices)));
  labels.forEach((label, index) => {
    keyboard.textButton({ label: cut(label), payload: { a: prompt.seq, i: index } });
    if ((index + 1) % perRow === 0) keyboard.row();
  });
  if (labels.length % perRow !== 0) keyboard.row();
  if (prompt.canGoBack) keyboard.textButton({ label: cut(catalog.t('bot.intake.back')), payload: { b: prompt.seq } });
  return { message: lines.join('\n'), keyboard };
}

/** The greeting's two buttons. */
export function menuKeyboard(catalog: Catalog): KeyboardBuilder {
  return Keyboard.builder()
    .textButton({ label: cut(catalog.t('bot.start.newRequest')), payload: { m: 'new' }, color: Keyboard.PRIMARY_COLOR })
    .row()
    .textButton({ label: cut(catalog.t('bot.start.myRequests')), payload: { m: 'my' } });
}

/** The callback button under a group post while the request is new, none after. */
export function postKeyboard(catalog: Catalog, view: PublicRequestView): KeyboardBuilder {
  const keyboard = Keyboard.builder().inline();
  // A post of an earlier round points to the new one below; only that one is pressed.
  if (view.status === 'new' && !view.superseded) keyboard.callbackButton({ label: cut(catalog.t('group.claimButton')), payload: { claim: view.number }, color: Keyboard.POSITIVE_COLOR });
  return keyboard;
}

/** The callback buttons under a request's card in the volunteer's private chat. */
export function taskKeyboard(catalog: Catalog, number: number): KeyboardBuilder {
  return Keyboard.builder()
    .inline()
    .callbackButton({ label: cut(catalog.t('volunteer.doneButton')), payload: { t: 'done', r: number }, color: Keyboard.POSITIVE_COLOR })
    .callbackButton({ label: cut(catalog.t('volunteer.releaseButton')), payload: { t: 'release', r: number } })
    .row()
    .callbackButton({ label: cut(catalog.t('volunteer.contactButton')), payload: { t: 'contact', r: number } });
}

/** The rating buttons 1–5 under the question how a done request went. */
export function feedbackKeyboard(number: number): KeyboardBuilder {
  const keyboard = Keyboard.builder().inline();
  for (const rating of [1, 2, 3, 4, 5]) keyboard.callbackButton({ label: String(rating), payload: { fb: number, r: rating } });
  return keyboard;
}

/** A keyboard with no buttons: VK hides the previous one. */
export function emptyKeyboard(): KeyboardBuilder {
  return Keyboard.builder().oneTime();
}

/** A button label within VK's 40 characters, cut at whole code points. */
export function cut(label: string): string {
  if (label.length <= MAX_LABEL) return label;
  // Whole code points only, so an emoji is never split in half.
  let out = '';
  for (const char of label) {
    if (out.length + char.length > MAX_LABEL - 1) break;
    out += char;
  }
  return `${out}…`;
}
