import { getRandomId, Keyboard, type API, type KeyboardBuilder, type MessageEventContext } from 'vk-io';
import type { PublicRequestView } from '../../src/domain/request.js';
import type { Prompt } from '../../src/scenario/engine.js';
import type { IntakeReply } from '../../src/services/intake.js';
import { isKeyboardAction } from '../../src/services/private-chat/actions.js';
import { cutText } from '../../src/services/private-chat/chat-text.js';
import { choiceLabel, promptText } from '../../src/services/private-chat/prompt-text.js';
import type { ChatButton, ChatCapabilities, ChatReply } from '../../src/services/private-chat/reply.js';
import { encodeAction } from './payload.js';
import { type Catalog, renderText } from '../../src/scenario/text.js';

/** What this renderer can draw: no share-contact button, five rows in a list. */
export const CAPABILITIES: ChatCapabilities = { canShareContact: false, opensWithStart: false, maxListRows: 5 };

/** VK (and vk-io) refuse button labels longer than 40 UTF-16 units, so an emoji counts twice. */
const MAX_LABEL = 40;
const cut = (label: string) => cutText(label, MAX_LABEL, 'utf16');
/** VK takes at most 10 rows on a keyboard and 5 buttons in a row; longer lists share rows. */
const MAX_ROWS = 10;
const MAX_PER_ROW = 5;
/** VK cuts a snackbar at 90 characters. */
const SNACKBAR_MAX = 90;
const COLOURS = { primary: Keyboard.PRIMARY_COLOR, positive: Keyboard.POSITIVE_COLOR, negative: Keyboard.NEGATIVE_COLOR } as const;

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
  // Long labels are cut on the buttons, so the full wording is listed, numbered, in the message.
  const message = promptText(prompt, catalog, { withHint, canShareContact: CAPABILITIES.canShareContact, labelsCutAt: MAX_LABEL });
  const labels = prompt.choices.map((c) => choiceLabel(catalog, c));
  const keyboard = Keyboard.builder().oneTime();
  const rowsForChoices = MAX_ROWS - (prompt.canGoBack ? 1 : 0);
  const perRow = Math.min(MAX_PER_ROW, Math.max(1, Math.ceil(prompt.choices.length / rowsForChoices)));
  labels.forEach((label, index) => {
    keyboard.textButton({ label: cut(label), payload: encodeAction({ kind: 'answer', seq: prompt.seq, index }) });
    if ((index + 1) % perRow === 0) keyboard.row();
  });
  if (labels.length % perRow !== 0) keyboard.row();
  if (prompt.canGoBack) keyboard.textButton({ label: cut(catalog.t('bot.intake.back')), payload: encodeAction({ kind: 'back', seq: prompt.seq }) });
  return { message, keyboard };
}

/**
 * Rows of buttons: the greeting's menu as text buttons of the keyboard at the bottom (a press comes
 * as the person's message), every other as callback buttons under the message.
 */
export function keyboardOf(rows: ChatButton[][]): KeyboardBuilder {
  const atBottom = rows.flat().every((button) => isKeyboardAction(button.action));
  const keyboard = atBottom ? Keyboard.builder() : Keyboard.builder().inline();
  rows.forEach((row, i) => {
    if (i > 0) keyboard.row();
    for (const button of row) {
      const options = { label: cut(button.label), payload: encodeAction(button.action), ...(button.tone ? { color: COLOURS[button.tone] } : {}) };
      if (atBottom) keyboard.textButton(options);
      else keyboard.callbackButton(options);
    }
  });
  return keyboard;
}

/**
 * Draws a reply in a VK chat (the private chat's and the console's): the answer on the pressed
 * button (`press`, its event) or as a message, then the messages.
 */
export async function sendReply(api: API, peerId: number, reply: ChatReply, catalog: Catalog, press?: MessageEventContext): Promise<void> {
  if (press && reply.notice) await snackbar(press, reply.notice.text);
  // No words needed: the message that follows is the answer; this only stops the spinner.
  else if (press) await api.messages.sendMessageEventAnswer({ event_id: press.eventId, user_id: press.userId, peer_id: press.peerId });
  else if (reply.notice) await say(api, peerId, reply.notice.text);
  for (const message of reply.messages) {
    if (message.kind === 'prompt') {
      const rendered = renderIntakeReply(message, catalog);
      await say(api, peerId, rendered.message, { keyboard: rendered.keyboard });
    } else if (message.kind === 'document') {
      // The console is told VK sends no files, so it never hands one over.
      throw new Error('a VK message carries no documents');
    } else {
      const keyboard = message.buttons ? keyboardOf(message.buttons) : message.closesKeyboard ? emptyKeyboard() : undefined;
      const editing = message.replacesPressed ? press?.conversationMessageId : undefined;
      if (editing !== undefined)
        await api.messages.edit({ peer_id: peerId, conversation_message_id: editing, message: message.text, ...(keyboard ? { keyboard } : {}) });
      else await say(api, peerId, message.text, { ...(keyboard ? { keyboard } : {}), ...(message.noLinkPreview ? { dont_parse_links: 1 } : {}) });
    }
  }
}

/**
 * Writes to a chat. Sent with `peer_id` rather than through ctx.send, which uses `peer_ids` and so
 * turns VK's refusals into a silent per-peer error instead of an exception.
 */
export async function say(api: API, peerId: number, message: string, extra: { keyboard?: KeyboardBuilder; dont_parse_links?: 1 } = {}): Promise<void> {
  await api.messages.send({ peer_id: peerId, message, random_id: getRandomId(), ...extra });
}

/** A short answer on a pressed button. */
export async function snackbar(press: MessageEventContext, text: string): Promise<void> {
  await press.answer({ type: 'show_snackbar', text: cutText(text, SNACKBAR_MAX) });
}

/** The callback button under a group post while the request is new, none after. */
export function postKeyboard(catalog: Catalog, view: PublicRequestView): KeyboardBuilder {
  // A post of an earlier round points to the new one below; only that one is pressed.
  if (view.status !== 'new' || view.superseded) return Keyboard.builder().inline();
  return keyboardOf([[{ label: catalog.t('group.claimButton'), action: { kind: 'claim', number: view.number }, tone: 'positive' }]]);
}

/** A keyboard with no buttons: VK hides the previous one. */
export function emptyKeyboard(): KeyboardBuilder {
  return Keyboard.builder().oneTime();
}
