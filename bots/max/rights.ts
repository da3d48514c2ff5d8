import type { Api } from '@maxhub/max-bot-api';
import type { BotRight } from '../../src/domain/errors.js';

/**
 * What the bot may not do in a group chat that its work there needs: to write. MAX tells a member's
 * rights only for an administrator (`permissions`, null for others); an administrator without
 * "write" may not post. A plain member writes as any member does (and reads the commands sent to it).
 */
export async function missingRights(api: Api, chatId: number): Promise<BotRight[]> {
  const me = await api.getChatMembership(chatId);
  return me.is_admin && Array.isArray(me.permissions) && !me.permissions.includes('write') ? ['send'] : [];
}
