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
  })
  .strict()
  .refine((s) => (s.choices === undefined) !== (s.choicesFrom === undefined), {
    message: 'a choice step needs exactly one of "choices" or "choicesFrom"',
  });

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

const phoneStep = z.object({ ...common, type: z.literal('phone') }).strict();

const consentStep = z.object({ ...common, type: z.literal('consent'), accept: textKey, decline: textKey, declined: textKey }).strict();

const summaryStep = z.object({ ...common, type: z.literal('summary') }).strict();

export const stepSchema = z.union([choiceStep, numberStep, textStep, phoneStep, consentStep, summaryStep]);

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a scenario id is lowercase letters, digits and "-"'),
    /** What the finished answers become; the loader checks the steps that kind needs are there. */
    produces: z.enum(['help-request']),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Condition = z.infer<typeof condition>;
export type Step = z.infer<typeof stepSchema>;
export type StepType = Step['type'];
export type ChoiceStep = Extract<Step, { type: 'choice' }>;
export type Scenario = z.infer<typeof scenarioSchema>;
