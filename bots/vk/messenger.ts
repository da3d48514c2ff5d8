import { createHash } from 'node:crypto';
import { APIError, getRandomId, Keyboard, type API } from 'vk-io';
import { ChatLostError, type ChatLostReason } from '../../src/domain/errors.js';
import type { Messenger } from '../../src/services/ports.js';
import { deliveryCalls, privateMessages, type RefusalReader } from '../../src/services/private-chat/outgoing.js';
import { keyboardOf, postKeyboard } from './render.js';
import type { Catalog } from '../../src/scenario/text.js';
import type { RequestTexts } from '../../src/services/texts.js';

/** Peer ids of VK conversations start here; smaller ones are people. */
export const CHAT_PEER_OFFSET = 2_000_000_000;

/**
 * VK refuses to write to a person who has not allowed messages from the community (901), whose
 * privacy settings forbid it (902), or who blocked it (900).
 */
const UNREACHABLE_CODES = new Set([900, 901, 902]);
/** Errors that will not go away by waiting: no access to the chat or the message, bad parameters. */
const PERMANENT_CODES = new Set([...UNREACHABLE_CODES, 7, 15, 100, 909, 911, 914, 917, 936, 945, 946]);
/** VK's "too many requests per second" (6) and "flood control" (9): wait before trying again. */
const SLOW_DOWN_MS: Record<number, number> = { 6: 1000, 9: 60_000 };

/**
 * VK's refusals, in a conversation, that mean the community cannot write there any more, as VK's
 * error list words them (errors.json of VK's API schema, github.com/VKCOM/vk-api-schema, v5.199;
 * each is among the errors its messages/methods.json lists for messages.send, 917 and 946 for
 * messages.edit too):
 *  - 917 "You don't have access to this chat" (api_error_messages_chat_user_no_access; a
 *    conversation's `can_write.reason` 917 is "No access to chat"): the community is no longer a
 *    member, someone removed it;
 *  - 922 "You left this chat" (api_error_messages_chat_user_left): the same, from the other side;
 *  - 1012 "Writing is disabled for this chat" (api_error_messages_writing_disabled_for_chat): it is
 *    still there, but may not write;
 *  - 945 "Chat was disabled" (api_error_messages_chat_disabled) and 946 "Chat not supported"
 *    (api_error_messages_chat_unsupported): the conversation itself is no longer one to write in.
 * Not 7, "Permission to perform this action is denied": a global error ("global": true in the list)
 * that VK's error page explains as a right the token lacks ("Make sure that your have received
 * required permissions during the authorization"), true of every chat at once, not of this one; it
 * stays a permanent refusal of the one message. A person's refusals are never read this way (see
 * `callsTo`).
 */
const CHAT_LOST_CODES: Record<number, ChatLostReason> = { 917: 'removed', 922: 'removed', 1012: 'noRights', 945: 'gone', 946: 'gone' };

const lostReasonOf = (code: number): ChatLostReason | null => CHAT_LOST_CODES[code] ?? null;

const refusals: RefusalReader = {
  platform: 'vk',
  permanent: (error) => (error instanceof APIError && PERMANENT_CODES.has(Number(error.code)) ? `${Number(error.code)}: ${error.message}` : null),
  unreachable: (error) => (error instanceof APIError && UNREACHABLE_CODES.has(Number(error.code)) ? `${error.code}: ${error.message}` : null),
};
const toPeople = deliveryCalls(refusals);
const toConversations = deliveryCalls({ ...refusals, lost: (error) => (error instanceof APIError ? lostReasonOf(Number(error.code)) : null) });

/** The calls for a peer: only in a conversation does a refusal mean the chat is lost. */
const callsTo = (peerId: string | number) => (Number(peerId) >= CHAT_PEER_OFFSET ? toConversations : toPeople);

/**
 * A community edits its message only within 24 hours of sending (messages.edit answers 909 "too old"
 * after that; deleting for everyone has the same window). Everything the bot takes back here is a
 * text (VK has no contact cards), so it edits within the day; an older one is left, and its reader is
 * asked to delete it.
 */
const EDITABLE_FOR_MS = 24 * 3600_000;

/** The services' Messenger over the VK API. */
export function createVkMessenger(api: API, texts: RequestTexts, catalog: Catalog): Messenger {
  return {
    platform: 'vk',
    async postRequest(chatId, view, viaHeadquarters, options) {
      // `peer_ids` makes VK return the conversation message id, the only id a community bot may
      // use to edit its message in a conversation later.
      const sent = (await callsTo(chatId).call(() =>
        api.messages.send({
          peer_ids: Number(chatId),
          message: texts.groupPost(view, viaHeadquarters),
          keyboard: postKeyboard(catalog, view),
          random_id: randomIdFor(options?.deliveryKey),
        }),
      )) as unknown as { peer_id: number; conversation_message_id?: number; error?: { code: number; description: string } }[];
      const [result] = sent;
      // With peer_ids VK reports a refusal (the community was removed from the chat) per peer, in
      // the answer rather than as an error. One that means the chat is lost is read as such; any
      // other is tried again.
      if (result?.error) {
        const lost = Number(chatId) >= CHAT_PEER_OFFSET ? lostReasonOf(Number(result.error.code)) : null;
        if (lost) throw new ChatLostError('vk', lost);
        throw new Error(`VK refused the group post: ${result.error.code} ${result.error.description}`);
      }
      if (result?.conversation_message_id === undefined) throw new Error('VK did not return the conversation message id of a group post');
      return String(result.conversation_message_id);
    },
    async updatePost(post, view) {
      await callsTo(post.chatId).call(() =>
        api.messages.edit({
          peer_id: Number(post.chatId),
          conversation_message_id: Number(post.messageId),
          message: texts.groupPost(view, post.viaHeadquarters),
          keyboard: postKeyboard(catalog, view),
        }),
      );
    },
    // options.silent is not used: VK's messages.send has no silent delivery, so news sent during quiet
    // hours arrives as the person's own notification settings say.
    ...privateMessages(catalog, texts, {
      send: async (chatId, message, options) =>
        String(
          await callsTo(chatId).send(() =>
            api.messages.send({
              peer_id: Number(chatId),
              message: message.text,
              ...(message.buttons ? { keyboard: keyboardOf(message.buttons) } : {}),
              random_id: randomIdFor(options?.deliveryKey),
            }),
          ),
        ),
      edit: async (chatId, messageId, text) => {
        // An empty inline keyboard takes the card's buttons away, as a group post loses its button.
        await callsTo(chatId).call(() =>
          api.messages.edit({ peer_id: Number(chatId), message_id: Number(messageId), message: text, keyboard: Keyboard.builder().inline() }),
        );
      },
      editableForMs: EDITABLE_FOR_MS,
    }),
    describeFailure(error) {
      if (error instanceof APIError) {
        const code = Number(error.code);
        return { reason: `${code}: ${error.message}`, ...(SLOW_DOWN_MS[code] ? { retryAfterMs: SLOW_DOWN_MS[code] } : {}) };
      }
      return { reason: String((error as Error)?.name ?? error) };
    },
    isGroupChat: (chatId) => Number(chatId) >= CHAT_PEER_OFFSET,
  };
}

/**
 * VK drops a message whose random_id it has seen from this community to this peer recently, which is
 * exactly the guard a resend after a crash needs: the same outbox key always gives the same id. VK
 * takes a positive 32-bit integer; without a key a random one is used.
 */
export function randomIdFor(deliveryKey: string | undefined): number {
  if (!deliveryKey) return getRandomId() % 2_147_483_647 || 1;
  return createHash('sha256').update(deliveryKey).digest().readUInt32BE(0) % 2_147_483_647 || 1;
}
