import type { API } from 'vk-io';
import { publicName } from '../../src/services/private-chat/chat-text.js';

/** A VK user's public name; VK's messages carry no name, so it is asked for. Null when VK knows no such user. */
export async function displayNameOf(api: API, userId: number): Promise<string | null> {
  const [user] = await api.users.get({ user_ids: [userId] });
  return user ? publicName({ first: user.first_name, last: user.last_name }) : null;
}

/** A conversation's title, for /districts; undefined where VK does not show it to the community. */
export async function chatTitleOf(api: API, peerId: number): Promise<string | undefined> {
  const found = await api.messages.getConversationsById({ peer_ids: peerId }).catch(() => undefined);
  return found?.items[0]?.chat_settings?.title || undefined;
}
