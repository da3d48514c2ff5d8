import type { Conversation } from '@grammyjs/conversations';
import type { Catalog } from '../../src/messages/catalog.js';
import { renderText } from '../../src/messages/render.js';
import { foldForMatching } from '../../src/scenario/parse-answer.js';
import type { Intake, IntakeInput, IntakeReply, IntakeSession, IntakeStep } from '../../src/services/intake.js';
import { decodeCallback } from './callback-data.js';
import type { BotContext, IntakeContext } from './context.js';
import { renderPrompt } from './render-prompt.js';

export const INTAKE_CONVERSATION = 'intake';

/**
 * The help-request conversation in Telegram. The conversations plugin keeps the person's place (in
 * MongoDB) by replaying this function; the shared intake decides everything. Each intake step runs
 * inside conversation.external, so on replay its result (plain JSON) is reused, not recomputed.
 */
export function createIntakeConversation(deps: { intake: Intake; catalog: Catalog }) {
  const { catalog } = deps;
  const backWords = new Set([foldForMatching(catalog.t('bot.intake.back')), 'назад', 'back']);

  async function show(ctx: IntakeContext, replies: IntakeReply[]): Promise<void> {
    for (const reply of replies) {
      if (reply.kind === 'prompt') {
        const rendered = renderPrompt(reply.prompt, catalog, { withHint: reply.withHint });
        await ctx.reply(rendered.text, { reply_markup: rendered.replyMarkup });
      } else {
        await ctx.reply(renderText(catalog, reply.text), reply.closesKeyboard ? { reply_markup: { remove_keyboard: true } } : {});
      }
    }
  }

  /** Turns an update into an intake input; null for updates that mean nothing here. */
  function read(ctx: IntakeContext): IntakeInput | null {
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const action = decodeCallback(data);
      if (action?.kind === 'answer') return { type: 'pick', seq: action.seq, index: action.index };
      if (action?.kind === 'back') return { type: 'back', seq: action.seq };
      if (action?.kind === 'menu') return action.item === 'my' ? { type: 'mine' } : { type: 'resume' };
      // A claim button or forged data: nothing to do with this questionnaire.
      return { type: 'pick', seq: -1, index: -1 };
    }
    const message = ctx.message;
    if (!message) return null;
    if (message.contact) return { type: 'contact', phone: message.contact.phone_number };
    if (message.text === undefined) return { type: 'other' };
    const command = /^\/(\w+)/.exec(message.text)?.[1]?.toLowerCase();
    if (command === 'cancel') return { type: 'cancel' };
    if (command === 'start') return { type: 'resume' };
    if (command === 'my') return { type: 'mine' };
    if (backWords.has(foldForMatching(message.text))) return { type: 'back' };
    return { type: 'text', text: message.text };
  }

  return async function intake(conversation: Conversation<BotContext, IntakeContext>, ctx: IntakeContext): Promise<void> {
    const first = await conversation.external({ task: () => deps.intake.start(), beforeStore: pack, afterLoad: unpack });
    await show(ctx, first.replies);
    // The plugin keeps a log of every update and step since the conversation began, stores it and
    // replays it on every update: a person who sent 150 refused answers made it grow to a megabyte
    // and every reply five times slower. So after each update the conversation rewinds to here,
    // forgetting that update's entries, and carries only the place it reached across the rewind (on
    // the outside context, which outlives it within the update). What is stored stays the size of
    // one place whatever a person sends.
    const top = conversation.checkpoint();
    const carried = await conversation.external((outside) => takeCarried(outside));
    const session = carried ?? first.session;
    if (!session) return;

    const carryOn = async (place: IntakeSession): Promise<never> => {
      await conversation.external((outside) => void (outside.intakeCarry = place));
      return conversation.rewind(top);
    };

    const next = await conversation.wait();
    const input = read(next);
    if (!input) return carryOn(session);
    const requester = { platform: 'telegram' as const, userId: String(next.from?.id), chatId: String(next.chat?.id) };
    const step: IntakeStep = await conversation.external({ task: () => deps.intake.handle(session, input, requester), beforeStore: pack, afterLoad: unpack });
    if (next.callbackQuery) {
      await next.answerCallbackQuery(step.stale ? { text: catalog.t('bot.intake.stale') } : {});
    }
    await show(next, step.replies);
    // Sent or cancelled: the conversation ends here.
    if (step.session) await carryOn(step.session);
  };
}

/** The place carried across a rewind, once: a later update of the same conversation starts from the log. */
function takeCarried(outside: BotContext): IntakeSession | null {
  const carried = outside.intakeCarry ?? null;
  delete outside.intakeCarry;
  return carried;
}

/** A reply that shows the session's own prompt, stored as a reference to it. */
type StoredReply = IntakeReply | { kind: 'sessionPrompt'; withHint: boolean };
type StoredStep = Omit<IntakeStep, 'replies'> & { replies: StoredReply[] };

/**
 * The plugin keeps every result of conversation.external in the conversation's log, and reads,
 * replays (cloning each result) and writes the whole log back on every update. A step's reply
 * usually shows the very prompt its session holds: keeping it once halves what the questionnaire
 * adds to the log (the benchmark's largest cost).
 */
function pack(step: IntakeStep): StoredStep {
  const prompt = step.session?.prompt;
  return {
    ...step,
    replies: step.replies.map((reply) => (reply.kind === 'prompt' && reply.prompt === prompt ? { kind: 'sessionPrompt', withHint: reply.withHint } : reply)),
  };
}

function unpack(stored: StoredStep): IntakeStep {
  return {
    ...stored,
    replies: stored.replies.map((reply): IntakeReply => {
      if (reply.kind !== 'sessionPrompt') return reply;
      if (!stored.session) throw new Error('a stored intake step refers to the prompt of a session it does not have');
      return { kind: 'prompt', prompt: stored.session.prompt, withHint: reply.withHint };
    }),
  };
}
