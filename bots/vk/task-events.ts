import { Keyboard, type KeyboardBuilder } from 'vk-io';
import type { Catalog } from '../../src/messages/catalog.js';
import { lifecycleRefusalText } from '../../src/messages/command-texts.js';
import type { RequestTexts } from '../../src/messages/request-texts.js';
import { RELEASE_REASONS, releaseReasonLabel, tasksText } from '../../src/messages/volunteer-texts.js';
import type { VolunteerDesk } from '../../src/services/volunteer-desk.js';
import type { Feedback } from '../../src/services/feedback.js';
import type { VkPayload } from './payload.js';
import { cut, taskKeyboard } from './render.js';

/** How the VK bot answers: a snackbar on the pressed button, or a message in the person's chat. */
export interface VkAnswer {
  snackbar?: string;
  messages: { text: string; keyboard?: KeyboardBuilder }[];
}

/**
 * The private-chat buttons of volunteers and requesters in VK (task card, release reasons, no
 * comment, withdrawing a request), /tasks, the comment after "done" and /my's cancel buttons: the
 * same desk as Telegram, rendered for VK.
 */
export function createVkTaskEvents(deps: { catalog: Catalog; texts: RequestTexts; desk: VolunteerDesk; feedback: Feedback }) {
  const { catalog, desk } = deps;
  const person = (userId: number) => ({ platform: 'vk' as const, userId: String(userId) });
  const refused = (text: string): VkAnswer => ({ snackbar: text, messages: [] });

  return {
    /** Whether a payload is one of these buttons. */
    handles: (payload: VkPayload) => 't' in payload || 'rr' in payload || 'nc' in payload || 'w' in payload || 'wy' in payload || 'wn' in payload || 'fb' in payload,

    /** A press of one of these buttons by a person in their private chat. */
    async press(userId: number, payload: VkPayload): Promise<VkAnswer> {
      const me = person(userId);
      if ('t' in payload && payload.t === 'done') {
        const outcome = await desk.complete(payload.r, me, 'vk');
        const refusal = lifecycleRefusalText(catalog, outcome, payload.r);
        if (refusal) return refused(refusal);
        const keyboard = Keyboard.builder().inline().callbackButton({ label: cut(catalog.t('volunteer.noCommentButton')), payload: { nc: 1 } });
        return { messages: [{ text: catalog.t('volunteer.doneThanks', { number: payload.r }), keyboard }] };
      }
      if ('t' in payload && payload.t === 'release') {
        // Only the holder is asked why; anyone else is told at once that it is not theirs.
        const held = await desk.contact(payload.r, me);
        if (held.kind !== 'ok') return refused(catalog.t(held.kind === 'not_found' ? 'lifecycle.notFound' : 'lifecycle.refused.not_yours', { number: payload.r }));
        const keyboard = Keyboard.builder().inline();
        RELEASE_REASONS.forEach((_, i) => keyboard.callbackButton({ label: cut(releaseReasonLabel(catalog, i)!), payload: { rr: payload.r, i } }).row());
        return { messages: [{ text: catalog.t('volunteer.releaseQuestion', { number: payload.r }), keyboard }] };
      }
      if ('rr' in payload) {
        const reason = releaseReasonLabel(catalog, payload.i);
        if (!reason) return refused(catalog.t('bot.intake.stale'));
        const outcome = await desk.release(payload.rr, me, 'vk', reason);
        const refusal = lifecycleRefusalText(catalog, outcome, payload.rr);
        return refusal ? refused(refusal) : { messages: [{ text: catalog.t('volunteer.released', { number: payload.rr }) }] };
      }
      if ('t' in payload) {
        const found = await desk.contact(payload.r, me);
        if (found.kind === 'not_found') return refused(catalog.t('lifecycle.notFound', { number: payload.r }));
        if (found.kind === 'not_yours') return refused(catalog.t('lifecycle.refused.not_yours', { number: payload.r }));
        const { request } = found;
        // VK has no contact card: the name and phone as text, which VK makes tappable.
        return payload.t === 'contact'
          ? { messages: [{ text: catalog.t('volunteer.contact', { number: request.number, name: request.personal.name, phone: request.personal.phone }) }] }
          : { messages: [{ text: deps.texts.volunteerDetails(request), keyboard: taskKeyboard(catalog, request.number) }] };
      }
      if ('fb' in payload) {
        const answer = await deps.feedback.rate(payload.fb, me, payload.r);
        if (answer === 'not_allowed') return refused(catalog.t('lifecycle.refused.not_allowed', { number: payload.fb }));
        return answer === 'already' ? refused(catalog.t('jobs.feedbackAlready', { number: payload.fb })) : { messages: [{ text: catalog.t('jobs.feedbackThanks') }] };
      }
      if ('nc' in payload) {
        if (!(await desk.skipComment(me))) return refused(catalog.t('bot.intake.stale'));
        return { messages: [{ text: catalog.t('volunteer.commentSkipped') }] };
      }
      if ('w' in payload) {
        if (!(await desk.withdrawable(me)).includes(payload.w)) return refused(catalog.t('lifecycle.refused.not_allowed', { number: payload.w }));
        const keyboard = Keyboard.builder()
          .inline()
          .callbackButton({ label: cut(catalog.t('requester.withdrawYes')), payload: { wy: payload.w }, color: Keyboard.NEGATIVE_COLOR })
          .callbackButton({ label: cut(catalog.t('requester.withdrawNo')), payload: { wn: payload.w } });
        return { messages: [{ text: catalog.t('requester.withdrawQuestion', { number: payload.w }), keyboard }] };
      }
      if ('wn' in payload) {
        if (!(await desk.withdrawable(me)).includes(payload.wn)) return refused(catalog.t('bot.intake.stale'));
        return { messages: [{ text: catalog.t('requester.withdrawKept', { number: payload.wn }) }] };
      }
      if ('wy' in payload) {
        // On success the confirmation comes through the outbox, like every news of a request.
        const refusal = lifecycleRefusalText(catalog, await desk.withdraw(payload.wy, me, 'vk'), payload.wy);
        return refusal ? refused(refusal) : { messages: [] };
      }
      return refused(catalog.t('bot.intake.stale'));
    },

    /** The answer to /tasks, with a button per request that opens its card. */
    async tasks(userId: number): Promise<VkAnswer> {
      const tasks = await desk.tasks(person(userId));
      const keyboard = Keyboard.builder().inline();
      tasks.slice(0, 5).forEach((task) => keyboard.callbackButton({ label: cut(catalog.t('volunteer.cardButton', { number: task.number })), payload: { t: 'card', r: task.number } }).row());
      return { messages: [{ text: tasksText(catalog, deps.texts, tasks), ...(tasks.length > 0 ? { keyboard } : {}) }] };
    },

    /** The cancel buttons under /my: one per open request (VK shows at most a few inline rows). */
    async withdrawKeyboard(userId: number): Promise<KeyboardBuilder | undefined> {
      const open = await desk.withdrawable(person(userId));
      if (open.length === 0) return undefined;
      const keyboard = Keyboard.builder().inline();
      open.slice(0, 5).forEach((number) => keyboard.callbackButton({ label: cut(catalog.t('requester.withdrawButton', { number })), payload: { w: number } }).row());
      return keyboard;
    },

    /** A message right after "done" is its comment; null when it means something else. */
    async comment(userId: number, text: string): Promise<string | null> {
      const taken = await desk.takeComment(person(userId), 'vk', text);
      if (!taken) return (await deps.feedback.takeComment(person(userId), text)) === null ? null : catalog.t('jobs.feedbackCommentSaved');
      return lifecycleRefusalText(catalog, taken.outcome, taken.number) ?? catalog.t('volunteer.commentSaved', { number: taken.number });
    },
  };
}
