import type { API } from 'vk-io';
import { publicName } from '../../src/services/private-chat/chat-text.js';

/** A VK user's public name; VK's messages carry no name, so it is asked for. Null when VK knows no such user. */
export async function displayNameOf(api: API, userId: number): Promise<string | null> {
  const [user] = await api.users.get({ user_ids: [userId] });
  return user ? publicName({ first: user.first_name, last: user.last_name }) : null;
}
