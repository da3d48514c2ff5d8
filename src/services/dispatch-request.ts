import { toPublicView, type HelpRequest } from '../domain/request.js';
import type { ChatRef, DistrictChatRepository, Logger, Messengers, RequestRepository } from './ports.js';
import { describeError } from './describe-error.js';

export interface DispatchDeps {
  requests: RequestRepository;
  districtChats: DistrictChatRepository;
  messengers: Messengers;
  /** Where requests of a district without a volunteer chat go (one per platform at most). */
  headquartersChats: readonly ChatRef[];
  logger: Logger;
  now: () => Date;
}

/** Posts a new request to its district's volunteer chats, or to the HQ chat when the district has none. */
export function createDispatchRequest(deps: DispatchDeps) {
  return async function dispatchRequest(request: HelpRequest): Promise<void> {
    const chats = await deps.districtChats.chatsOf(request.district);
    const targets = chats.length > 0
      ? chats.map((chat) => ({ ...chat, viaHeadquarters: false }))
      : deps.headquartersChats.map((chat) => ({ ...chat, district: request.district, viaHeadquarters: true }));
    if (targets.length === 0) {
      deps.logger.error({ request: request.number, district: request.district }, 'no volunteer chat and no HQ chat: request not posted');
      return;
    }
    const view = toPublicView(request);
    // One chat failing must not keep the request from the others.
    await Promise.all(
      targets.map(async (target) => {
        const messenger = deps.messengers[target.platform];
        if (!messenger) {
          deps.logger.warn({ request: request.number, platform: target.platform }, 'district chat on a platform that is not running');
          return;
        }
        try {
          const messageId = await messenger.postRequest(target.chatId, view, target.viaHeadquarters);
          await deps.requests.addPost(
            request.number,
            { platform: target.platform, chatId: target.chatId, messageId, viaHeadquarters: target.viaHeadquarters },
            deps.now(),
          );
        } catch (error) {
          deps.logger.error({ err: describeError(error), request: request.number, platform: target.platform }, 'posting a request failed');
        }
      }),
    );
  };
}

export type DispatchRequest = ReturnType<typeof createDispatchRequest>;
