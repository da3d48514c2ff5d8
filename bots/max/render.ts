import type { Api } from '@maxhub/max-bot-api';
import type { AttachmentRequest, Button } from '@maxhub/max-bot-api/types';
import type { PublicRequestView } from '../../src/domain/request.js';
import type { Prompt } from '../../src/scenario/engine.js';
import type { Catalog } from '../../src/scenario/text.js';
import { cutText } from '../../src/services/private-chat/chat-text.js';
import { choiceLabel, promptText } from '../../src/services/private-chat/prompt-text.js';
import type { ChatButton, ChatCapabilities, ChatMessage, ChatReply } from '../../src/services/private-chat/reply.js';
import { MAX_LIMITS, encodePayload } from './payload.js';

/**
 * What this renderer can draw: MAX has a button that shares the person's phone. A dialogue opens
 * with MAX's own «Начать», but a person may also write first (after clearing the chat, say), so
 * whatever comes first gets the greeting.
 */
export const CAPABILITIES: ChatCapabilities = { canShareContact: true, opensWithStart: false };

const cut = (label: string) => cutText(label, MAX_LIMITS.label);
/** MAX documents no limit for a pressed button's notification, which it shows briefly: kept to Telegram's 200 characters. */
const NOTICE_MAX = 200;

/** Where a message goes: a person by their user id (MAX gives their dialogue another id), a group chat by its (negative) id. */
export type MaxAddress = { user_id: number } | { chat_id: number };

/** A chat id as the services keep it: a person's user id, or a group chat's id, which MAX makes negative. */
export const isGroupChatId = (chatId: string | number) => Number(chatId) < 0;

export function addressOf(chatId: string | number): MaxAddress {
  return isGroupChatId(chatId) ? { chat_id: Number(chatId) } : { user_id: Number(chatId) };
}

/** Rows of buttons as MAX's inline keyboard attachment; none for no rows. */
export function keyboard(rows: Button[][]): AttachmentRequest[] {
  return rows.length === 0 ? [] : [{ type: 'inline_keyboard', payload: { buttons: rows } }];
}

/** The dialogue's and the console's buttons, as callback buttons (MAX has no keyboard under the input field: every button is under a message). */
export function buttonRows(rows: ChatButton[][]): Button[][] {
  return rows.map((row) => row.map((button) => ({ type: 'callback', text: cut(button.label), payload: encodePayload(button.action) })));
}

/**
 * A questionnaire's question: its choices as buttons under it, one a row while they fit in the
 * 30 rows (the readers are often elderly, the labels long), sharing rows beyond; on the phone
 * question first MAX's "share my number" button; «Назад» last.
 */
export function promptMessage(prompt: Prompt, catalog: Catalog, withHint: boolean): { text: string; attachments: AttachmentRequest[] } {
  const text = promptText(prompt, catalog, { withHint, canShareContact: CAPABILITIES.canShareContact, labelsCutAt: MAX_LIMITS.label });
  const rows: Button[][] = [];
  if (prompt.expects === 'phone') rows.push([{ type: 'request_contact', text: cut(catalog.t('bot.intake.sharePhone')) }]);
  const free = MAX_LIMITS.rows - rows.length - (prompt.canGoBack ? 1 : 0);
  const perRow = Math.min(MAX_LIMITS.perRow, Math.max(1, Math.ceil(prompt.choices.length / free)));
  prompt.choices.forEach((choice, index) => {
    const button: Button = { type: 'callback', text: cut(choiceLabel(catalog, choice)), payload: encodePayload({ kind: 'answer', seq: prompt.seq, index }) };
    if (index % perRow === 0) rows.push([button]);
    else rows.at(-1)!.push(button);
  });
  if (prompt.canGoBack) rows.push([{ type: 'callback', text: cut(catalog.t('bot.intake.back')), payload: encodePayload({ kind: 'back', seq: prompt.seq }) }]);
  return { text, attachments: keyboard(rows) };
}

/** The claim button under a group post while the request is new; no keyboard after (an empty list takes it away). */
export function postAttachments(catalog: Catalog, view: PublicRequestView): AttachmentRequest[] {
  // A post of an earlier round points to the new one below; only that one is pressed.
  if (view.status !== 'new' || view.superseded) return [];
  return keyboard(buttonRows([[{ label: catalog.t('group.claimButton'), action: { kind: 'claim', number: view.number } }]]));
}

/** The button press a reply answers: its callback, and the message it was under. */
export interface MaxPress {
  callbackId: string;
  message?: { mid: string; text: string };
}

/**
 * Draws a reply in a MAX chat (the private chat's and the console's). A press is answered once: with
 * the reply's notice, or by putting the reply's page in place of the pressed message, or by taking the
 * pressed message's buttons away; a press that needs none of these is answered by the messages that
 * follow, as MAX lets a callback go unanswered.
 */
export async function sendReply(api: Api, chatId: string | number, reply: ChatReply, catalog: Catalog, press?: MaxPress): Promise<void> {
  const to = addressOf(chatId);
  const messages = reply.messages.map((message) => messageBody(message, catalog));
  const inPlaceIndex = press?.message ? reply.messages.findIndex((m) => (m.kind === 'text' && m.replacesPressed) || (m.kind === 'prompt' && m.inPlace)) : -1;
  const inPlace = inPlaceIndex >= 0 ? messages[inPlaceIndex] : undefined;
  if (press) {
    const cleared = reply.clearPressed && press.message ? { text: fitText(press.message.text), attachments: [] } : undefined;
    const notification = reply.notice ? cutText(reply.notice.text, NOTICE_MAX) : undefined;
    const replacement = inPlace ? { text: fitText(inPlace.text), attachments: inPlace.attachments } : cleared;
    if (notification || replacement)
      await answerPress(api, press.callbackId, { ...(notification ? { notification } : {}), ...(replacement ? { message: replacement } : {}) });
  } else if (reply.notice) await send(api, to, { text: reply.notice.text, attachments: [] });
  for (const [index, body] of messages.entries()) {
    if (index === inPlaceIndex) continue;
    await send(api, to, body);
  }
}

type MessageBody = { text: string; attachments: AttachmentRequest[]; noLinkPreview?: boolean };

function messageBody(message: ChatMessage, catalog: Catalog): MessageBody {
  if (message.kind === 'prompt') return promptMessage(message.prompt, catalog, message.withHint);
  // The console is told MAX sends no files here, so it never hands one over.
  if (message.kind === 'document') throw new Error('a MAX message of this bot carries no documents');
  return {
    text: message.text,
    attachments: message.buttons ? keyboard(buttonRows(message.buttons)) : [],
    ...(message.noLinkPreview ? { noLinkPreview: true } : {}),
  };
}

/**
 * Sends one message where it goes (a group by chat id, a person by user id), within MAX's length;
 * `notify: false` delivers it without a sound. Returns its id, by which it is edited later.
 */
export async function send(api: Api, to: MaxAddress, body: MessageBody & { notify?: false }): Promise<string> {
  const extra = {
    attachments: body.attachments,
    ...(body.noLinkPreview ? { disable_link_preview: true } : {}),
    ...(body.notify === false ? { notify: false } : {}),
  };
  const message =
    'chat_id' in to ? await api.sendMessageToChat(to.chat_id, fitText(body.text), extra) : await api.sendMessageToUser(to.user_id, fitText(body.text), extra);
  return message.body.mid;
}

/**
 * A text within MAX's 4000 characters, which it refuses beyond. The texts are made for Telegram's and
 * VK's 4096 (a long card drops its oldest history to fit), so only the longest lose their last lines.
 */
export const fitText = (text: string) => cutText(text, MAX_LIMITS.text);

/** Writes a plain text to a chat. */
export async function say(api: Api, chatId: string | number, text: string): Promise<void> {
  await send(api, addressOf(chatId), { text, attachments: [] });
}

/**
 * Answers a press: a short notification, and/or the pressed message replaced. MAX's API takes both
 * (POST /answers, `notification` and `message`); the client's type names only `message`, and passes
 * the body on as given.
 */
export async function answerPress(
  api: Api,
  callbackId: string,
  answer: { notification?: string; message?: { text: string; attachments: AttachmentRequest[] } },
): Promise<void> {
  await api.answerOnCallback(callbackId, answer as Parameters<Api['answerOnCallback']>[1]);
}
