import { z } from 'zod';

const stepId = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'a step id is letters, digits and "_", starting with a letter');
const textKey = z.string().regex(/^[a-zA-Z0-9_.]+$/, 'a text key looks like "request.age.question"');

/** `when: { step: helpKind, in: [medicine] }` — the step is asked only if an earlier answer is one of these. */
const condition = z
  .object({
    step: stepId,
    in: z.array(z.string()).min(1).optional(),
    notIn: z.array(z.string()).min(1).optional(),
  })
  .strict()
  .refine((c) => (c.in === undefined) !== (c.notIn === undefined), {
    message: 'a condition needs exactly one of "in" or "notIn"',
  });

const choiceOption = z.object({ value: z.string().min(1).max(40), label: textKey }).strict();

const common = {
  id: stepId,
  question: textKey,
  /** How the answer is titled in the summary; summary and consent steps have none. */
  label: textKey.optional(),
  when: condition.optional(),
  /**
   * Whether the answer is personal data, which may be asked only after consent. Text and phone
   * answers are personal unless marked `personal: false` (free text can hold anything); other types
   * are not unless marked `personal: true` (an age, a category such as disability).
   */
  personal: z.boolean().optional(),
};

const choiceStep = z
  .object({
    ...common,
    type: z.literal('choice'),
    choices: z.array(choiceOption).min(1).max(20).optional(),
    /** Name of a list given at run time (e.g. "districts" from the configuration). */
    choicesFrom: z.enum(['districts']).optional(),
    /**
     * The answer taken when a channel that asks everything at once (the console's form, a partner
     * line) leaves the question out; a chat always asks it.
     */
    default: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.choices === undefined) !== (s.choicesFrom === undefined), {
    message: 'a choice step needs exactly one of "choices" or "choicesFrom"',
  })
  .refine((s) => s.default === undefined || s.choices?.some((c) => c.value === s.default), {
    message: '"default" must be the value of one of the step\'s own "choices"',
  });

/**
 * Several choices at once (the districts a volunteer can serve): each press marks or unmarks one, and
 * «Готово» goes on; a typed list ("1, 3" or the labels) answers at once.
 */
const multichoiceStep = z
  .object({
    ...common,
    type: z.literal('multichoice'),
    choices: z.array(choiceOption).min(1).max(20).optional(),
    choicesFrom: z.enum(['districts']).optional(),
    /** At least this many must be marked (1 unless said). */
    minPicks: z.number().int().min(1).default(1),
    maxPicks: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.choices === undefined) !== (s.choicesFrom === undefined), {
    message: 'a multichoice step needs exactly one of "choices" or "choicesFrom"',
  })
  .refine((s) => s.maxPicks === undefined || s.minPicks <= s.maxPicks, { message: '"minPicks" must not be greater than "maxPicks"' });

const numberStep = z
  .object({ ...common, type: z.literal('number'), min: z.number().int(), max: z.number().int() })
  .strict()
  .refine((s) => s.min <= s.max, { message: '"min" must not be greater than "max"' });

const textStep = z
  .object({
    ...common,
    type: z.literal('text'),
    minLength: z.number().int().min(1).default(1),
    maxLength: z.number().int().min(1).max(4000),
  })
  .strict()
  .refine((s) => s.minLength <= s.maxLength, { message: '"minLength" must not be greater than "maxLength"' });

const phoneStep = z
  .object({
    ...common,
    type: z.literal('phone'),
    /**
     * When the platform's «share my number» button is offered (a condition like `when`): the button
     * sends the number of whoever presses it, so a step asking someone else's phone leaves it out.
     * Offered always unless said.
     */
    shareContact: condition.optional(),
  })
  .strict();

const consentStep = z.object({ ...common, type: z.literal('consent'), accept: textKey, decline: textKey, declined: textKey }).strict();

const summaryStep = z.object({ ...common, type: z.literal('summary') }).strict();

export const stepSchema = z.union([choiceStep, multichoiceStep, numberStep, textStep, phoneStep, consentStep, summaryStep]);

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a scenario id is lowercase letters, digits and "-"'),
    /** What the finished answers become; the loader checks the steps that kind needs are there. */
    produces: z.enum(['help-request', 'volunteer-application']),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Condition = z.infer<typeof condition>;
export type Step = z.infer<typeof stepSchema>;
export type StepType = Step['type'];
export type ChoiceStep = Extract<Step, { type: 'choice' }>;
export type MultichoiceStep = Extract<Step, { type: 'multichoice' }>;
/** What the person answered to one step: a choice's value, a typed text or number, the values of a multichoice. */
export type Answer = string | number | string[];
export type Answers = Record<string, Answer>;
export type Scenario = z.infer<typeof scenarioSchema>;
