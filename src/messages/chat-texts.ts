import type { Catalog } from '../scenario/text.js';
import type { ChatTexts, RequestTexts } from '../services/texts.js';
import { bindReplyText, lifecycleRefusalText, unbindReplyText } from './command-texts.js';
import { answerOutcomeText, requesterWordsText } from './conversation-texts.js';
import { tasksText } from './volunteer-texts.js';

/** The private chat's and a group chat's answers to outcomes, in the catalog's words. */
export function createChatTexts(catalog: Catalog, texts: RequestTexts): ChatTexts {
  return {
    lifecycleRefusal: (outcome, number) => lifecycleRefusalText(catalog, outcome, number),
    answerOutcome: (outcome) => answerOutcomeText(catalog, outcome),
    requesterWords: (outcome) => requesterWordsText(catalog, outcome),
    tasks: (requests) => tasksText(catalog, texts, requests),
    releaseReason: (code) => catalog.t(`volunteer.releaseReason.${code}`),
    bindReply: (districts, input, result) => bindReplyText(catalog, districts, input, result),
    unbindReply: (result) => unbindReplyText(catalog, result),
  };
}
