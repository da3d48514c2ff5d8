import type { ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Logger } from '../../src/logger.js';
import type { IntakeSession } from '../../src/services/intake.js';

/**
 * The context outside conversations: a logger child per update, ctx.conversation, and the intake's
 * place while the intake conversation rewinds within one update (see intake-conversation.ts).
 */
export type BotContext = ConversationFlavor<Context & { log: Logger; intakeCarry?: IntakeSession }>;
/** The context inside a conversation (the plugin gives it a plain Context). */
export type IntakeContext = Context;
