import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkScenario, loadScenarioFile, ScenarioFileError } from '../../src/scenario/load.js';
import { catalogs } from '../support/scenario-fixtures.js';

const original = parse(readFileSync(join(import.meta.dirname, '../../scenarios/request-help.yaml'), 'utf8')) as {
  steps: Record<string, unknown>[];
};
const both = [catalogs.ru, catalogs.en];

/** The real scenario with one change applied. */
function broken(change: (steps: Record<string, unknown>[]) => void): unknown {
  const copy = structuredClone(original);
  change(copy.steps);
  return copy;
}
const step = (steps: Record<string, unknown>[], id: string) => steps.find((s) => s.id === id)!;

function problemOf(raw: unknown): { stepId: string | undefined; problem: string } {
  try {
    checkScenario(raw, 'request-help.yaml', both);
  } catch (error) {
    if (error instanceof ScenarioFileError) return { stepId: error.stepId, problem: error.problem };
    throw error;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario files are checked at start-up', () => {
  it('accepts the shipped scenario', () => {
    expect(checkScenario(original, 'x', both).steps.length).toBeGreaterThan(5);
  });

  it.each([
    [
      'an unknown step type',
      (s: Record<string, unknown>[]) => {
        step(s, 'age').type = 'slider';
      },
      'age',
      /Invalid/,
    ],
    [
      'min above max',
      (s: Record<string, unknown>[]) => {
        step(s, 'age').min = 200;
      },
      'age',
      /"min" must not be greater/,
    ],
    [
      'a missing text',
      (s: Record<string, unknown>[]) => {
        step(s, 'age').question = 'request.age.nope';
      },
      'age',
      /"request.age.nope" is missing from the ru catalog/,
    ],
    [
      'a duplicate id',
      (s: Record<string, unknown>[]) => {
        step(s, 'name').id = 'address';
      },
      'address',
      /used by two steps/,
    ],
    [
      'a condition on a later step',
      (s: Record<string, unknown>[]) => {
        step(s, 'prescription').when = { step: 'phone', in: ['x'] };
      },
      'prescription',
      /not an earlier step/,
    ],
    [
      'a category code the statistics do not know',
      (s: Record<string, unknown>[]) => {
        (step(s, 'category').choices as { value: string }[])[0]!.value = 'student';
      },
      'category',
      /"student" is not one of/,
    ],
    [
      'a summary that is not last',
      (s: Record<string, unknown>[]) => {
        s.push({ id: 'extra', type: 'phone', question: 'request.phone.question', label: 'request.phone.label' });
      },
      'summary',
      /the summary must be the last step/,
    ],
    [
      'a required step removed',
      (s: Record<string, unknown>[]) => {
        s.splice(s.indexOf(step(s, 'address')), 1);
      },
      undefined,
      /needs a step with id "address"/,
    ],
    [
      'a required step made conditional',
      (s: Record<string, unknown>[]) => {
        step(s, 'address').when = { step: 'category', in: ['other'] };
      },
      'address',
      /cannot have a condition/,
    ],
    [
      'consent after a personal question',
      (s: Record<string, unknown>[]) => {
        const consent = s.splice(s.indexOf(step(s, 'consent')), 1)[0]!;
        s.splice(s.indexOf(step(s, 'phone')) + 1, 0, consent);
      },
      'category',
      /asks for personal data, so a consent step without a condition must come before it/,
    ],
    [
      'consent moved after the name',
      (s: Record<string, unknown>[]) => {
        const consent = s.splice(s.indexOf(step(s, 'consent')), 1)[0]!;
        for (const id of ['category', 'age']) step(s, id).personal = false;
        s.splice(s.indexOf(step(s, 'name')) + 1, 0, consent);
      },
      'category',
      /cannot be marked "personal: false"/,
    ],
    [
      'the age made not personal',
      (s: Record<string, unknown>[]) => {
        step(s, 'age').personal = false;
      },
      'age',
      /cannot be marked "personal: false"/,
    ],
    [
      'a default that is not one of the choices',
      (s: Record<string, unknown>[]) => {
        step(s, 'forWhom').default = 'nobody';
      },
      'forWhom',
      /"default" must be the value of one of the step's own "choices"/,
    ],
    [
      'a share button conditioned on a later step',
      (s: Record<string, unknown>[]) => {
        step(s, 'phone').shareContact = { step: 'callFirst', in: ['person'] };
      },
      'phone',
      /"shareContact" refers to "callFirst", which is not an earlier step/,
    ],
    [
      'a request for someone else without the applicant’s phone',
      (s: Record<string, unknown>[]) => {
        s.splice(s.indexOf(step(s, 'applicantPhone')), 1);
      },
      undefined,
      /needs a step with id "applicantPhone" \(phone\)/,
    ],
    [
      'the applicant’s name asked only for oneself',
      (s: Record<string, unknown>[]) => {
        step(s, 'applicantName').when = { step: 'forWhom', in: ['self'] };
      },
      'applicantName',
      /must be asked whenever "forWhom" is "other"/,
    ],
    [
      'an applicant’s step without the question for whom',
      (s: Record<string, unknown>[]) => {
        s.splice(s.indexOf(step(s, 'forWhom')), 1);
        for (const id of ['relation', 'applicantName', 'applicantPhone', 'callFirst']) delete step(s, id).when;
        delete step(s, 'phone').shareContact;
      },
      'relation',
      /needs a "forWhom" step before it/,
    ],
    [
      'a relation the statistics do not know',
      (s: Record<string, unknown>[]) => {
        (step(s, 'relation').choices as { value: string }[])[0]!.value = 'cousin';
      },
      'relation',
      /choice value "cousin" is not one of: child, relative/,
    ],
  ])('rejects %s, naming the step', (_name, change, stepId, problem) => {
    const result = problemOf(broken(change));
    expect(result.stepId).toBe(stepId);
    expect(result.problem).toMatch(problem);
  });

  it('refuses a free-text question before consent, and accepts a question that is not personal before it', () => {
    const districtFirst = broken((s) => {
      // The district is not personal: asking it before consent is allowed.
      const district = s.splice(s.indexOf(step(s, 'district')), 1)[0]!;
      s.unshift(district);
    });
    expect(checkScenario(districtFirst, 'x', both).steps[0]!.id).toBe('district');
    const textFirst = broken((s) => {
      const description = s.splice(s.indexOf(step(s, 'description')), 1)[0]!;
      s.unshift(description);
    });
    expect(problemOf(textFirst)).toEqual({ stepId: 'description', problem: expect.stringMatching(/consent step without a condition must come before/) });
  });

  it('names the file when it is not YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'steps: [\n  - id: x\n');
    expect(() => loadScenarioFile(file, both)).toThrow(/bad\.yaml: cannot be read as YAML/);
  });

  it('round-trips through YAML unchanged', () => {
    expect(checkScenario(parse(stringify(original)), 'x', both)).toEqual(checkScenario(original, 'x', both));
  });
});
