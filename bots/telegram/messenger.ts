import { GrammyError, HttpError, InlineKeyboard, InputFile, type Api } from 'grammy';
import type { ChatLostReason } from '../../src/domain/errors.js';
import { splitChatAddress } from '../../src/domain/chat-address.js';
import type { PublicRequestView } from '../../src/domain/request.js';
import type { Messenger, SendOptions } from '../../src/services/ports.js';
import { deliveryCalls, privateMessages } from '../../src/services/private-chat/outgoing.js';
import { encodeCallback } from './callback-data.js';
import { inlineKeyboard, NOT_MODIFIED, ignoringRefusal } from './render.js';
import type { Catalog } from '../../src/scenario/text.js';
import type { RequestTexts } from '../../src/services/texts.js';

const { call, send } = deliveryCalls({
  platform: 'telegram',
  // Every 4xx but 429: 403 (blocked, kicked), 400 (chat or message gone, or a request Telegram will never take).
  permanent: (error) =>
    error instanceof GrammyError && error.error_code !== 429 && error.error_code < 500 ? `${error.error_code}: ${error.description}` : null,
  // 403: never started, blocked the bot, or deactivated; 400 "chat not found": no such private chat.
  unreachable: (error) =>
    error instanceof GrammyError && (error.error_code === 403 || (error.error_code === 400 && /chat not found|user not found/i.test(error.description)))
      ? error.description
      : null,
  // "Bad Request: group chat was upgraded to a supergroup chat", with the new id in
  // `parameters.migrate_to_chat_id` (https://core.telegram.org/bots/api#responseparameters).
  moved: (error) => (error instanceof GrammyError && error.parameters.migrate_to_chat_id !== undefined ? String(error.parameters.migrate_to_chat_id) : null),
  lost: lostReason,
});

/**
 * Telegram's refusals that mean the bot cannot write in a group chat any more: "Forbidden: bot was
 * kicked from the group chat" (or "...is not a member of the supergroup chat"), "Bad Request: not
 * enough rights to send text messages to the chat", and a chat deleted or deactivated.
 */
function lostReason(error: unknown): ChatLostReason | null {
  if (!(error instanceof GrammyError)) return null;
  if (error.error_code === 403 && /kicked|not a member/i.test(error.description)) return 'removed';
  if (/not enough rights|have no rights|CHAT_WRITE_FORBIDDEN|CHAT_SEND_\w*_FORBIDDEN/i.test(error.description)) return 'noRights';
  if (/chat was deleted|deactivated|chat not found/i.test(error.description)) return 'gone';
  return null;
}

/**
 * A bot edits its own messages at any age, but deletes one only within 48 hours of sending
 * (https://core.telegram.org/bots/api#deletemessage): an older contact card stays, and its reader
 * is asked to delete it.
 */
const DELETABLE_FOR_MS = 48 * 3600_000;

/** The services' Messenger over the Telegram Bot API. */
export function createTelegramMessenger(api: Api, texts: RequestTexts, catalog: Catalog): Messenger {
  const claimKeyboard = (view: PublicRequestView) =>
    new InlineKeyboard().text(catalog.t('group.claimButton'), encodeCallback({ kind: 'claim', number: view.number }));

  return {
    platform: 'telegram',
    async postRequest(address, view, viaHeadquarters) {
      // A district may be a topic of a forum supergroup: the post goes into that topic.
      const { chatId, topicId } = splitChatAddress(address);
      const inTopic = topicId === undefined ? {} : { message_thread_id: topicId };
      const message = await call(() => api.sendMessage(chatId, texts.groupPost(view, viaHeadquarters), { reply_markup: claimKeyboard(view), ...inTopic }));
      return String(message.message_id);
    },
    async updatePost(post, view) {
      // An empty keyboard removes the button once the request is no longer open.
      const replyMarkup = view.status === 'new' && !view.superseded ? claimKeyboard(view) : { inline_keyboard: [] };
      // Not modified: the post already shows this state.
      await call(() =>
        ignoringRefusal(
          NOT_MODIFIED,
          api.editMessageText(splitChatAddress(post.chatId).chatId, Number(post.messageId), texts.groupPost(view, post.viaHeadquarters), {
            reply_markup: replyMarkup,
          }),
        ),
      );
    },
    ...privateMessages(catalog, texts, {
      send: async (address, message, options) => {
        const markup = message.buttons ? { reply_markup: inlineKeyboard(message.buttons) } : {};
        // A reminder of a waiting request goes where its post is: into the district's topic too.
        const { chatId, topicId } = splitChatAddress(address);
        const inTopic = topicId === undefined ? {} : { message_thread_id: topicId };
        return String((await send(() => api.sendMessage(chatId, message.text, { ...markup, ...silently(options), ...inTopic }))).message_id);
      },
      sendContactCard: async (chatId, name, phone, options) => String((await send(() => api.sendContact(chatId, phone, name, silently(options)))).message_id),
      // Not modified: edited before (a retry after a crash), it already says this.
      edit: (chatId, messageId, text) =>
        call(() => ignoringRefusal(NOT_MODIFIED, api.editMessageText(chatId, Number(messageId), text, { reply_markup: { inline_keyboard: [] } }))),
      remove: {
        // Not found: deleted before (a retry after a crash, or by the reader), it is gone as wanted.
        call: (chatId, messageId) => call(() => ignoringRefusal(/message to delete not found/i, api.deleteMessage(chatId, Number(messageId)))),
        withinMs: DELETABLE_FOR_MS,
      },
    }),
    async sendChart(chatId, png, caption) {
      await call(() => api.sendPhoto(chatId, new InputFile(png, 'report.png'), { caption }));
    },
    describeFailure(error) {
      // What is left of Telegram's errors is 429 (with the wait it asks for) and 5xx.
      if (error instanceof GrammyError) {
        const reason = `${error.error_code}: ${error.description}`;
        return error.error_code === 429 ? { reason, retryAfterMs: (error.parameters.retry_after ?? 1) * 1000 } : { reason };
      }
      // A network failure (HttpError) or anything unforeseen: worth another try.
      return { reason: error instanceof HttpError ? 'network' : String((error as Error)?.name ?? error) };
    },
    // Group and channel ids are negative in the Bot API; people's are positive.
    isGroupChat: (chatId) => chatId.startsWith('-'),
  };
}

/** Telegram delivers a message with disable_notification without sound (quiet hours). */
function silently(options: SendOptions | undefined): { disable_notification?: true } {
  return options?.silent ? { disable_notification: true } : {};
}
