import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CALL_FIRST, CATEGORIES, HELP_KINDS, RELATIONS } from '../domain/request.js';
import { scenarioSchema, type Scenario, type Step } from './schema.js';
import type { Catalog } from './text.js';

/** A scenario file that cannot be used, naming the file, the step and what is wrong. */
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly stepId: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}${stepId ? `, step "${stepId}"` : ''}: ${problem}`);
    this.name = 'ScenarioFileError';
  }
}

/** A step a kind of scenario must ask, by id: its type, the values its choices may offer, whether it is personal. */
type FieldNeed = { type: Step['type']; values?: readonly string[]; personal?: true; fromDistricts?: true };

/** Steps a help-request scenario must ask, by id, and the values its choice steps may offer. */
const HELP_REQUEST_FIELDS: Record<string, FieldNeed> = {
  // A category such as disability and an exact age are health and personal data of the person helped.
  category: { type: 'choice', values: CATEGORIES, personal: true },
  age: { type: 'number', personal: true },
  district: { type: 'choice', fromDistricts: true },
  helpKind: { type: 'choice', values: HELP_KINDS },
  description: { type: 'text', personal: true },
  name: { type: 'text', personal: true },
  address: { type: 'text', personal: true },
  phone: { type: 'phone', personal: true },
  consent: { type: 'consent' },
};

/**
 * Steps a help-request scenario may ask to tell the person helped from the one asking: all of them
 * or none. The four after `forWhom` must be asked whenever it is answered `other`.
 */
const FOR_SOMEONE_ELSE = 'forWhom';
const ON_BEHALF_FIELDS: Record<string, FieldNeed> = {
  relation: { type: 'choice', values: RELATIONS },
  applicantName: { type: 'text', personal: true },
  applicantPhone: { type: 'phone', personal: true },
  callFirst: { type: 'choice', values: CALL_FIRST },
};

/** Steps an application to volunteer must ask: who they are, where and how they can help, the rules. */
const VOLUNTEER_APPLICATION_FIELDS: Record<string, FieldNeed> = {
  name: { type: 'text', personal: true },
  phone: { type: 'phone', personal: true },
  districts: { type: 'multichoice', fromDistricts: true },
  skills: { type: 'multichoice' },
  // Agreement with the volunteer rules the HQ wrote: an application without it is not sent.
  rules: { type: 'consent' },
};

const FIELDS_BY_PRODUCT: Record<Scenario['produces'], Record<string, FieldNeed>> = {
  'help-request': HELP_REQUEST_FIELDS,
  'volunteer-application': VOLUNTEER_APPLICATION_FIELDS,
};

/** Whether a step asks for personal data (see `personal` in the schema). */
export function isPersonalStep(step: Step): boolean {
  return step.personal ?? (step.type === 'text' || step.type === 'phone');
}

/**
 * Reads, parses and checks a scenario file against the catalogs its texts come from; `produces`: the
 * kind the setting that names the file needs (a volunteer application named as SCENARIO_FILE is refused).
 */
export function loadScenarioFile(file: string, catalogs: readonly Catalog[], produces?: Scenario['produces']): Scenario {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScenarioFileError(file, undefined, `cannot be read as YAML: ${(error as Error).message}`);
  }
  const scenario = checkScenario(raw, file, catalogs);
  if (produces && scenario.produces !== produces) {
    throw new ScenarioFileError(file, undefined, `produces "${scenario.produces}", but this setting needs a scenario that produces "${produces}"`);
  }
  return scenario;
}

/** Validates a parsed scenario: its shape with zod, then the rules that span steps. */
export function checkScenario(raw: unknown, file: string, catalogs: readonly Catalog[]): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const stepIndex = issue.path[0] === 'steps' ? issue.path[1] : undefined;
    const stepId = typeof stepIndex === 'number' ? (stepIdAt(raw, stepIndex) ?? `#${stepIndex + 1}`) : undefined;
    const where = issue.path.slice(typeof stepIndex === 'number' ? 2 : 0).join('.');
    throw new ScenarioFileError(file, stepId, `${where ? `${where}: ` : ''}${issue.message}`);
  }
  const scenario = parsed.data;
  const seen = new Set<string>();
  scenario.steps.forEach((step, index) => {
    if (seen.has(step.id)) throw new ScenarioFileError(file, step.id, 'this id is used by two steps');
    if (step.when && !seen.has(step.when.step)) {
      throw new ScenarioFileError(file, step.id, `"when" refers to "${step.when.step}", which is not an earlier step`);
    }
    if (step.type === 'phone' && step.shareContact && !seen.has(step.shareContact.step)) {
      throw new ScenarioFileError(file, step.id, `"shareContact" refers to "${step.shareContact.step}", which is not an earlier step`);
    }
    seen.add(step.id);
    const isLast = index === scenario.steps.length - 1;
    if (step.type === 'summary' && !isLast) throw new ScenarioFileError(file, step.id, 'the summary must be the last step');
    if (isLast && step.type !== 'summary') throw new ScenarioFileError(file, step.id, 'the last step must be of type "summary"');
    if (step.type === 'summary' && step.when) throw new ScenarioFileError(file, step.id, 'the summary cannot have a condition');
    if (step.type !== 'summary' && step.type !== 'consent' && !step.label) {
      throw new ScenarioFileError(file, step.id, 'needs a "label" to title the answer in the summary');
    }
    for (const key of textKeysOf(step)) {
      for (const catalog of catalogs) {
        if (!catalog.has(key)) {
          throw new ScenarioFileError(file, step.id, `text "${key}" is missing from the ${catalog.locale} catalog`);
        }
      }
    }
  });
  checkNeededFields(scenario, file);
  if (scenario.produces === 'help-request') checkOnBehalfFields(scenario, file);
  checkConsentComesFirst(scenario, file);
  return scenario;
}

/**
 * Consent is asked before anything personal is typed: a person who declines has given nothing. So
 * the first personal step must come after a consent step that every conversation passes through.
 */
function checkConsentComesFirst(scenario: Scenario, file: string): void {
  // The fields a help request stores about the person count as personal even when the file forgets to say so.
  const knownPersonal = (step: Step) =>
    (FIELDS_BY_PRODUCT[scenario.produces][step.id] ?? (scenario.produces === 'help-request' ? ON_BEHALF_FIELDS[step.id] : undefined))?.personal === true;
  const firstPersonal = scenario.steps.findIndex((step) => isPersonalStep(step) || knownPersonal(step));
  if (firstPersonal === -1) return;
  const consent = scenario.steps.findIndex((s) => s.type === 'consent' && !s.when);
  if (consent === -1 || consent > firstPersonal) {
    throw new ScenarioFileError(file, scenario.steps[firstPersonal]!.id, 'asks for personal data, so a consent step without a condition must come before it');
  }
}

/** `forWhom` (self or other) brings the applicant's steps with it, each asked for `other`. */
function checkOnBehalfFields(scenario: Scenario, file: string): void {
  const forWhom = scenario.steps.find((s) => s.id === FOR_SOMEONE_ELSE);
  if (!forWhom) {
    const stray = scenario.steps.find((s) => s.id in ON_BEHALF_FIELDS);
    if (stray)
      throw new ScenarioFileError(file, stray.id, `belongs to a request filed for someone else, so the scenario needs a "${FOR_SOMEONE_ELSE}" step before it`);
    return;
  }
  checkStep(forWhom, { type: 'choice', values: ['self', 'other'] }, file);
  if (forWhom.type === 'choice' && !forWhom.choices?.some((c) => c.value === 'other')) {
    throw new ScenarioFileError(file, forWhom.id, 'must offer the choice "other" (for someone else)');
  }
  for (const [id, need] of Object.entries(ON_BEHALF_FIELDS)) {
    const step = scenario.steps.find((s) => s.id === id);
    if (!step) throw new ScenarioFileError(file, undefined, `a request filed for someone else needs a step with id "${id}" (${need.type})`);
    checkStep(step, need, file);
    const askedForOther = !step.when || (step.when.step === FOR_SOMEONE_ELSE && (step.when.in?.includes('other') ?? !step.when.notIn!.includes('other')));
    if (!askedForOther) throw new ScenarioFileError(file, id, `must be asked whenever "${FOR_SOMEONE_ELSE}" is "other"`);
  }
}

function checkNeededFields(scenario: Scenario, file: string): void {
  const what = scenario.produces === 'help-request' ? 'a help request' : 'an application to volunteer';
  for (const [id, need] of Object.entries(FIELDS_BY_PRODUCT[scenario.produces])) {
    const step = scenario.steps.find((s) => s.id === id);
    if (!step) throw new ScenarioFileError(file, undefined, `${what} needs a step with id "${id}" (${need.type})`);
    checkStep(step, need, file);
    if (step.when) throw new ScenarioFileError(file, id, `is needed by every ${scenario.produces}, so it cannot have a condition`);
  }
}

/** A step's type, personal mark and choice values against what the field it fills needs. */
function checkStep(step: Step, need: FieldNeed, file: string): void {
  const id = step.id;
  if (step.type !== need.type) throw new ScenarioFileError(file, id, `must be of type "${need.type}"`);
  if (need.personal && step.personal === false) {
    throw new ScenarioFileError(file, id, 'holds personal data, so it cannot be marked "personal: false"');
  }
  if ((step.type === 'choice' || step.type === 'multichoice') && need.values && step.choices) {
    const unknown = step.choices.find((c) => !need.values!.includes(c.value));
    if (unknown) {
      throw new ScenarioFileError(file, id, `choice value "${unknown.value}" is not one of: ${need.values.join(', ')}`);
    }
  }
  if (need.fromDistricts && (step.type === 'choice' || step.type === 'multichoice') && step.choicesFrom !== 'districts') {
    throw new ScenarioFileError(file, id, 'must take its choices from the configuration: choicesFrom: districts');
  }
}

function textKeysOf(step: Step): string[] {
  const keys = [step.question];
  if (step.label) keys.push(step.label);
  if ((step.type === 'choice' || step.type === 'multichoice') && step.choices) keys.push(...step.choices.map((c) => c.label));
  if (step.type === 'consent') keys.push(step.accept, step.decline, step.declined);
  return keys;
}

function stepIdAt(raw: unknown, index: number): string | undefined {
  const steps = (raw as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return undefined;
  const id = (steps[index] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}
