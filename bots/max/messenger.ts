import { MaxError, type Api } from '@maxhub/max-bot-api';
import type { AttachmentRequest } from '@maxhub/max-bot-api/types';
import type { ChatLostReason } from '../../src/domain/errors.js';
import type { Messenger, SendOptions } from '../../src/services/ports.js';
import { deliveryCalls, privateMessages } from '../../src/services/private-chat/outgoing.js';
import type { Catalog } from '../../src/scenario/text.js';
import type { RequestTexts } from '../../src/services/texts.js';
import { addressOf, buttonRows, fitText, isGroupChatId, keyboard, postAttachments, send } from './render.js';

/**
 * MAX answers a refusal with an HTTP status and a code (`{ code: 'chat.denied', message }`). Every
 * 4xx but 429 is final: 400 a message MAX will never take (too long, a malformed keyboard, an edit
 * it no longer allows), 403 a chat the bot may not write in, 404 a chat or message that is gone.
 */
const isFinal = (error: unknown): error is MaxError => error instanceof MaxError && error.status >= 400 && error.status < 500 && error.status !== 429;
const reasonOf = (error: MaxError) => `${error.status} ${error.code ?? ''}: ${error.description ?? ''}`.trim();

const refusals = {
  platform: 'max' as const,
  permanent: (error: unknown) => (isFinal(error) ? reasonOf(error) : null),
  // A person who stopped or blocked the bot, or whose dialogue with it is gone (403, 404).
  unreachable: (error: unknown) => (error instanceof MaxError && (error.status === 403 || error.status === 404) ? reasonOf(error) : null),
};
const toPeople = deliveryCalls(refusals);
const toGroups = deliveryCalls({ ...refusals, lost: lostReason });
/** Only in a group chat does a refusal mean the chat is lost. */
const callsTo = (chatId: string) => (isGroupChatId(chatId) ? toGroups : toPeople);

/**
 * In a group chat: 403 (the bot is no longer a member, or may not write: MAX answers "chat.denied"
 * either way, so both read as removed, which asks the HQ to add it back) and 404 (the chat is gone).
 */
function lostReason(error: unknown): ChatLostReason | null {
  if (!(error instanceof MaxError)) return null;
  if (error.status === 403) return 'removed';
  if (error.status === 404 && /chat/i.test(error.code ?? '')) return 'gone';
  return null;
}

/** The services' Messenger over the MAX Bot API. */
export function createMaxMessenger(api: Api, texts: RequestTexts, catalog: Catalog): Messenger {
  const write = (chatId: string, text: string, attachments: AttachmentRequest[], options?: SendOptions): Promise<string> =>
    send(api, addressOf(chatId), { text, attachments, ...(options?.silent ? { notify: false as const } : {}) });
  // An edit replaces the attachments it is given: an empty list takes the buttons away.
  const edit = async (messageId: string, text: string, attachments: AttachmentRequest[]) => {
    await api.editMessage(messageId, { text: fitText(text), attachments });
  };

  return {
    platform: 'max',
    postRequest: (chatId, view, viaHeadquarters, options) =>
      callsTo(chatId).call(() => write(chatId, texts.groupPost(view, viaHeadquarters), postAttachments(catalog, view), options)),
    async updatePost(post, view) {
      await callsTo(post.chatId).call(() => edit(post.messageId, texts.groupPost(view, post.viaHeadquarters), postAttachments(catalog, view)));
    },
    // No contact card: MAX's needs the contact's own MAX account, which a requester may not have; the phone goes as text.
    // No age limit on edits is known: an edit MAX refuses (400) is final, and the reader is then asked to delete the message.
    ...privateMessages(catalog, texts, {
      send: (chatId, message, options) =>
        callsTo(chatId).send(() => write(chatId, message.text, message.buttons ? keyboard(buttonRows(message.buttons)) : [], options)),
      edit: (chatId, messageId, text) => callsTo(chatId).call(() => edit(messageId, text, [])),
    }),
    describeFailure(error) {
      // What is left is 429 (MAX's 30 requests a second; it names no wait, so a second), 5xx and the network.
      if (error instanceof MaxError) return { reason: reasonOf(error), ...(error.status === 429 ? { retryAfterMs: 1000 } : {}) };
      return { reason: String((error as Error)?.name ?? error) };
    },
    isGroupChat: isGroupChatId,
  };
}
