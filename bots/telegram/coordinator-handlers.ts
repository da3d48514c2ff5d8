import { Composer } from 'grammy';
import { NotCoordinatorError, UnknownDistrictError } from '../../src/domain/errors.js';
import type { Catalog } from '../../src/messages/catalog.js';
import type { DistrictBinding } from '../../src/services/bind-district.js';
import type { BotContext } from './context.js';

/** /bind and /unbind, sent by a coordinator in a volunteer group. */
export function createCoordinatorHandlers(deps: { catalog: Catalog; binding: DistrictBinding; districts: readonly string[] }) {
  const { catalog } = deps;
  const composer = new Composer<BotContext>();
  const districtList = deps.districts.join(', ');

  composer.command('bind', async (ctx) => {
    if (!ctx.from) return;
    if (ctx.chat.type === 'private' || ctx.chat.type === 'channel') {
      await ctx.reply(catalog.t('bind.groupOnly'));
      return;
    }
    const input = ctx.match.trim();
    try {
      // The service checks the role before the district, so a volunteer learns nothing but the refusal.
      const result = await deps.binding.bind({ platform: 'telegram', userId: String(ctx.from.id) }, 'telegram', String(ctx.chat.id), input);
      await ctx.reply(
        result.previousDistrict
          ? catalog.t('bind.moved', { district: result.district, previous: result.previousDistrict })
          : catalog.t('bind.done', { district: result.district }),
      );
    } catch (error) {
      if (error instanceof NotCoordinatorError) await ctx.reply(catalog.t('bot.errors.notCoordinator'));
      else if (error instanceof UnknownDistrictError) {
        await ctx.reply(input ? catalog.t('bind.unknown', { input, districts: districtList }) : catalog.t('bind.usage', { districts: districtList }));
      } else throw error;
    }
  });

  composer.command('unbind', async (ctx) => {
    if (!ctx.from) return;
    if (ctx.chat.type === 'private' || ctx.chat.type === 'channel') {
      await ctx.reply(catalog.t('bind.groupOnly'));
      return;
    }
    try {
      const district = await deps.binding.unbind({ platform: 'telegram', userId: String(ctx.from.id) }, 'telegram', String(ctx.chat.id));
      await ctx.reply(district ? catalog.t('bind.unbound', { district }) : catalog.t('bind.notBound'));
    } catch (error) {
      if (error instanceof NotCoordinatorError) await ctx.reply(catalog.t('bot.errors.notCoordinator'));
      else throw error;
    }
  });
  return composer;
}
