import { getRandomId, type Context, type MessageContext, type VK } from 'vk-io';
import type { Catalog } from '../../src/messages/catalog.js';
import type { ConsoleLinkIssuer } from '../../src/services/console-access.js';
import { displayNameOf } from './users.js';

const CONSOLE = /^\/console\s*$/i;

/**
 * /console in the community's messages: a coordinator or operator gets a one-time sign-in link to
 * the web console (VK is told not to fetch a snippet of it). In a conversation it is refused: a link
 * there would sign in whoever clicks first. Every other update goes on to the bot's handlers.
 */
export function createVkConsoleCommand(vk: VK, deps: { catalog: Catalog; issueLink: ConsoleLinkIssuer }) {
  const say = (ctx: MessageContext, message: string) => vk.api.messages.send({ peer_id: ctx.peerId, message, random_id: getRandomId(), dont_parse_links: 1 });
  return async (context: Context, next: () => Promise<unknown>) => {
    const ctx = context as MessageContext;
    if (!context.is(['message_new']) || ctx.isOutbox || !CONSOLE.test(ctx.text?.trim() ?? '')) return next();
    if (ctx.isChat) return say(ctx, deps.catalog.t('console.bot.privateOnly'));
    const name = (await displayNameOf(vk.api, ctx.senderId).catch(() => null)) ?? `id${ctx.senderId}`;
    const link = await deps.issueLink({ platform: 'vk', userId: String(ctx.senderId) }, name);
    if (!link) return say(ctx, deps.catalog.t('console.bot.notAllowed'));
    return say(ctx, deps.catalog.t('console.bot.link', { url: link.url, minutes: link.minutes }));
  };
}
