/**
 * Where in a group chat the bot posts: the chat itself ("-100123"), or one topic of it
 * ("-100123/45"), as forum supergroups in Telegram keep one topic per district. The services keep
 * and compare it as the chat id; a platform module splits it where it calls its API.
 */

/** The address of a topic in a chat; the chat's own where there is no topic. */
export function chatAddress(chatId: string | number, topicId?: string | number): string {
  return topicId === undefined ? String(chatId) : `${chatId}/${topicId}`;
}

/** The chat and the topic (if any) of an address. */
export function splitChatAddress(address: string): { chatId: string; topicId?: number } {
  const slash = address.indexOf('/');
  if (slash < 0) return { chatId: address };
  return { chatId: address.slice(0, slash), topicId: Number(address.slice(slash + 1)) };
}

/** Whether an address is the chat or one of its topics. */
export function isInChat(address: string, chatId: string): boolean {
  return splitChatAddress(address).chatId === splitChatAddress(chatId).chatId;
}
