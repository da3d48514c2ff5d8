import { Composer, GrammyError, InlineKeyboard, InputFile, type Api } from 'grammy';
import type { BotCommand, BotCommandScope, User } from 'grammy/types';
import type { Logger } from '../../src/logger.js';
import type { CoordinatorTexts } from '../../src/messages/coordinator-texts.js';
import {
  COORDINATOR_COMMANDS,
  createConsoleActionCodec,
  type CommandContext,
  type ConsoleButton,
  type ConsoleReply,
  type ConsoleLimits,
  type CoordinatorConsole,
  type Place,
} from '../../src/services/coordinator-commands.js';
import type { PeopleRegistry } from '../../src/services/people-registry.js';
import type { RoleRepository } from '../../src/services/ports.js';
import { publicName } from '../../src/services/private-chat/chat-text.js';
import type { BotContext } from './context.js';

/** Prefix of the console's callback data ("co:c:17"); the rest is the console's own encoding. */
const CALLBACK_PREFIX = 'co:';

/** What a Telegram message carries: up to 100 inline buttons, 8 a row, 64 bytes of callback data. */
export const TELEGRAM_CONSOLE_LIMITS: ConsoleLimits = { buttonsPerMessage: 100, buttonsPerRow: 8, actionBytes: 64 - CALLBACK_PREFIX.length };
const actionCodec = createConsoleActionCodec(TELEGRAM_CONSOLE_LIMITS);

/** What the Telegram adapter of the coordinator console needs. */
export interface TelegramCoordinatorDeps {
  console: CoordinatorConsole;
  registry: PeopleRegistry;
  /** The HQ group: commands work there, without personal data. */
  hqChatId?: string;
  logger: Logger;
}

/**
 * Coordinators' commands and buttons in Telegram, and the people registry's sightings. Installed
 * before the questionnaire, so a coordinator's command is answered even in the middle of one; what is
 * not the console's (a bare /cancel, anyone's /cancel 17 who is no coordinator) goes on unchanged.
 */
export function createTelegramCoordinatorCommands(deps: TelegramCoordinatorDeps) {
  const composer = new Composer<BotContext>();

  // Who wrote privately or pressed a button: never a phone, only the names Telegram shows everyone.
  composer.use(async (ctx, next) => {
    const from = ctx.from;
    if (from && !from.is_bot && (ctx.message || ctx.callbackQuery) && ctx.chat) {
      const privately = ctx.chat.type === 'private';
      if (privately || ctx.callbackQuery) {
        try {
          await deps.registry.seen({ person: { platform: 'telegram', userId: String(from.id) }, username: from.username ?? null, displayName: publicNameOf(from), privately });
        } catch (error) {
          // The update itself matters more than the registry; the error is logged by name only.
          deps.logger.warn({ err: error instanceof Error ? error.name : 'error' }, 'recording a sighting failed');
        }
      }
    }
    return next();
  });

  composer.command([...COORDINATOR_COMMANDS], async (ctx, next) => {
    const name = commandName(ctx.message?.text ?? ctx.channelPost?.text ?? '');
    if (!ctx.from || !ctx.chat || !name || !(COORDINATOR_COMMANDS as readonly string[]).includes(name)) return next();
    const reply = await deps.console.command(contextOf(ctx.from, ctx.chat), name as (typeof COORDINATOR_COMMANDS)[number], argsWithMentions(ctx));
    if (!reply) return next();
    await send(ctx, reply);
  });

  composer.callbackQuery(/^co:/, async (ctx) => {
    const chat = ctx.chat;
    if (!chat) {
      await ctx.answerCallbackQuery();
      return;
    }
    const reply = await deps.console.press(contextOf(ctx.from, chat), ctx.callbackQuery.data.slice(CALLBACK_PREFIX.length));
    if (reply.notice) {
      await ctx.answerCallbackQuery({ text: reply.text.slice(0, 200), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await send(ctx, reply);
  });

  function contextOf(from: User, chat: { id: number; type: string }): CommandContext {
    const place: Place = chat.type === 'private' ? 'private' : deps.hqChatId !== undefined && String(chat.id) === deps.hqChatId ? 'hq' : 'group';
    return { by: { platform: 'telegram', userId: String(from.id) }, channel: 'telegram', place, canSendDocuments: true, limits: TELEGRAM_CONSOLE_LIMITS };
  }

  async function send(ctx: BotContext, reply: ConsoleReply): Promise<void> {
    const markup = reply.buttons ? keyboardOf(reply.buttons) : undefined;
    if (reply.document) {
      const file = new InputFile(Buffer.from(reply.document.content, 'utf8'), reply.document.fileName);
      await ctx.replyWithDocument(file, { caption: reply.text });
      return;
    }
    if (reply.edit && ctx.callbackQuery?.message) {
      try {
        await ctx.editMessageText(reply.text, markup ? { reply_markup: markup } : {});
      } catch (error) {
        // Pressed twice: the page is already shown.
        if (!(error instanceof GrammyError && error.description.includes('message is not modified'))) throw error;
      }
      return;
    }
    await ctx.reply(reply.text, markup ? { reply_markup: markup } : {});
  }

  return composer;
}

function keyboardOf(rows: ConsoleButton[][]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const row of rows) {
    for (const button of row) keyboard.text(button.label, CALLBACK_PREFIX + actionCodec.encode(button.action));
    keyboard.row();
  }
  return keyboard;
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
  const message = ctx.message;
  const text = message?.text ?? '';
  let out = text;
  const mentions = (message?.entities ?? []).filter((e) => e.type === 'text_mention').sort((a, b) => b.offset - a.offset);
  for (const entity of mentions) {
    if (entity.type !== 'text_mention') continue;
    out = out.slice(0, entity.offset) + String(entity.user.id) + out.slice(entity.offset + entity.length);
  }
  return out.replace(/^\/\S+\s*/, '');
}

/** How a person appears to others: the name they show in Telegram, and @username if any (as on a claimed post). */
export function publicNameOf(user: User): string {
  return publicName({ first: user.first_name, last: user.last_name, username: user.username });
}

/** Commands everyone sees in a private chat with the bot. */
const EVERYONE = ['start', 'my', 'tasks', 'cancel', 'forget'] as const;
const GROUPS = ['bind', 'unbind', 'id'] as const;

/**
 * Telegram's command menus, per scope, so each person sees the commands they may use: everyone's in
 * private chats, the group commands in groups, and the full lists in each coordinator's private chat
 * (the configured ones and those granted since) and in the HQ chat.
 */
export function createTelegramCommandMenus(
  api: Api,
  deps: { texts: CoordinatorTexts; configuredIds: readonly string[]; roles: RoleRepository; hqChatId?: string; logger: Logger },
) {
  const described = (names: readonly string[]): BotCommand[] => names.map((command) => ({ command, description: deps.texts.menu(command) }));
  // For a coordinator /cancel is first of all "cancel request N": the menu says so.
  const consoleCommands = (): BotCommand[] =>
    COORDINATOR_COMMANDS.map((command) => ({ command, description: deps.texts.menu(command === 'cancel' ? 'cancelCoordinator' : command) }));
  // The web console's sign-in link is asked for privately only, so it is not in the HQ chat's menu.
  const coordinatorPrivate = (): BotCommand[] => [...described(['start', 'my', 'tasks']), ...consoleCommands(), ...described(['console'])];
  const headquarters = (): BotCommand[] => [...consoleCommands(), ...described(['id'])];

  async function set(commands: BotCommand[], scope: BotCommandScope): Promise<void> {
    try {
      await api.setMyCommands(commands, { scope });
    } catch (error) {
      // A coordinator who never opened the bot has no chat yet: their menu appears once they do.
      deps.logger.warn({ scope: scope.type, err: error instanceof GrammyError ? error.description : 'error' }, 'setting a command menu failed');
    }
  }

  return {
    /** Sets every menu; run at start-up (menus persist in Telegram, so this also repairs them). */
    async registerAll(): Promise<void> {
      await set(described(EVERYONE), { type: 'all_private_chats' });
      await set(described(GROUPS), { type: 'all_group_chats' });
      const granted = (await deps.roles.listCoordinators('telegram')).map((p) => p.userId);
      for (const id of new Set([...deps.configuredIds, ...granted])) await set(coordinatorPrivate(), { type: 'chat', chat_id: Number(id) });
      if (deps.hqChatId) await set(headquarters(), { type: 'chat', chat_id: Number(deps.hqChatId) });
    },
    /** Gives a person the coordinator's menu, or takes it back (their chat falls back to everyone's). */
    async update(userId: string, isCoordinator: boolean): Promise<void> {
      const scope: BotCommandScope = { type: 'chat', chat_id: Number(userId) };
      if (isCoordinator) {
        await set(coordinatorPrivate(), scope);
        return;
      }
      try {
        await api.deleteMyCommands({ scope });
      } catch (error) {
        deps.logger.warn({ scope: 'chat', err: error instanceof GrammyError ? error.description : 'error' }, 'removing a command menu failed');
      }
    },
  };
}

export type TelegramCommandMenus = ReturnType<typeof createTelegramCommandMenus>;
