import type { PersonRef } from '../../domain/request.js';
import type { Catalog } from '../../scenario/text.js';
import { splitChatAddress } from '../../domain/chat-address.js';
import { MissingRightsError, type BotRight } from '../../domain/errors.js';
import type { DistrictBinding } from '../bind-district.js';
import type { ChatTexts } from '../texts.js';

/**
 * The commands of a volunteers' group chat on every platform: a coordinator's /bind and /unbind, and
 * /start or /id, which tell the chat's id (the HQ chat setting needs it). Null for any other command.
 */
export function createGroupChat(deps: {
  catalog: Catalog;
  words: Pick<ChatTexts, 'bindReply' | 'unbindReply'>;
  binding: DistrictBinding;
  districts: readonly string[];
}) {
  const { catalog } = deps;
  return {
    /**
     * `title` is the chat's name where the platform tells it: /districts shows it instead of the id.
     * `place.missingRights` says what the bot may not do in the chat, where the platform can tell.
     */
    async command(by: PersonRef, chatId: string, name: string, args: string, place: GroupPlace = {}): Promise<GroupChatAnswer | null> {
      // The service checks the role before the district, so a volunteer learns nothing but the refusal.
      if (name === 'bind') {
        const result = await deps.binding.bind(by, by.platform, chatId, args, place.title, place.missingRights).catch((error: unknown) => ({ error }));
        const text = deps.words.bindReply(deps.districts, args, result);
        // The bot cannot write in that chat: the coordinator reads why in their private chat.
        return 'error' in result && result.error instanceof MissingRightsError ? { text, privately: true } : { text };
      }
      if (name === 'unbind') {
        const result = await deps.binding.unbind(by, by.platform, chatId).then(
          (district) => ({ district }),
          (error: unknown) => ({ error }),
        );
        return { text: deps.words.unbindReply(result) };
      }
      if (name === 'start' || name === 'id') {
        const district = await deps.binding.districtOf(by.platform, chatId);
        // The id the HQ chat setting takes is the chat's, also when asked in one of its topics.
        const id = splitChatAddress(chatId).chatId;
        return { text: district ? catalog.t('bot.start.groupBound', { district, chatId: id }) : catalog.t('bot.start.groupHint', { chatId: id }) };
      }
      return null;
    },
  };
}

export type GroupChat = ReturnType<typeof createGroupChat>;

/** What the platform tells of the chat a command came from. */
export interface GroupPlace {
  title?: string;
  missingRights?: () => Promise<readonly BotRight[]>;
}

/** The answer to a group command: in the chat, or in the sender's private chat where the bot cannot write in the group. */
export interface GroupChatAnswer {
  text: string;
  privately?: true;
}
