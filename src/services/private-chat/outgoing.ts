import { ChatLostError, ChatMovedError, RecipientUnreachableError, type ChatLostReason } from '../../domain/errors.js';
import type { HelpRequest, Platform } from '../../domain/request.js';
import type { Catalog } from '../../scenario/text.js';
import type { RequestTexts } from '../texts.js';
import { PermanentDeliveryError } from '../outbox/permanent-delivery-error.js';
import type { Messenger, SendOptions, ShownMessage } from '../ports.js';
import { ratingButtons, taskButtons } from './dialogue.js';
import type { ChatButton } from './reply.js';

/** One message to a person's private chat, outside any reply: text and rows of buttons. */
export interface OutgoingMessage {
  text: string;
  buttons?: ChatButton[][];
}

/** Sends one private message the platform's way and returns its id; throws RecipientUnreachableError when the person cannot be written to. */
export type SendPrivately = (chatId: string, message: OutgoingMessage, options?: SendOptions) => Promise<string>;

/** Kept from a platform's limit: the bot's clock and the platform's need not agree to the minute. */
const LIMIT_MARGIN_MS = 60 * 60_000;

/** A platform's calls for private messages, each throwing PermanentDeliveryError for a refusal that will not change. */
export interface PrivateChatCalls {
  send: SendPrivately;
  /** Replaces a text message's words; its buttons go. */
  edit(chatId: string, messageId: string, text: string): Promise<void>;
  /** How long after sending the platform lets a bot edit its message in a private chat; absent: at any age. */
  editableForMs?: number;
  /**
   * Deleting a message, on a platform with contact cards (which cannot be edited): the call, and how
   * long after sending the platform allows it.
   */
  remove?: { call(chatId: string, messageId: string): Promise<void>; withinMs: number };
  /** A contact card that calls with one tap, where the platform has them; elsewhere the contact is a text. */
  sendContactCard?(chatId: string, name: string, phone: string, options?: SendOptions): Promise<string>;
}

/**
 * The private messages of a messenger, alike on every platform: news as text, a volunteer's task
 * card with its actions (after the note that says why it comes) and the requester's contact, the
 * withdrawal of both once the request is no longer theirs, a requester's rating question.
 */
export function privateMessages(
  catalog: Catalog,
  texts: RequestTexts,
  calls: PrivateChatCalls,
): Pick<Messenger, 'sendText' | 'sendWithButtons' | 'sendTaskCard' | 'sendContact' | 'withdrawShown' | 'sendFeedbackRequest'> {
  const { send, remove } = calls;
  return {
    sendText: async (chatId, text, options) => {
      await send(chatId, { text }, options);
    },
    sendWithButtons: async (chatId, text, buttons, options) => {
      await send(chatId, { text, buttons }, options);
    },
    sendFeedbackRequest: async (chatId, number, text, options) => {
      await send(chatId, { text, buttons: ratingButtons(number) }, options);
    },
    sendTaskCard: async (chatId, request: HelpRequest, options) => {
      const text = [options?.note, texts.volunteerDetails(request)].filter(Boolean).join('\n\n');
      return { messageId: await send(chatId, { text, buttons: taskButtons(catalog, request.number) }, options), form: 'text' };
    },
    sendContact: async (chatId, request: HelpRequest, options) => {
      const { name, phone } = request.personal;
      if (calls.sendContactCard) return { messageId: await calls.sendContactCard(chatId, name, phone, options), form: 'contact_card' };
      return { messageId: await send(chatId, { text: catalog.t('volunteer.contact', { number: request.number, name, phone }) }, options), form: 'text' };
    },
    async withdrawShown(message: ShownMessage, request: HelpRequest, now) {
      const age = now.getTime() - message.sentAt.getTime();
      const within = (limitMs: number | undefined) => limitMs === undefined || age < limitMs - LIMIT_MARGIN_MS;
      try {
        if (message.form === 'text' && within(calls.editableForMs)) {
          await calls.edit(message.chatId, message.messageId, texts.withdrawnCard(request));
          return 'replaced';
        }
        if (remove && within(remove.withinMs)) {
          await remove.call(message.chatId, message.messageId);
          return 'deleted';
        }
      } catch (error) {
        // Refused for good (gone already, or too old after all): the reader is asked to delete it instead.
        if (error instanceof PermanentDeliveryError) return 'kept';
        throw error;
      }
      return 'kept';
    },
  };
}

/** How a platform reads its own refusals; each gives the reason to record, or null when the error is not of its kind. */
export interface RefusalReader {
  platform: Platform;
  /** A refusal that asking again will not change. */
  permanent(error: unknown): string | null;
  /** A private chat's "cannot write to this person". */
  unreachable(error: unknown): string | null;
  /** The chat's new id, where the platform moved the chat (a group turned supergroup). */
  moved?(error: unknown): string | null;
  /** Why the bot can no longer write in a group chat (removed, its rights taken, the chat gone). */
  lost?(error: unknown): ChatLostReason | null;
}

/**
 * Calls to a platform with its final refusals typed for the outbox, which then gives up at once:
 * `call` turns one into PermanentDeliveryError; `send`, for a private message, turns "cannot write
 * to this person" into RecipientUnreachableError first. A chat with a new id (ChatMovedError) and a
 * group chat the bot can no longer write in (ChatLostError) come before either: the outbox follows
 * the one and marks the other's binding broken.
 */
export function deliveryCalls(reader: RefusalReader) {
  const asPermanent = (error: unknown): unknown => {
    const movedTo = reader.moved?.(error) ?? null;
    if (movedTo !== null) return new ChatMovedError(reader.platform, movedTo);
    const lost = reader.lost?.(error) ?? null;
    if (lost !== null) return new ChatLostError(reader.platform, lost);
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
    async send<T>(request: () => Promise<T>): Promise<T> {
      try {
        return await request();
      } catch (error) {
        const unreachable = reader.unreachable(error);
        throw unreachable === null ? asPermanent(error) : new RecipientUnreachableError(reader.platform, unreachable);
      }
    },
  };
}
