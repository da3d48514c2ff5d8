import { isInChat } from '../domain/chat-address.js';
import type { ChatLostReason } from '../domain/errors.js';
import type { Platform } from '../domain/request.js';
import type { Catalog } from '../scenario/text.js';
import type { ChatRef, DistrictChat, DistrictChatRepository, Logger, Outbox, RequestRepository } from './ports.js';
import type { RequestEffects } from './request-effects.js';

export interface ChatBindingsDeps {
  districtChats: DistrictChatRepository;
  requests: Pick<RequestRepository, 'listOpen'>;
  effects: Pick<RequestEffects, 'enqueueFor'>;
  outbox: Outbox;
  headquartersChats: readonly ChatRef[];
  catalog: Catalog;
  logger: Logger;
  now: () => Date;
  /** Wakes this process's outbox worker for what was just enqueued. */
  wake?: () => void;
}

/** The waiting requests of a district posted again at once when its chat is lost; more wait for the sweep of their next change. */
const REPOST_AT_ONCE = 200;

/**
 * Volunteer chats changing under the running bot, whether the platform says so in an update or a
 * refused message shows it: a chat with a new id keeps its binding, and a chat the bot can no longer
 * write in is marked broken, the HQ chats told, and the district's waiting requests posted where its
 * requests go now (the HQ chat, or the district's other chats) until a coordinator binds a chat again.
 */
export function createChatBindings(deps: ChatBindingsDeps) {
  const isHeadquarters = (platform: Platform, chatId: string) => deps.headquartersChats.some((c) => c.platform === platform && c.chatId === chatId);

  return {
    /** A group became a supergroup with a new id: the binding follows it. */
    async moved(platform: Platform, fromChatId: string, toChatId: string): Promise<void> {
      const moved = await deps.districtChats.move(platform, fromChatId, toChatId);
      if (moved) deps.logger.info({ platform, district: moved.district }, 'a volunteer chat has a new id; its binding moved with it');
      // The HQ chat is configuration: only whoever runs the system can change it.
      if (isHeadquarters(platform, fromChatId)) deps.logger.warn({ platform, chatId: toChatId }, 'the HQ chat has a new id: set the HQ chat setting to it');
    },

    /** A post reached the chat: /districts shows when a chat last had one. */
    async posted(platform: Platform, chatId: string): Promise<void> {
      await deps.districtChats.notePost(platform, chatId, deps.now());
    },

    /**
     * The bot can no longer write in a chat: every binding in it (the chat's own, and each of its
     * topics) is marked broken. True when one of them was a district's working chat.
     */
    async lost(platform: Platform, chatId: string, reason: ChatLostReason): Promise<boolean> {
      // Nobody reads an HQ chat's loss in that chat: it goes to the log for whoever runs the system.
      if (isHeadquarters(platform, chatId)) deps.logger.error({ platform, failure: reason }, 'the bot can no longer write in the HQ chat');
      const inside = (await deps.districtChats.listAll()).filter((c) => c.platform === platform && !c.broken && isInChat(c.chatId, chatId));
      let any = false;
      for (const binding of inside) any = (await breakBinding(binding, reason)) || any;
      if (any) deps.wake?.();
      return any;
    },
  };

  /** Marks one binding broken; the HQ chats told, the district's waiting requests posted where its requests go now. */
  async function breakBinding(binding: DistrictChat, reason: ChatLostReason): Promise<boolean> {
    const at = deps.now();
    const broken = await deps.districtChats.markBroken(binding.platform, binding.chatId, reason, at);
    if (!broken) return false;
    deps.logger.warn({ platform: broken.platform, district: broken.district, failure: reason }, 'a volunteer chat is lost; its binding is marked broken');
    const others = (await deps.districtChats.chatsOf(broken.district)).filter((c) => !c.broken);
    const text = deps.catalog.t(others.length > 0 ? 'group.lostOthersRemain' : 'group.lost', {
      district: broken.district,
      chat: broken.title ? `«${broken.title}»` : broken.chatId,
      reason: deps.catalog.t(`group.lostReason.${reason}`),
    });
    await deps.outbox.enqueue(
      deps.headquartersChats.map((hq) => ({
        key: `chat-lost:${broken.platform}:${broken.chatId}:${at.getTime()}:${hq.platform}:${hq.chatId}`,
        message: { kind: 'text' as const, platform: hq.platform, chatId: hq.chatId, text },
      })),
      at,
    );
    const { items } = await deps.requests.listOpen({ district: broken.district, status: 'new', skip: 0, limit: REPOST_AT_ONCE });
    for (const request of items) await deps.effects.enqueueFor(request);
    return true;
  }
}

export type ChatBindings = ReturnType<typeof createChatBindings>;
