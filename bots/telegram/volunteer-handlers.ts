import { Composer } from 'grammy';
import type { User } from 'grammy/types';
import type { Catalog } from '../../src/messages/catalog.js';
import { claimOutcomeText } from '../../src/messages/command-texts.js';
import type { ClaimRequest } from '../../src/services/claim-request.js';
import { decodeCallback } from './callback-data.js';
import type { BotContext } from './context.js';
import { VOLUNTEER_START_PAYLOAD } from './requester-handlers.js';

/** The "Take request" button in volunteer groups. */
export function createVolunteerHandlers(deps: { catalog: Catalog; claimRequest: ClaimRequest; botUsername: () => string }) {
  const { catalog } = deps;
  const composer = new Composer<BotContext>();

  composer.callbackQuery(/^claim:/, async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    const chatId = ctx.chat?.id;
    if (action?.kind !== 'claim' || chatId === undefined || ctx.chat?.type === 'private') {
      await ctx.answerCallbackQuery({ text: catalog.t('claim.notFound'), show_alert: true });
      return;
    }
    const outcome = await deps.claimRequest(
      action.number,
      { platform: 'telegram', userId: String(ctx.from.id), displayName: displayName(ctx.from) },
      { platform: 'telegram', chatId: String(chatId) },
    );
    const { text, alert } = claimOutcomeText(catalog, outcome, action.number);
    await ctx.answerCallbackQuery({
      text,
      show_alert: alert,
      // The link opens the bot with "Start" pressed for them; then the button works.
      ...(outcome.kind === 'unreachable' ? { url: `https://t.me/${deps.botUsername()}?start=${VOLUNTEER_START_PAYLOAD}` } : {}),
    });
  });
  return composer;
}

/** How a volunteer is shown in the group: the name they show in Telegram, and @username if any. */
function displayName(user: User): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').slice(0, 100);
  return user.username ? `${name} (@${user.username})` : name;
}
