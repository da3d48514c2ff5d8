import type { AnswerOutcome, RequesterWordsOutcome } from '../services/request-conversation.js';
import type { Catalog } from '../scenario/text.js';

/** What a requester is told of their words: where they went. */
export function requesterWordsText(catalog: Catalog, outcome: RequesterWordsOutcome): string {
  switch (outcome.kind) {
    case 'attached':
      return catalog.t(outcome.to === 'volunteer' ? 'conversation.passedToVolunteer' : 'conversation.passedToHeadquarters', { number: outcome.number });
    case 'question':
      return catalog.t('conversation.questionPassed');
    case 'unattached':
      return catalog.t('bot.intake.idle');
  }
}

/** The answer to `/reply N text` (and the console's answer form): sent, or why not. */
export function answerOutcomeText(catalog: Catalog, outcome: AnswerOutcome): string {
  const { number } = outcome;
  switch (outcome.kind) {
    case 'sent':
      return catalog.t('conversation.replySent', { number });
    case 'not_found':
      return catalog.t('conversation.replyNotFound', { number });
    case 'not_yours':
      return catalog.t('conversation.replyNotYours', { number });
    case 'no_requester':
      return catalog.t(outcome.why === 'erased' ? 'conversation.replyErased' : 'conversation.replyNoChat', { number });
    case 'empty':
      return catalog.t('conversation.replyUsage');
  }
}
