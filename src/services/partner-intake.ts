import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { API_SOURCE_PATTERN, type HelpRequest } from '../domain/request.js';
import { stepChoices, type EngineContext } from '../scenario/engine.js';
import type { Step } from '../scenario/schema.js';
import { keyText, type Text } from '../scenario/text.js';
import { hashSecret } from './console-access.js';
import type { FormIntake, FormValues } from './form-intake.js';
import type { Logger } from './ports.js';

/** A partner line (112, a hotline, a partner organisation) and its API key. */
export interface PartnerKey {
  source: string;
  key: string;
}

/** How a partner's call ended, for the HTTP layer to answer. */
export type PartnerOutcome =
  | { kind: 'created' | 'replayed'; request: HelpRequest }
  /** The key was used before for a different request: nothing is stored, the first one stands. */
  | { kind: 'conflict'; request: HelpRequest }
  | { kind: 'invalid'; issues: { path: string; message: string }[] };

export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The body of `POST /api/v1/requests`, built from the scenario so the API asks exactly what the
 * questionnaire asks (choices, limits, conditional questions as optional fields), plus the partner's
 * own id of the request. Its JSON Schema is the API's documentation.
 */
export function partnerRequestSchema(steps: readonly Step[], engine: EngineContext, describe: (text: Text) => string) {
  const shape: Record<string, z.ZodType> = {
    externalId: z
      .string()
      .regex(EXTERNAL_ID_PATTERN, 'must be 1–100 characters of A-Z a-z 0-9 . _ : -')
      .describe('Your own id of this request. Sending the same externalId again returns the request made the first time (no second one is filed).'),
  };
  for (const step of steps) {
    let field: z.ZodType;
    switch (step.type) {
      case 'summary':
        continue;
      case 'choice': {
        const values = stepChoices(step, engine).map((c) => c.value);
        field = z.enum(values as [string, ...string[]]);
        break;
      }
      case 'multichoice': {
        const values = stepChoices(step, engine).map((c) => c.value);
        field = z
          .array(z.enum(values as [string, ...string[]]))
          .min(step.minPicks)
          .max(step.maxPicks ?? values.length);
        break;
      }
      case 'number':
        field = z.number().int().min(step.min).max(step.max);
        break;
      case 'text':
        field = z.string().min(step.minLength).max(step.maxLength);
        break;
      case 'phone':
        field = z.string().min(1).max(40);
        break;
      case 'consent':
        field = z.literal(true);
        break;
    }
    const condition = step.when
      ? ` Only when ${step.when.step} is ${step.when.in ? 'one of' : 'none of'}: ${(step.when.in ?? step.when.notIn)!.join(', ')}.`
      : '';
    const fallback = step.type === 'choice' && step.default ? ` Left out, it is "${step.default}".` : '';
    const described = field.describe(`${describe(keyText(step.question, engine.params))}${condition}${fallback}`);
    shape[step.id] = step.when || fallback ? described.optional() : described;
  }
  return z.object(shape).strict();
}

/** The answer of `POST /api/v1/requests`. */
export const partnerResponseSchema = z.object({
  number: z.number().int().describe('The request number the headquarters will know it by (№…)'),
  status: z.string().describe('new, claimed, done or cancelled'),
  createdAt: z.string().describe('ISO 8601'),
  replayed: z.boolean().describe('true when this externalId was sent before and this is the request made then'),
  codeWord: z.string().optional().describe('Tell it to the person: the volunteer who comes says it at the door. Absent once the personal data is erased.'),
});

/** An error answer of the API. */
export const partnerErrorSchema = z.object({
  error: z.enum(['unauthorized', 'invalid_request', 'idempotency_conflict', 'rate_limited']),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  number: z.number().int().optional(),
});

/**
 * Requests from partner lines: each source has its own API key, the body is checked by its schema and
 * then by the scenario's own checks, and the partner's id makes a retry return the first request.
 */
export function createPartnerIntake(deps: {
  form: FormIntake;
  engine: EngineContext;
  keys: readonly PartnerKey[];
  render: (text: Text) => string;
  logger: Logger;
}) {
  const schema = partnerRequestSchema(deps.form.scenario.steps, deps.engine, deps.render);
  const keys = deps.keys.map((k) => ({ source: k.source, hash: Buffer.from(hashSecret(k.key), 'hex') }));

  return {
    schema,

    /** The source a presented key belongs to, or null. Compared as hashes in constant time. */
    authenticate(presented: string | undefined): string | null {
      if (!presented) return null;
      const hash = Buffer.from(hashSecret(presented), 'hex');
      let found: string | null = null;
      for (const key of keys) if (timingSafeEqual(key.hash, hash)) found = key.source;
      return found;
    },

    async submit(source: string, body: unknown): Promise<PartnerOutcome> {
      if (!API_SOURCE_PATTERN.test(source)) throw new Error(`not a partner source: ${source}`);
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        return { kind: 'invalid', issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })) };
      }
      const { externalId, ...answers } = parsed.data as Record<string, unknown> & { externalId: string };
      const values: FormValues = Object.fromEntries(
        Object.entries(answers).map(([id, value]) => [id, value === true ? 'yes' : Array.isArray(value) ? value.join(', ') : String(value)]),
      );
      const result = await deps.form.submit(values, { channel: `api:${source}`, key: externalId });
      if (!result.ok) {
        return { kind: 'invalid', issues: Object.entries(result.errors).map(([path, text]) => ({ path, message: deps.render(text) })) };
      }
      if (result.created) {
        deps.logger.info({ request: result.request.number, source }, 'request received from a partner line');
        return { kind: 'created', request: result.request };
      }
      return { kind: result.request.clientKey?.fingerprint === result.fingerprint ? 'replayed' : 'conflict', request: result.request };
    },
  };
}

export type PartnerIntake = ReturnType<typeof createPartnerIntake>;
