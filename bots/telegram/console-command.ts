import { Composer } from 'grammy';
import type { Catalog } from '../../src/messages/catalog.js';
import type { ConsoleLinkIssuer } from '../../src/services/console-access.js';
import type { BotContext } from './context.js';

/**
 * /console: a coordinator or operator gets a one-time link that signs them in to the web console.
 * Only in a private chat (a link in a group would sign in whoever clicks first), and without a link
 * preview, so that Telegram does not open the link before the person does.
 */
export function createTelegramConsoleCommand(deps: { catalog: Catalog; issueLink: ConsoleLinkIssuer }) {
  const { catalog } = deps;
  const composer = new Composer<BotContext>();
  composer.command('console', async (ctx) => {
    if (ctx.chat.type !== 'private' || !ctx.from) return ctx.reply(catalog.t('console.bot.privateOnly'));
    const name = [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ') || (ctx.from.username ? `@${ctx.from.username}` : String(ctx.from.id));
    const link = await deps.issueLink({ platform: 'telegram', userId: String(ctx.from.id) }, name);
    if (!link) return ctx.reply(catalog.t('console.bot.notAllowed'));
    return ctx.reply(catalog.t('console.bot.link', { url: link.url, minutes: link.minutes }), { link_preview_options: { is_disabled: true } });
  });
  return composer;
}
