import type { Conversation } from '@grammyjs/conversations';
import type { Catalog } from '../../src/messages/catalog.js';
import { renderText } from '../../src/messages/render.js';
import { advance, repeatPrompt, startScenario, type EngineContext, type EngineInput, type Prompt, type ScenarioState } from '../../src/scenario/engine.js';
import { toHelpRequestDraft } from '../../src/scenario/help-request-draft.js';
import type { Scenario } from '../../src/scenario/schema.js';
import type { SubmitRequest } from '../../src/services/submit-request.js';
import { foldForMatching } from '../../src/scenario/parse-answer.js';
import { decodeCallback } from './callback-data.js';
import type { BotContext, IntakeContext } from './context.js';
import { renderPrompt } from './render-prompt.js';

export const INTAKE_CONVERSATION = 'intake';

export interface IntakeDeps {
  scenario: Scenario;
  catalog: Catalog;
  districts: readonly string[];
  submitRequest: SubmitRequest;
  /** The text of /my for a person; runs outside the conversation's replay. */
  myRequestsText: (userId: string) => Promise<string>;
}

/** What one update means to the conversation, beyond engine inputs. */
type Step = { engine: EngineInput } | { resume: true } | { showMine: true } | { ignore: true };

/**
 * The help-request conversation: the grammY conversations plugin keeps the place (in MongoDB), the
 * engine decides what comes next. The function is replayed on every update, so everything it does
 * besides Bot API calls goes through conversation.external and returns plain JSON.
 */
export function createIntakeConversation(deps: IntakeDeps) {
  const engineContext: EngineContext = {
    lists: { districts: deps.districts },
    render: (text) => renderText(deps.catalog, text),
  };
  const backWord = foldForMatching(deps.catalog.t('bot.intake.back'));

  async function show(ctx: IntakeContext, prompt: Prompt, withHint = false): Promise<void> {
    const rendered = renderPrompt(prompt, deps.catalog, { withHint });
    await ctx.reply(rendered.text, { reply_markup: rendered.replyMarkup });
  }

  /** Turns an update into a step, answering button presses so their spinner stops. */
  async function read(ctx: IntakeContext, state: ScenarioState, prompt: Prompt): Promise<Step> {
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const action = decodeCallback(data);
      const current = action && (action.kind === 'answer' || action.kind === 'back') && action.seq === state.seq;
      if (action?.kind === 'menu') {
        await ctx.answerCallbackQuery();
        return action.item === 'my' ? { showMine: true } : { resume: true };
      }
      if (!current) {
        await ctx.answerCallbackQuery({ text: deps.catalog.t('bot.intake.stale') });
        return { ignore: true };
      }
      await ctx.answerCallbackQuery();
      if (action.kind === 'back') return { engine: { type: 'back' } };
      const choice = prompt.choices[action.kind === 'answer' ? action.index : -1];
      return choice ? { engine: { type: 'choice', seq: action.seq, value: choice.value } } : { ignore: true };
    }
    const message = ctx.message;
    if (!message) return { ignore: true };
    if (message.contact) return { engine: { type: 'contact', phone: message.contact.phone_number } };
    if (message.text === undefined) return { engine: { type: 'other' } };
    const command = /^\/(\w+)/.exec(message.text)?.[1]?.toLowerCase();
    if (command === 'cancel') return { engine: { type: 'cancel' } };
    if (command === 'start') return { resume: true };
    if (command === 'my') return { showMine: true };
    if (foldForMatching(message.text) === backWord || foldForMatching(message.text) === 'назад') return { engine: { type: 'back' } };
    return { engine: { type: 'text', text: message.text } };
  }

  return async function intake(conversation: Conversation<BotContext, IntakeContext>, ctx: IntakeContext): Promise<void> {
    let { state, prompt } = startScenario(deps.scenario, engineContext);
    await show(ctx, prompt, true);

    for (;;) {
      const next = await conversation.wait();
      const step = await read(next, state, prompt);
      if ('ignore' in step) continue;
      if ('showMine' in step) {
        const userId = String(next.from?.id);
        await next.reply(await conversation.external(() => deps.myRequestsText(userId)));
      }
      if ('resume' in step || 'showMine' in step) {
        if ('resume' in step) await next.reply(deps.catalog.t('bot.intake.resumed'));
        ({ state, prompt } = repeatPrompt(deps.scenario, state, engineContext));
        await show(next, prompt);
        continue;
      }

      const result = advance(deps.scenario, state, step.engine, engineContext);
      if (result.kind === 'stale') continue;
      if (result.kind === 'cancelled') {
        await next.reply(deps.catalog.t('bot.intake.cancelled'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      if (result.kind === 'prompt') {
        ({ state, prompt } = result);
        await show(next, prompt);
        continue;
      }

      const chatId = String(next.chat?.id);
      const userId = String(next.from?.id);
      const answers = result.answers;
      const outcome = await conversation.external(async () => {
        try {
          const request = await deps.submitRequest({
            draft: toHelpRequestDraft(answers),
            channel: 'telegram',
            requester: { platform: 'telegram', userId, chatId },
          });
          return { ok: true as const, number: request.number, district: request.district };
        } catch {
          return { ok: false as const };
        }
      });
      if (outcome.ok) {
        await next.reply(deps.catalog.t('bot.intake.submitted', { number: outcome.number, district: outcome.district }), {
          reply_markup: { remove_keyboard: true },
        });
        return;
      }
      // Nothing is lost: the person stays on the summary and can press "Send" again.
      await next.reply(deps.catalog.t('bot.intake.saveFailed'));
      ({ state, prompt } = repeatPrompt(deps.scenario, state, engineContext));
      await show(next, prompt);
    }
  };
}
