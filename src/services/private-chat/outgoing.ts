import type { HelpRequest } from '../../domain/request.js';
import type { Catalog } from '../../messages/catalog.js';
import type { RequestTexts } from '../../messages/request-texts.js';
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
export function privateMessages(catalog: Catalog, texts: RequestTexts, send: SendPrivately): Pick<Messenger, 'sendText' | 'sendTaskCard' | 'sendFeedbackRequest'> {
  return {
    sendText: (chatId, text, options) => send(chatId, { text }, options),
    sendFeedbackRequest: (chatId, number, text, options) => send(chatId, { text, buttons: ratingButtons(number) }, options),
    sendTaskCard: (chatId, request: HelpRequest, options) =>
      send(chatId, { text: [options?.note, texts.volunteerDetails(request)].filter(Boolean).join('\n\n'), buttons: taskButtons(catalog, request.number) }, options),
  };
}
