import type { ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Logger } from '../../src/logger.js';

/** The context outside conversations: a logger child per update, and ctx.conversation. */
export type BotContext = ConversationFlavor<Context & { log: Logger }>;
/** The context inside a conversation (the plugin gives it a plain Context). */
export type IntakeContext = Context;
