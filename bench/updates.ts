import type { Update } from 'grammy/types';
import { encodeCallback } from '../bots/telegram/callback-data.js';

/**
 * Telegram updates as a person's client would produce them, for feeding the bot in process. Update
 * ids are unique within one factory, as Telegram's are within one bot. The personal data is made up
 * from the user id: no real name, address or phone appears anywhere in the bench.
 */
export function createUpdateFactory() {
  let nextUpdateId = 1;
  let nextMessageId = 1;
  const now = () => Math.floor(Date.now() / 1000);
  const user = (userId: number) => ({ id: userId, is_bot: false, first_name: `Bench${userId}` });
  const privateChat = (userId: number) => ({ id: userId, type: 'private' as const, first_name: `Bench${userId}` });

  function text(userId: number, body: string): Update {
    const command = /^\/\w+/.exec(body)?.[0];
    return {
      update_id: nextUpdateId++,
      message: {
        message_id: nextMessageId++,
        date: now(),
        chat: privateChat(userId),
        from: user(userId),
        text: body,
        ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command.length }] } : {}),
      },
    };
  }

  function press(userId: number, data: string, chat: { id: number; type: 'private' | 'supergroup' } = { id: userId, type: 'private' }): Update {
    const chatObject = chat.type === 'private' ? privateChat(userId) : { id: chat.id, type: 'supergroup' as const, title: 'Volunteers' };
    return {
      update_id: nextUpdateId++,
      callback_query: {
        id: `cb${nextUpdateId}`,
        from: user(userId),
        chat_instance: String(chat.id),
        data,
        message: { message_id: nextMessageId++, date: now(), chat: chatObject, text: '…' },
      },
    } as Update;
  }

  return {
    /** A text message (or a command) in a person's private chat. */
    text,
    /**
     * The whole help-request questionnaire, answered the shortest way (groceries, so no prescription
     * question): /start, "new request", consent, then each answer; the last update presses "Send". `seq` is the
     * number of the prompt each button belongs to, as the bot numbers them.
     */
    helpRequest(userId: number, districtIndex = 0): Update[] {
      const pick = (seq: number, index: number) => press(userId, encodeCallback({ kind: 'answer', seq, index }));
      const digits = String(userId % 1_000_000_000).padStart(9, '0');
      return [
        text(userId, '/start'),
        press(userId, encodeCallback({ kind: 'menu', item: 'new' })),
        pick(1, 0), // consent: yes
        pick(2, 0), // category: pensioner
        text(userId, '81'), // age
        pick(4, districtIndex), // district
        pick(5, 0), // help: groceries
        text(userId, `Продукты по списку, заказ ${userId}`), // description
        text(userId, `Получатель ${userId}`), // name
        text(userId, `ул. Тестовая, д. ${userId % 1000}, кв. 1`), // address
        text(userId, `8 9${digits.slice(0, 2)} ${digits.slice(2, 5)}-${digits.slice(5, 7)}-${digits.slice(7, 9)}`), // phone
        pick(10, 0), // summary: send
      ];
    },
    /** A volunteer pressing "Take request" on a group post. */
    claim(userId: number, groupId: number, requestNumber: number): Update {
      return press(userId, encodeCallback({ kind: 'claim', number: requestNumber }), { id: groupId, type: 'supergroup' });
    },
  };
}

export type UpdateFactory = ReturnType<typeof createUpdateFactory>;
