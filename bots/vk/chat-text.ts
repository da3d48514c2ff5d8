/** In a conversation VK may prefix a message with a mention of the community: "[club1|@bot] /bind …". */
export function withoutMention(text: string): string {
  return text.replace(/^\[club\d+\|[^\]]*\]\s*[,:]?\s*/, '').trim();
}
