import { Composer } from 'grammy';
import type { ConsoleChat } from '../../src/services/console/console-chat.js';
import { COORDINATOR_COMMANDS } from '../../src/services/coordinator-commands.js';
import { decodeConsoleCallback } from './callback-data.js';
import type { BotContext } from './context.js';
import { chatPersonOf, publicNameOf } from './input.js';
import { sendReply } from './render.js';
import type { Catalog } from '../../src/scenario/text.js';

/**
 * The coordinator console in Telegram: the people registry's sightings, coordinators' commands and
 * buttons, and /console. Installed before the questionnaire, so a coordinator's command is answered
 * even in the middle of one; what is not the console's goes on unchanged.
 */
export function createTelegramConsoleHandlers(deps: { consoleChat: ConsoleChat; catalog: Catalog }) {
  const { consoleChat, catalog } = deps;
  const composer = new Composer<BotContext>();
  const whereOf = (ctx: BotContext) => ({ ...chatPersonOf(ctx), privately: ctx.chat?.type === 'private' });

  // Who wrote privately or pressed a button: never a phone, only the names Telegram shows everyone.
  composer.use(async (ctx, next) => {
    const { from, chat } = ctx;
    if (!from || from.is_bot || !chat || !(ctx.callbackQuery || (ctx.message && chat.type === 'private'))) return next();
    const recordSighting = () =>
      consoleChat.seen({
        person: chatPersonOf(ctx).person,
        username: from.username ?? null,
        displayName: publicNameOf(from),
        privately: chat.type === 'private',
      });
    // A press in a group needs nothing the sighting records (the name comes with the press), so it is
    // answered first: in a storm of presses the answers do not queue behind fifty more writes.
    if (chat.type !== 'private') {
      await next();
      return recordSighting();
    }
    await recordSighting();
    return next();
  });

  composer.command([...COORDINATOR_COMMANDS], async (ctx, next) => {
    const name = commandName(ctx.message?.text ?? ctx.channelPost?.text ?? '');
    const reply = ctx.from && name ? await consoleChat.command(whereOf(ctx), name, argsWithMentions(ctx)) : null;
    if (!reply) return next();
    await sendReply(ctx, reply, catalog);
  });

  composer.on('callback_query:data', async (ctx, next) => {
    const data = decodeConsoleCallback(ctx.callbackQuery.data);
    if (data === null) return next();
    if (!ctx.chat) {
      await ctx.answerCallbackQuery();
      return;
    }
    await sendReply(ctx, await consoleChat.press(whereOf(ctx), data), catalog);
  });

  // Without a link preview, so that Telegram does not open the link before the person does.
  composer.command('console', async (ctx) => {
    const from = ctx.from;
    const name = async () => [from?.first_name, from?.last_name].filter(Boolean).join(' ') || (from?.username ? `@${from.username}` : String(from?.id));
    await sendReply(ctx, await consoleChat.consoleLink(whereOf(ctx), name), catalog);
  });
  return composer;
}

/** "/open@bot лен" → "open". */
function commandName(text: string): string | undefined {
  return /^\/([A-Za-z0-9_]+)/.exec(text)?.[1]?.toLowerCase();
}

/**
 * The command's arguments, with a mention of someone without a username (Telegram's text_mention,
 * picked from the member list) turned into their id, so `/assign 17 <mention>` works for them too.
 */
function argsWithMentions(ctx: BotContext): string {
  let text = ctx.message?.text ?? '';
  // The last first, so that the offsets of those before it still hold.
  const mentions = (ctx.message?.entities ?? []).filter((e) => e.type === 'text_mention').sort((a, b) => b.offset - a.offset);
  for (const entity of mentions) text = text.slice(0, entity.offset) + String(entity.user.id) + text.slice(entity.offset + entity.length);
  return text.replace(/^\/\S+\s*/, '');
}
