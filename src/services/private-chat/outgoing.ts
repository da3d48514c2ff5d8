import { RecipientUnreachableError } from '../../domain/errors.js';
import type { HelpRequest, Platform } from '../../domain/request.js';
import type { Catalog } from '../../messages/catalog.js';
import type { RequestTexts } from '../../messages/request-texts.js';
import { PermanentDeliveryError } from '../outbox/permanent-delivery-error.js';
import type { Messenger, SendOptions } from '../ports.js';
import { ratingButtons, taskButtons } from './dialogue.js';
import type { ChatButton } from './reply.js';

/** One message to a person's private chat, outside any reply: text and rows of buttons. */
export interface OutgoingMessage {
  text: string;
  buttons?: ChatButton[][];
}

/** Sends one private message the platform's way; throws RecipientUnreachableError when the person cannot be written to. */
export type SendPrivately = (chatId: string, message: OutgoingMessage, options?: SendOptions) => Promise<void>;

/**
 * The private messages of a messenger, alike on every platform: news as text, a volunteer's task
 * card with its actions (after the note that says why it comes), a requester's rating question.
 */
export function privateMessages(
  catalog: Catalog,
  texts: RequestTexts,
  send: SendPrivately,
): Pick<Messenger, 'sendText' | 'sendTaskCard' | 'sendFeedbackRequest'> {
  return {
    sendText: (chatId, text, options) => send(chatId, { text }, options),
    sendFeedbackRequest: (chatId, number, text, options) => send(chatId, { text, buttons: ratingButtons(number) }, options),
    sendTaskCard: (chatId, request: HelpRequest, options) =>
      send(
        chatId,
        { text: [options?.note, texts.volunteerDetails(request)].filter(Boolean).join('\n\n'), buttons: taskButtons(catalog, request.number) },
        options,
      ),
  };
}

/** How a platform reads its own refusals; each gives the reason to record, or null when the error is not of its kind. */
export interface RefusalReader {
  platform: Platform;
  /** A refusal that asking again will not change. */
  permanent(error: unknown): string | null;
  /** A private chat's "cannot write to this person". */
  unreachable(error: unknown): string | null;
}

/**
 * Calls to a platform with its final refusals typed for the outbox, which then gives up at once:
 * `call` turns one into PermanentDeliveryError; `send`, for a private message, turns "cannot write
 * to this person" into RecipientUnreachableError first.
 */
export function deliveryCalls(reader: RefusalReader) {
  const asPermanent = (error: unknown): unknown => {
    const reason = reader.permanent(error);
    return reason === null ? error : new PermanentDeliveryError(reason, { cause: error });
  };
  return {
    async call<T>(request: () => Promise<T>): Promise<T> {
      try {
        return await request();
      } catch (error) {
        throw asPermanent(error);
      }
    },
    async send(request: () => Promise<unknown>): Promise<void> {
      try {
        await request();
      } catch (error) {
        const unreachable = reader.unreachable(error);
        throw unreachable === null ? asPermanent(error) : new RecipientUnreachableError(reader.platform, unreachable);
      }
    },
  };
}
