import { Composer } from 'grammy';
import { bindReplyText, unbindReplyText } from '../../src/messages/command-texts.js';
import type { Catalog } from '../../src/messages/catalog.js';
import type { DistrictBinding } from '../../src/services/bind-district.js';
import type { BotContext } from './context.js';

/** /bind and /unbind, sent by a coordinator in a volunteer group. */
export function createCoordinatorHandlers(deps: { catalog: Catalog; binding: DistrictBinding; districts: readonly string[] }) {
  const { catalog } = deps;
  const composer = new Composer<BotContext>();
  const groups = composer.chatType(['group', 'supergroup']);

  // The service checks the role before the district, so a volunteer learns nothing but the refusal.
  groups.command('bind', async (ctx) => {
    const input = ctx.match.trim();
    const result = await deps.binding
      .bind({ platform: 'telegram', userId: String(ctx.from.id) }, 'telegram', String(ctx.chat.id), input)
      .catch((error: unknown) => ({ error }));
    await ctx.reply(bindReplyText(catalog, deps.districts, input, result));
  });
  groups.command('unbind', async (ctx) => {
    const result = await deps.binding
      .unbind({ platform: 'telegram', userId: String(ctx.from.id) }, 'telegram', String(ctx.chat.id))
      .then((district) => ({ district }), (error: unknown) => ({ error }));
    await ctx.reply(unbindReplyText(catalog, result));
  });
  composer.chatType('private').command(['bind', 'unbind'], (ctx) => ctx.reply(catalog.t('bind.groupOnly')));
  return composer;
}
