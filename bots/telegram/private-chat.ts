import { Composer } from 'grammy';
import type { PrivateChat } from '../../src/services/private-chat/dialogue.js';
import type { ChatInput } from '../../src/services/private-chat/reply.js';
import type { BotContext } from './context.js';
import { chatPersonOf, inputOf } from './input.js';
import { INTAKE_CONVERSATION } from './intake-conversation.js';
import { sendReply } from './render.js';
import type { Catalog } from '../../src/scenario/text.js';

/** "Forget me", which is answered before the questionnaire, so it works in the middle of one too (the questionnaire goes with the rest). */
export const isForget = (input: ChatInput) =>
  (input.kind === 'command' && input.name === 'forget') || (input.kind === 'press' && input.action?.kind === 'forget');

/**
 * A private chat's updates outside the questionnaire (inside it, the conversation takes every
 * update), or only those `only` picks; the others go on.
 */
export function createPrivateChatHandler(deps: { chat: PrivateChat; catalog: Catalog; only?: (input: ChatInput) => boolean }) {
  const composer = new Composer<BotContext>();
  composer.chatType('private').use(async (ctx, next) => {
    const input = inputOf(ctx);
    if (!input || !ctx.from || (deps.only && !deps.only(input))) return next();
    const reply = await deps.chat.handle(chatPersonOf(ctx), input);
    await sendReply(ctx, reply, deps.catalog);
    if (reply.startQuestionnaire) await ctx.conversation.enter(INTAKE_CONVERSATION, reply.startQuestionnaire.flow);
  });
  return composer;
}
