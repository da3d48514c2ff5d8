import type { Conversation } from '@grammyjs/conversations';
import type { Intake, IntakeReply, IntakeSession, IntakeStep } from '../../src/services/intake.js';
import { createQuestionnaireTurn } from '../../src/services/private-chat/questionnaire.js';
import type { BotContext, IntakeContext } from './context.js';
import { chatPersonOf, inputOf } from './input.js';
import { sendReply } from './render.js';
import type { Catalog } from '../../src/scenario/text.js';

export const INTAKE_CONVERSATION = 'intake';

/**
 * The help-request conversation in Telegram. The conversations plugin keeps the person's place (in
 * MongoDB) by replaying this function; the shared intake decides everything and the shared
 * questionnaire turn reads the updates and words the replies. Each intake step runs inside
 * conversation.external, so on replay its result (plain JSON) is reused, not recomputed.
 */
export function createIntakeConversation(deps: { intake: Intake; catalog: Catalog }) {
  const { catalog } = deps;
  const turn = createQuestionnaireTurn(catalog);

  // `flow`: what the questionnaire to run produces (the application to volunteer); absent, the help request.
  return async function intake(conversation: Conversation<BotContext, IntakeContext>, ctx: IntakeContext, flow?: 'volunteer-application'): Promise<void> {
    const first = await conversation.external({ task: () => deps.intake.start(flow), beforeStore: pack, afterLoad: unpack });
    // Entered from the menu's button, which has been answered already.
    await sendReply(ctx, turn.questionnaireReply(first), catalog, true);
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
      await conversation.external((outside) => {
        outside.intakeCarry = place;
      });
      return conversation.rewind(top);
    };

    const next = await conversation.wait();
    const read = inputOf(next);
    if (!read) return carryOn(session);
    const input = turn.questionnaireInput(read);
    const { person, chatId } = chatPersonOf(next);
    const step: IntakeStep = await conversation.external({
      task: () => deps.intake.handle(session, input, { ...person, chatId }),
      beforeStore: pack,
      afterLoad: unpack,
    });
    await sendReply(next, turn.questionnaireReply(step), catalog);
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
type StoredReply = IntakeReply | { kind: 'sessionPrompt'; withHint: boolean; inPlace?: true };
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
    replies: step.replies.map((reply) =>
      reply.kind === 'prompt' && reply.prompt === prompt
        ? { kind: 'sessionPrompt', withHint: reply.withHint, ...(reply.inPlace ? { inPlace: true } : {}) }
        : reply,
    ),
  };
}

function unpack(stored: StoredStep): IntakeStep {
  return {
    ...stored,
    replies: stored.replies.map((reply): IntakeReply => {
      if (reply.kind !== 'sessionPrompt') return reply;
      if (!stored.session) throw new Error('a stored intake step refers to the prompt of a session it does not have');
      return { kind: 'prompt', prompt: stored.session.prompt, withHint: reply.withHint, ...(reply.inPlace ? { inPlace: true } : {}) };
    }),
  };
}
