import type { Api } from '@maxhub/max-bot-api';
import type { ConsoleChat, ConsoleWhere } from '../../src/services/console/console-chat.js';
import { parseCommand } from '../../src/services/private-chat/chat-text.js';
import type { Catalog } from '../../src/scenario/text.js';
import { publicNameOf, withoutMention, type MaxPlace } from './input.js';
import { consolePayload } from './payload.js';
import { sendReply, type MaxPress } from './render.js';

const CONSOLE = /^\/console\s*$/i;

/**
 * The coordinator console in MAX: the people registry's sightings, coordinators' commands and
 * buttons (pages, cards, actions), and /console. The bot sends no files here, so /export answers
 * that the file comes from the Telegram bot.
 */
export function createMaxConsoleHandlers(api: Api, deps: { consoleChat: ConsoleChat; catalog: Catalog }) {
  const { consoleChat, catalog } = deps;
  const whereOf = ({ user, chatId, privately }: MaxPlace): ConsoleWhere => ({ person: { platform: 'max', userId: String(user.user_id) }, chatId, privately });

  return {
    /** Who wrote privately or pressed a button: only the names MAX shows everyone, never a phone. */
    seen: (place: MaxPlace) =>
      consoleChat.seen({
        person: whereOf(place).person,
        username: place.user.username ?? null,
        displayName: publicNameOf(place.user),
        privately: place.privately,
      }),

    /** Answers /console or a coordinator command; false when the message is none of these: the bot goes on as before. */
    async onMessage(place: MaxPlace, text: string): Promise<boolean> {
      const where = whereOf(place);
      const command = parseCommand(withoutMention(text));
      const reply = CONSOLE.test(text.trim())
        ? await consoleChat.consoleLink(where, async () => publicNameOf(place.user))
        : command
          ? await consoleChat.command(where, command.name, command.args)
          : null;
      if (!reply) return false;
      await sendReply(api, place.chatId, reply, catalog);
      return true;
    },

    /** Answers a press of a coordinator's button; false for any other button. */
    async onPress(place: MaxPlace, payload: string | undefined, press: MaxPress): Promise<boolean> {
      const data = consolePayload(payload);
      if (data === null) return false;
      await sendReply(api, place.chatId, await consoleChat.press(whereOf(place), data), catalog, press);
      return true;
    },
  };
}
