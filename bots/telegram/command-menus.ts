import { GrammyError, type Api } from 'grammy';
import type { BotCommand, BotCommandScope } from 'grammy/types';
import type { Logger } from '../../src/logger.js';
import { COORDINATOR_COMMANDS } from '../../src/services/coordinator-commands.js';
import type { RoleRepository } from '../../src/services/ports.js';
import type { CoordinatorTexts } from '../../src/services/texts.js';

/** Commands everyone sees in a private chat with the bot. */
const EVERYONE = ['start', 'my', 'tasks', 'volunteer', 'cancel', 'forget'] as const;
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

  /** A menu call whose failure is logged, not thrown. */
  async function logFailure(doing: 'setting' | 'removing', scope: BotCommandScope, request: () => Promise<unknown>): Promise<void> {
    try {
      await request();
    } catch (error) {
      // A coordinator who never opened the bot has no chat yet: their menu appears once they do.
      deps.logger.warn({ scope: scope.type, err: error instanceof GrammyError ? error.description : 'error' }, `${doing} a command menu failed`);
    }
  }
  const set = (commands: BotCommand[], scope: BotCommandScope) => logFailure('setting', scope, () => api.setMyCommands(commands, { scope }));

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
      if (isCoordinator) await set(coordinatorPrivate(), scope);
      else await logFailure('removing', scope, () => api.deleteMyCommands({ scope }));
    },
  };
}

export type TelegramCommandMenus = ReturnType<typeof createTelegramCommandMenus>;
