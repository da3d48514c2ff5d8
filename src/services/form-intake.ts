import { createHash } from 'node:crypto';
import type { HelpRequest, PersonRef, RequestChannel } from '../domain/request.js';
import { answerStep, applicableAnswers, isStepAsked, stepChoices, summarize, type Choice, type EngineContext } from '../scenario/engine.js';
import { toHelpRequestDraft } from '../scenario/help-request-draft.js';
import type { Answers, Scenario, Step } from '../scenario/schema.js';
import { keyText, type Text } from '../scenario/text.js';
import type { SubmitOnce } from './submit-request.js';

/** A question of the form: a step of the scenario with what the page needs to render it. */
export interface FormField {
  id: string;
  type: Exclude<Step['type'], 'summary'>;
  question: Text;
  label?: Text;
  choices: Choice[];
  /** The step's `when`, so the page can hide a question until it applies. */
  when?: Step['when'];
  /** A text step's limit: a long answer gets a bigger box. */
  maxLength?: number;
}

/** What the form sent: one value per step id (a choice's value, or what was typed). */
export type FormValues = Record<string, string | undefined>;

/** The form checked: the answers, or why each refused question was refused. */
export type FormCheck = { ok: true; answers: Answers; summary: { label: Text; value: Text }[] } | { ok: false; errors: Record<string, Text> };

/** Texts the conversation words for a chat ("press a button below") that a form says its own way. */
const FORM_WORDING: Record<string, string> = {
  'engine.errors.pressButton': 'console.intake.chooseOne',
  'engine.errors.typeAnswer': 'engine.errors.empty',
};

/**
 * The help-request scenario answered all at once: the web console's form for a request an operator
 * takes by phone, and a partner line's API call. The same steps, choices, conditions and checks as the
 * bots' conversation (each answer is read by the engine itself); the request is stored once per
 * client key and dispatched like any other.
 */
export function createFormIntake(deps: { scenario: Scenario; engine: EngineContext; submitOnce: SubmitOnce }) {
  const { scenario, engine } = deps;
  const steps = scenario.steps.filter((s): s is Exclude<Step, { type: 'summary' }> => s.type !== 'summary');

  function fields(): FormField[] {
    return steps.map((step) => ({
      id: step.id,
      type: step.type,
      question: keyText(step.question, engine.params),
      ...(step.label && !repeatsQuestion(step.label, step.question) ? { label: keyText(step.label) } : {}),
      choices: stepChoices(step, engine),
      ...(step.when ? { when: step.when } : {}),
      ...(step.type === 'text' ? { maxLength: step.maxLength } : {}),
    }));
  }

  /**
   * A label that only says the question again («Кому нужна помощь. Кому нужна помощь?») is left off:
   * the form shows a label before its question, and a chat's summary needs the short form, not the page.
   */
  function repeatsQuestion(label: string, question: string): boolean {
    const plain = (text: string) =>
      engine
        .render(keyText(text, engine.params))
        .replace(/[\s.?!:…]+$/u, '')
        .toLocaleLowerCase();
    return plain(label) === plain(question);
  }

  /** Reads every question that applies, in the scenario's order; a hidden branch is not asked. */
  function check(values: FormValues): FormCheck {
    const answers: Answers = {};
    const errors: Record<string, Text> = {};
    for (const step of steps) {
      if (!isStepAsked(step, answers)) continue;
      // A question left out takes the step's default, if it has one (the request is the person's own).
      const raw = (values[step.id] || (step.type === 'choice' ? step.default : undefined) || '').slice(0, 10_000);
      // A multichoice answer comes typed as a list ("1, 3" or the labels), as a chat also takes it.
      const choice = step.type === 'choice' || step.type === 'consent';
      const parsed =
        raw === '' && choice
          ? { ok: false as const, reason: 'engine.errors.pressButton' }
          : answerStep(step, choice ? { type: 'choice', seq: 0, value: raw } : { type: 'text', text: raw }, engine);
      if (parsed.ok) answers[step.id] = parsed.value;
      // A declined consent's own text tells a chat how to go on (/cancel); a form says it plainly.
      else if (step.type === 'consent') errors[step.id] = keyText('console.intake.consentRequired');
      else errors[step.id] = keyText(FORM_WORDING[parsed.reason] ?? parsed.reason, parsed.params);
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const applicable = applicableAnswers(scenario, answers);
    return { ok: true, answers: applicable, summary: summarize(scenario, applicable, engine) };
  }

  return {
    scenario,
    fields,
    check,

    /**
     * Checks and files the answers once per client key (a form's token, a partner's own id): the same
     * key again returns the request the first submission made (created: false) with its fingerprint,
     * so a caller can tell a retry from different answers sent under a used key.
     */
    async submit(
      values: FormValues,
      source: { channel: RequestChannel; key: string; takenBy?: PersonRef & { displayName: string } },
    ): Promise<{ ok: true; request: HelpRequest; created: boolean; fingerprint: string } | Extract<FormCheck, { ok: false }>> {
      const checked = check(values);
      if (!checked.ok) return checked;
      // Over what was sent: an answer taken by default is left out, so a retry from before the
      // question existed still matches.
      const sent = Object.entries(checked.answers).filter(([id]) => values[id]);
      const fingerprint = createHash('sha256').update(JSON.stringify(sent.sort())).digest('hex');
      const stored = await deps.submitOnce({
        draft: toHelpRequestDraft(checked.answers),
        channel: source.channel,
        ...(source.takenBy ? { takenBy: { platform: source.takenBy.platform, userId: source.takenBy.userId, displayName: source.takenBy.displayName } } : {}),
        clientKey: { key: source.key, fingerprint },
      });
      return { ok: true, ...stored, fingerprint };
    },
  };
}

export type FormIntake = ReturnType<typeof createFormIntake>;
