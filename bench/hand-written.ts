import type { Conversation, ConversationBuilder } from '@grammyjs/conversations';
import { InlineKeyboard, Keyboard, type Context } from 'grammy';
import type { BotContext } from '../bots/telegram/context.js';
import { parseFreeText, parsePhone, parseWholeNumber, type Parsed } from '../src/scenario/parse-answer.js';
import type { SubmitRequest } from '../src/services/submit-request.js';
import type { Catalog } from '../src/scenario/text.js';

export interface HandWrittenDeps {
  catalog: Catalog;
  districts: readonly string[];
  submitRequest: SubmitRequest;
}

const CATEGORIES = ['pensioner', 'disabled', 'self_isolation', 'family_with_children', 'other'];
const HELP_KINDS = ['groceries', 'medicine', 'utility_payments', 'household', 'psychological', 'legal', 'doctor_appointment', 'other'];
const PRESCRIPTION = [
  { value: 'has_prescription', key: 'has' },
  { value: 'not_needed', key: 'not_needed' },
  { value: 'needs_help', key: 'needs_help' },
];

/**
 * The help-request questionnaire written the way most teams write one: a plain
 * @grammyjs/conversations function, one `conversation.wait()` per question, validation inline. It
 * asks the same questions with the same texts and buttons (so the same updates answer it) and saves
 * through the same submitRequest service. What it lacks next to the scenario engine: "back",
 * changing an answer from the summary, resuming with /start, questions as data.
 */
export function createHandWrittenIntake(deps: HandWrittenDeps): ConversationBuilder<BotContext, Context> {
  const { catalog } = deps;
  const t = (key: string, params?: Record<string, string | number>) => catalog.t(key, params);

  return async function intake(conversation: Conversation<BotContext, Context>, ctx: Context): Promise<void> {
    // Numbers each question, so a button of an older message is told apart (the same numbering as
    // the engine's, which is what lets one list of updates answer both).
    let seq = 0;
    let first = true;
    const withHint = (text: string) => {
      if (!first) return text;
      first = false;
      return `${text}\n\n${t('bot.intake.hint')}`;
    };

    /** Waits for the next update; /cancel ends the conversation wherever it is. */
    async function next(): Promise<Context> {
      const update = await conversation.wait();
      if (update.message?.text?.startsWith('/cancel')) {
        await update.reply(t('bot.intake.cancelled'), { reply_markup: { remove_keyboard: true } });
        await conversation.halt();
      }
      return update;
    }

    async function choose(question: string, options: { value: string; label: string }[]): Promise<string> {
      seq++;
      const keyboard = new InlineKeyboard();
      options.forEach((option, index) => {
        keyboard.text(option.label, `a:${seq}:${index}`).row();
      });
      await ctx.reply(withHint(question), { reply_markup: keyboard });
      for (;;) {
        const answer = await next();
        const match = /^a:(\d+):(\d+)$/.exec(answer.callbackQuery?.data ?? '');
        const picked = match && Number(match[1]) === seq ? options[Number(match[2])] : undefined;
        if (picked) {
          await answer.answerCallbackQuery();
          return picked.value;
        }
        if (answer.callbackQuery) await answer.answerCallbackQuery({ text: t('bot.intake.stale') });
        else await answer.reply(t('engine.errors.pressButton'));
      }
    }

    async function typed<T>(question: string, parse: (text: string) => Parsed<T>, phone = false): Promise<T> {
      seq++;
      const markup = phone ? new Keyboard().requestContact(t('bot.intake.sharePhone')).oneTime().resized() : { remove_keyboard: true as const };
      await ctx.reply(withHint(question), { reply_markup: markup });
      for (;;) {
        const answer = await next();
        const text = phone && answer.message?.contact ? answer.message.contact.phone_number : answer.message?.text;
        if (text === undefined) {
          await answer.reply(t('engine.errors.textOnly'));
          continue;
        }
        const parsed = parse(text);
        if (parsed.ok) return parsed.value;
        await answer.reply(t(parsed.reason, parsed.params));
      }
    }

    if (
      (await choose(t('request.consent.question'), [
        { value: 'yes', label: t('request.consent.accept') },
        { value: 'no', label: t('request.consent.decline') },
      ])) === 'no'
    ) {
      await ctx.reply(t('request.consent.declined'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    const category = await choose(
      t('request.category.question'),
      CATEGORIES.map((c) => ({ value: c, label: t(`request.category.${c}`) })),
    );
    const age = await typed(t('request.age.question'), (s) => parseWholeNumber(s, 1, 120));
    const district = await choose(
      t('request.district.question'),
      deps.districts.map((d) => ({ value: d, label: d })),
    );
    const helpKind = await choose(
      t('request.helpKind.question'),
      HELP_KINDS.map((k) => ({ value: k, label: t(`request.helpKind.${k}`) })),
    );
    const extra: Record<string, string> = {};
    if (helpKind === 'medicine') {
      extra.prescription = await choose(
        t('request.prescription.question'),
        PRESCRIPTION.map((p) => ({ value: p.value, label: t(`request.prescription.${p.key}`) })),
      );
    }
    const description = await typed(t('request.description.question'), (s) => parseFreeText(s, 5, 1000));
    const name = await typed(t('request.name.question'), (s) => parseFreeText(s, 2, 100));
    const address = await typed(t('request.address.question'), (s) => parseFreeText(s, 5, 300));
    const phone = await typed(t('request.phone.question'), parsePhone, true);
    // The summary's buttons sit under its message: the phone's keyboard is closed by a line of its own.
    await ctx.reply(t('bot.intake.phoneTaken'), { reply_markup: { remove_keyboard: true } });
    const summary = [
      t('request.summary.question'),
      '',
      `${t('request.category.label')}: ${t(`request.category.${category}`)}`,
      `${t('request.age.label')}: ${age}`,
      `${t('request.district.label')}: ${district}`,
      `${t('request.helpKind.label')}: ${t(`request.helpKind.${helpKind}`)}`,
      `${t('request.description.label')}: ${description}`,
      `${t('request.name.label')}: ${name}`,
      `${t('request.address.label')}: ${address}`,
      `${t('request.phone.label')}: ${phone}`,
    ].join('\n');
    const decision = await choose(summary, [
      { value: 'submit', label: t('engine.summary.submit') },
      { value: 'edit', label: t('engine.summary.edit') },
      { value: 'cancel', label: t('engine.summary.cancel') },
    ]);
    if (decision !== 'submit') {
      await ctx.reply(t('bot.intake.cancelled'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    const requester = { platform: 'telegram' as const, userId: String(ctx.from!.id), chatId: String(ctx.chat!.id) };
    const number = await conversation.external(async () => {
      const outcome = await deps.submitRequest({
        draft: { category, age, district, helpKind, extra, personal: { name, address, phone, description }, consentGiven: true },
        channel: 'telegram',
        requester,
      });
      // The bench files one request per person: no requester limit can refuse it.
      if (outcome.kind !== 'created') throw new Error(`the bench's request was refused: ${outcome.kind}`);
      return outcome.request.number;
    });
    await ctx.reply(t('bot.intake.submitted', { number, district }), { reply_markup: { remove_keyboard: true } });
  };
}
