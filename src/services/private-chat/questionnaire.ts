import { renderText, type Catalog } from '../../scenario/text.js';
import { foldForMatching } from '../../scenario/parse-answer.js';
import type { IntakeInput, IntakeStep } from '../intake.js';
import type { ChatInput, ChatMessage, ChatReply } from './reply.js';

/** "This button is from an old message": a glimpse, not an alert. */
export function staleReply(catalog: Catalog): ChatReply {
  return { notice: { text: catalog.t('bot.intake.stale'), alert: false }, messages: [] };
}

/**
 * One turn of the questionnaire (src/services/intake.ts) in a private chat: what a person did as
 * the intake's input, and the intake's step as the chat's reply. Shared by the dialogue and by an
 * adapter that keeps the questionnaire's place itself.
 */
export function createQuestionnaireTurn(catalog: Catalog) {
  const backWords = new Set([foldForMatching(catalog.t('bot.intake.back')), 'назад', 'back']);

  /** The questionnaire's input for what a person did while it is open. */
  function questionnaireInput(input: ChatInput): IntakeInput {
    switch (input.kind) {
      case 'press':
      case 'key': {
        const action = input.action;
        if (action?.kind === 'answer') return { type: 'pick', seq: action.seq, index: action.index };
        if (action?.kind === 'back') return { type: 'back', seq: action.seq };
        if (action?.kind === 'menu') return action.item === 'my' ? { type: 'mine' } : { type: 'resume' };
        // Another button or forged data: nothing to do with this questionnaire.
        return { type: 'pick', seq: -1, index: -1 };
      }
      case 'command':
        if (input.name === 'cancel') return { type: 'cancel' };
        if (input.name === 'start' || input.name === 'new' || input.name === 'volunteer') return { type: 'resume' };
        if (input.name === 'my') return { type: 'mine' };
        return { type: 'text', text: input.text };
      case 'contact':
        return { type: 'contact', phone: input.phone };
      case 'other':
        return { type: 'other' };
      case 'text':
        if (!input.text.trim()) return { type: 'other' };
        if (backWords.has(foldForMatching(input.text))) return { type: 'back' };
        return { type: 'text', text: input.text };
    }
  }

  /** A questionnaire's step as a reply. */
  function questionnaireReply(step: IntakeStep): ChatReply {
    if (step.stale) return staleReply(catalog);
    return {
      messages: step.replies.map(
        (reply): ChatMessage =>
          reply.kind === 'prompt'
            ? { kind: 'prompt', prompt: reply.prompt, withHint: reply.withHint, ...(reply.inPlace ? { inPlace: true } : {}) }
            : { kind: 'text', text: renderText(catalog, reply.text), ...(reply.closesKeyboard ? { closesKeyboard: true } : {}) },
      ),
    };
  }

  return { questionnaireInput, questionnaireReply };
}
