import { resolveDistrict } from '../domain/districts.js';
import { MissingRightsError, NotCoordinatorError, type BotRight } from '../domain/errors.js';
import type { PersonRef, Platform } from '../domain/request.js';
import type { IsCoordinator } from './coordinators.js';
import type { DistrictChatRepository, Logger } from './ports.js';

export interface BindDeps {
  districtChats: DistrictChatRepository;
  districts: readonly string[];
  isCoordinator: IsCoordinator;
  logger: Logger;
  now: () => Date;
}

/** Telegram allows a group title of 128 characters; a longer one from elsewhere is cut, not refused. */
const MAX_TITLE = 128;

/** Binding of volunteer chats to districts; coordinators only. */
export function createDistrictBinding(deps: BindDeps) {
  return {
    /**
     * Binds a chat to the district the coordinator named (throws UnknownDistrictError,
     * NotCoordinatorError). `title`, where the platform shows the chat's, is kept for /districts.
     * `missingRights`, where the platform can tell, says what the bot may not do there: a chat it
     * cannot post in is not bound (MissingRightsError).
     */
    async bind(by: PersonRef, platform: Platform, chatId: string, districtInput: string, title?: string, missingRights?: () => Promise<readonly BotRight[]>) {
      if (!(await deps.isCoordinator(by))) throw new NotCoordinatorError();
      const district = resolveDistrict(districtInput, deps.districts);
      const missing = (await missingRights?.()) ?? [];
      if (missing.length > 0) throw new MissingRightsError(district, missing);
      const named = title?.trim().slice(0, MAX_TITLE);
      const { previousDistrict } = await deps.districtChats.bind({ district, platform, chatId, ...(named ? { title: named } : {}) }, by, deps.now());
      deps.logger.info({ district, platform, previousDistrict }, 'chat bound to district');
      return { district, previousDistrict: previousDistrict !== district ? previousDistrict : null };
    },
    /** The district a chat serves, or null: anyone in the chat may ask (/id), it is no secret there. */
    async districtOf(platform: Platform, chatId: string): Promise<string | null> {
      const bound = (await deps.districtChats.listAll()).find((c) => c.platform === platform && c.chatId === chatId);
      return bound?.district ?? null;
    },
    /** Unbinds a chat; returns the district it served, or null. */
    async unbind(by: PersonRef, platform: Platform, chatId: string): Promise<string | null> {
      if (!(await deps.isCoordinator(by))) throw new NotCoordinatorError();
      const district = await deps.districtChats.unbind(platform, chatId);
      deps.logger.info({ district, platform }, 'chat unbound');
      return district;
    },
  };
}

export type DistrictBinding = ReturnType<typeof createDistrictBinding>;
