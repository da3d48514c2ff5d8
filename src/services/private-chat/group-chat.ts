import type { PersonRef } from '../../domain/request.js';
import type { Catalog } from '../../scenario/text.js';
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
    /** `title` is the chat's name where the platform tells it: /districts shows it instead of the id. */
    async command(by: PersonRef, chatId: string, name: string, args: string, title?: string): Promise<string | null> {
      // The service checks the role before the district, so a volunteer learns nothing but the refusal.
      if (name === 'bind') {
        const result = await deps.binding.bind(by, by.platform, chatId, args, title).catch((error: unknown) => ({ error }));
        return deps.words.bindReply(deps.districts, args, result);
      }
      if (name === 'unbind') {
        const result = await deps.binding.unbind(by, by.platform, chatId).then(
          (district) => ({ district }),
          (error: unknown) => ({ error }),
        );
        return deps.words.unbindReply(result);
      }
      if (name === 'start' || name === 'id') {
        const district = await deps.binding.districtOf(by.platform, chatId);
        return district ? catalog.t('bot.start.groupBound', { district, chatId }) : catalog.t('bot.start.groupHint', { chatId });
      }
      return null;
    },
  };
}

export type GroupChat = ReturnType<typeof createGroupChat>;
