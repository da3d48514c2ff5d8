import { Composer, InlineKeyboard } from 'grammy';
import type { Catalog } from '../../src/messages/catalog.js';
import { lifecycleRefusalText } from '../../src/messages/command-texts.js';
import type { RequestTexts } from '../../src/messages/request-texts.js';
import { RELEASE_REASONS, releaseReasonLabel, tasksText } from '../../src/messages/volunteer-texts.js';
import type { VolunteerDesk } from '../../src/services/volunteer-desk.js';
import type { Feedback } from '../../src/services/feedback.js';
import { decodeCallback, encodeCallback } from './callback-data.js';
import type { BotContext } from './context.js';
import { taskKeyboard } from './messenger.js';

/**
 * The private chat of volunteers and requesters after a request was filed: the task card's buttons
 * (done, cannot do it, contact), the optional comment after "done", /tasks, and a requester
 * withdrawing a request from /my.
 */
export function createTaskHandlers(deps: { catalog: Catalog; texts: RequestTexts; desk: VolunteerDesk; feedback: Feedback }) {
  const { catalog, desk } = deps;
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  const person = (ctx: { from: { id: number } }) => ({ platform: 'telegram' as const, userId: String(ctx.from.id) });

  privateChat.callbackQuery(/^(t|r|nc|w|wy|wn|fb)(:|$)/, async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    const me = person(ctx);
    if (action?.kind === 'task' && action.action === 'done') {
      const outcome = await desk.complete(action.number, me, 'telegram');
      const refusal = lifecycleRefusalText(catalog, outcome, action.number);
      await ctx.answerCallbackQuery(refusal ? { text: refusal, show_alert: true } : {});
      if (refusal) return;
      await removeButtons(ctx);
      await ctx.reply(catalog.t('volunteer.doneThanks', { number: action.number }), {
        reply_markup: new InlineKeyboard().text(catalog.t('volunteer.noCommentButton'), encodeCallback({ kind: 'noComment' })),
      });
    } else if (action?.kind === 'task' && action.action === 'release') {
      // Only the holder is asked why; anyone else is told at once that it is not theirs.
      const held = await desk.contact(action.number, me);
      if (held.kind !== 'ok') {
        await ctx.answerCallbackQuery({ text: catalog.t(held.kind === 'not_found' ? 'lifecycle.notFound' : 'lifecycle.refused.not_yours', { number: action.number }), show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      const keyboard = new InlineKeyboard();
      RELEASE_REASONS.forEach((_, reason) => keyboard.text(releaseReasonLabel(catalog, reason)!, encodeCallback({ kind: 'release', number: action.number, reason })).row());
      await ctx.reply(catalog.t('volunteer.releaseQuestion', { number: action.number }), { reply_markup: keyboard });
    } else if (action?.kind === 'release' && releaseReasonLabel(catalog, action.reason)) {
      const outcome = await desk.release(action.number, me, 'telegram', releaseReasonLabel(catalog, action.reason)!);
      const refusal = lifecycleRefusalText(catalog, outcome, action.number);
      await ctx.answerCallbackQuery(refusal ? { text: refusal, show_alert: true } : {});
      if (refusal) return;
      await removeButtons(ctx);
      await ctx.reply(catalog.t('volunteer.released', { number: action.number }));
    } else if (action?.kind === 'task' && (action.action === 'contact' || action.action === 'card')) {
      const found = await desk.contact(action.number, me);
      if (found.kind !== 'ok') {
        const text = found.kind === 'not_found' ? catalog.t('lifecycle.notFound', { number: action.number }) : catalog.t('lifecycle.refused.not_yours', { number: action.number });
        await ctx.answerCallbackQuery({ text, show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      const { request } = found;
      // A contact card: one tap to call from the phone the volunteer holds.
      if (action.action === 'contact') await ctx.replyWithContact(request.personal.phone, request.personal.name);
      else await ctx.reply(deps.texts.volunteerDetails(request), { reply_markup: taskKeyboard(catalog, request.number) });
    } else if (action?.kind === 'noComment') {
      if (!(await desk.skipComment(me))) {
        await ctx.answerCallbackQuery({ text: catalog.t('bot.intake.stale') });
        return;
      }
      await ctx.answerCallbackQuery();
      await removeButtons(ctx);
      await ctx.reply(catalog.t('volunteer.commentSkipped'));
    } else if (action?.kind === 'withdraw' && !action.confirmed) {
      if (!(await desk.withdrawable(me)).includes(action.number)) {
        await ctx.answerCallbackQuery({ text: catalog.t('lifecycle.refused.not_allowed', { number: action.number }), show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.reply(catalog.t('requester.withdrawQuestion', { number: action.number }), {
        reply_markup: new InlineKeyboard()
          .text(catalog.t('requester.withdrawYes'), encodeCallback({ kind: 'withdraw', number: action.number, confirmed: true }))
          .text(catalog.t('requester.withdrawNo'), encodeCallback({ kind: 'keep', number: action.number })),
      });
    } else if (action?.kind === 'rate') {
      const answer = await deps.feedback.rate(action.number, me, action.rating);
      if (answer === 'not_allowed') {
        await ctx.answerCallbackQuery({ text: catalog.t('lifecycle.refused.not_allowed', { number: action.number }), show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery(answer === 'already' ? { text: catalog.t('jobs.feedbackAlready', { number: action.number }) } : {});
      await removeButtons(ctx);
      if (answer === 'thanks') await ctx.reply(catalog.t('jobs.feedbackThanks'));
    } else if (action?.kind === 'keep') {
      if (!(await desk.withdrawable(me)).includes(action.number)) {
        await ctx.answerCallbackQuery({ text: catalog.t('bot.intake.stale') });
        return;
      }
      await ctx.answerCallbackQuery();
      await removeButtons(ctx);
      await ctx.reply(catalog.t('requester.withdrawKept', { number: action.number }));
    } else if (action?.kind === 'withdraw') {
      const outcome = await desk.withdraw(action.number, me, 'telegram');
      const refusal = lifecycleRefusalText(catalog, outcome, action.number);
      // On success the confirmation comes through the outbox, like every news of a request.
      await ctx.answerCallbackQuery(refusal ? { text: refusal, show_alert: true } : {});
      await removeButtons(ctx);
    } else {
      await ctx.answerCallbackQuery({ text: catalog.t('bot.intake.stale') });
    }
  });

  privateChat.command('tasks', async (ctx) => {
    const tasks = await desk.tasks(person(ctx));
    const keyboard = new InlineKeyboard();
    for (const task of tasks) keyboard.text(catalog.t('volunteer.cardButton', { number: task.number }), encodeCallback({ kind: 'task', action: 'card', number: task.number })).row();
    await ctx.reply(tasksText(catalog, deps.texts, tasks), tasks.length > 0 ? { reply_markup: keyboard } : {});
  });

  // A volunteer who just marked a request done, or a requester who just rated one, may add a comment
  // as their next message.
  privateChat.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const taken = await desk.takeComment(person(ctx), 'telegram', ctx.message.text);
    if (!taken) {
      // Or a requester's words after rating how it went.
      if ((await deps.feedback.takeComment(person(ctx), ctx.message.text)) === null) return next();
      await ctx.reply(catalog.t('jobs.feedbackCommentSaved'));
      return;
    }
    const refusal = lifecycleRefusalText(catalog, taken.outcome, taken.number);
    await ctx.reply(refusal ?? catalog.t('volunteer.commentSaved', { number: taken.number }));
  });
  return composer;
}

/** The buttons of an answered message go, so nobody presses them again by mistake. */
async function removeButtons(ctx: BotContext): Promise<void> {
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
}
