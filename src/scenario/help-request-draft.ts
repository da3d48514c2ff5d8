import type { Answers } from './schema.js';
/** Step ids that map to fields of a help request; every other answer is kept under `extra`. */
const FIELD_STEPS = new Set([
  'category',
  'age',
  'district',
  'helpKind',
  'description',
  'name',
  'address',
  'phone',
  'consent',
  // Filed for someone else (see scenarios/request-help.yaml): who asked, and whom to call first.
  'forWhom',
  'relation',
  'applicantName',
  'applicantPhone',
  'callFirst',
]);

/**
 * Shapes the answers of a finished help-request scenario into a request draft. The result is
 * checked by the domain schema when submitted, so nothing here needs to trust the answers.
 */
export function toHelpRequestDraft(answers: Answers) {
  const extra: Record<string, string> = {};
  for (const [stepId, value] of Object.entries(answers)) {
    if (!FIELD_STEPS.has(stepId)) extra[stepId] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const forSomeoneElse = answers.forWhom === 'other';
  return {
    category: answers.category,
    age: answers.age,
    district: answers.district,
    helpKind: answers.helpKind,
    extra,
    personal: {
      name: answers.name,
      address: answers.address,
      phone: answers.phone,
      description: answers.description,
      ...(forSomeoneElse ? { applicant: { name: answers.applicantName, phone: answers.applicantPhone } } : {}),
    },
    ...(forSomeoneElse ? { onBehalf: { relation: answers.relation, callFirst: answers.callFirst ?? 'person' } } : {}),
    consentGiven: answers.consent === 'yes',
  };
}
