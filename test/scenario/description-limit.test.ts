import { describe, expect, it } from 'vitest';
import { createJobTexts } from '../../src/messages/job-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { advance, startScenario } from '../../src/scenario/engine.js';
import { makeRequest } from '../support/fakes.js';
import { catalogs, engineContext, helpScenario } from '../support/scenario-fixtures.js';

// A long list of groceries or medicines is taken whole (it was refused past 1 000 characters and had
// to be retyped), up to what the volunteer's task card can carry in one message.
const ru = catalogs.ru;

describe('a long description', () => {
  const step = helpScenario.steps.find((s) => s.id === 'description');

  it('of 2 000 characters is taken whole, not refused', () => {
    let { state } = startScenario(helpScenario, engineContext);
    for (const input of [
      { type: 'choice' as const, value: 'yes' },
      { type: 'choice' as const, value: 'self' },
      { type: 'choice' as const, value: 'pensioner' },
      { type: 'text' as const, text: '80' },
      { type: 'choice' as const, value: 'Ленинский' },
      { type: 'choice' as const, value: 'groceries' },
    ]) {
      const result = advance(helpScenario, state, input.type === 'choice' ? { ...input, seq: state.seq } : input, engineContext);
      if (result.kind !== 'prompt') throw new Error(result.kind);
      state = result.state;
    }
    const result = advance(helpScenario, state, { type: 'text', text: 'молоко, хлеб; '.repeat(143) }, engineContext);
    expect(result.kind === 'prompt' && result.prompt.stepId).toBe('name');
  });

  it('at its longest still fits the task card in one message, with the applicant and a reminder on top', () => {
    const longest = (id: string) => {
      const s = helpScenario.steps.find((x) => x.id === id);
      return s?.type === 'text' ? s.maxLength : 0;
    };
    const request = makeRequest({
      number: 999_999,
      category: 'family_with_children',
      age: 100,
      helpKind: 'doctor_appointment',
      extra: { prescription: 'needs_help' },
      personal: {
        name: 'и'.repeat(longest('name')),
        address: 'а'.repeat(longest('address')),
        phone: '+79131234567',
        description: 'о'.repeat(longest('description')),
        // Filed for someone else: the applicant's lines are on the card too.
        applicant: { name: 'з'.repeat(longest('applicantName')), phone: '+79137654321' },
      },
      onBehalf: { relation: 'social_worker', callFirst: 'applicant' },
    });
    const reminder = createJobTexts(ru, createRequestTexts(ru, 'UTC', helpScenario)).nudge(request, 99 * 24 * 3_600_000);
    const card = [reminder, createRequestTexts(ru, 'UTC', helpScenario).volunteerDetails(request)].join('\n\n');
    expect(step?.type === 'text' && step.maxLength).toBeGreaterThanOrEqual(2000);
    expect(card.length).toBeLessThanOrEqual(4096);
  });
});
