import { GrammyError, HttpError, InlineKeyboard, InputFile, type Api } from 'grammy';
import { RecipientUnreachableError } from '../../src/domain/errors.js';
import type { PublicRequestView } from '../../src/domain/request.js';
import type { Catalog } from '../../src/messages/catalog.js';
import type { RequestTexts } from '../../src/messages/request-texts.js';
import { PermanentDeliveryError } from '../../src/services/outbox/permanent-delivery-error.js';
import type { Messenger, SendOptions } from '../../src/services/ports.js';
import { privateMessages } from '../../src/services/private-chat/outgoing.js';
import { encodeCallback } from './callback-data.js';
import { inlineKeyboard } from './render.js';

/** A call to Telegram, with a refusal that asking again will not change turned into PermanentDeliveryError. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw asPermanent(error);
  }
}

/** A private message, with Telegram's "cannot write to this person" turned into the domain's error. */
async function send(request: () => Promise<unknown>): Promise<void> {
  try {
    await request();
  } catch (error) {
    if (error instanceof GrammyError && isUnreachable(error)) throw new RecipientUnreachableError('telegram', error.description);
    throw asPermanent(error);
  }
}

/** The services' Messenger over the Telegram Bot API. */
export function createTelegramMessenger(api: Api, texts: RequestTexts, catalog: Catalog): Messenger {
  const claimKeyboard = (view: PublicRequestView) =>
    new InlineKeyboard().text(catalog.t('group.claimButton'), encodeCallback({ kind: 'claim', number: view.number }));

  return {
    platform: 'telegram',
    async postRequest(chatId, view, viaHeadquarters) {
      const message = await call(() => api.sendMessage(chatId, texts.groupPost(view, viaHeadquarters), { reply_markup: claimKeyboard(view) }));
      return String(message.message_id);
    },
    async updatePost(post, view) {
      // An empty keyboard removes the button once the request is no longer open.
      const replyMarkup = view.status === 'new' && !view.superseded ? claimKeyboard(view) : { inline_keyboard: [] };
      try {
        await api.editMessageText(post.chatId, Number(post.messageId), texts.groupPost(view, post.viaHeadquarters), { reply_markup: replyMarkup });
      } catch (error) {
        // Telegram refuses an edit that changes nothing; the post already shows this state.
        if (error instanceof GrammyError && error.description.includes('message is not modified')) return;
        throw asPermanent(error);
      }
    },
    ...privateMessages(catalog, texts, (chatId, message, options) =>
      send(() => api.sendMessage(chatId, message.text, { ...(message.buttons ? { reply_markup: inlineKeyboard(message.buttons) } : {}), ...silently(options) })),
    ),
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

/** Every 4xx but 429: 403 (blocked, kicked), 400 (chat or message gone, or a request Telegram will never take). */
function asPermanent(error: unknown): unknown {
  if (error instanceof GrammyError && error.error_code !== 429 && error.error_code < 500) {
    return new PermanentDeliveryError(`${error.error_code}: ${error.description}`, { cause: error });
  }
  return error;
}

/** 403: never started, blocked the bot, or deactivated; 400 "chat not found": no such private chat. */
function isUnreachable(error: GrammyError): boolean {
  return error.error_code === 403 || (error.error_code === 400 && /chat not found|user not found/i.test(error.description));
}
