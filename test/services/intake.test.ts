import { describe, expect, it } from 'vitest';
import type { HelpRequest } from '../../src/domain/request.js';
import { createIntake, type IntakeInput, type IntakeSession } from '../../src/services/intake.js';
import type { SubmitInput, SubmitOutcome } from '../../src/services/submit-request.js';
import { RecordingLogger } from '../support/fakes.js';
import { keyText } from '../../src/scenario/text.js';
import { engineContext, helpScenario, volunteerScenario } from '../support/scenario-fixtures.js';

const requester = { platform: 'vk' as const, userId: '42', chatId: '42' };

function setup(submit: (input: SubmitInput) => Promise<SubmitOutcome>) {
  const logger = new RecordingLogger();
  const intake = createIntake({
    scenario: helpScenario,
    engine: engineContext,
    submitRequest: submit,
    myRequestsText: async (person) => `requests of ${person.platform}:${person.userId}`,
    logger,
  });
  return { intake, logger };
}

/** Answers by pressing the choice whose value is given, or typing text. */
async function answer(intake: ReturnType<typeof setup>['intake'], session: IntakeSession, value: string) {
  const index = session.prompt.choices.findIndex((c) => c.value === value);
  const input: IntakeInput = index >= 0 ? { type: 'pick', seq: session.state.seq, index } : { type: 'text', text: value };
  const step = await intake.handle(session, input, requester);
  if (!step.session) throw new Error('conversation ended');
  return step.session;
}

async function toSummary(intake: ReturnType<typeof setup>['intake']) {
  let session = intake.start().session!;
  for (const value of ['yes', 'self', 'pensioner', '80', 'Ленинский', 'legal', 'Помочь с наследством', 'Анна Сергеевна', 'ул. Мира, 1', '+79130000000']) {
    session = await answer(intake, session, value);
  }
  expect(session.prompt.stepId).toBe('summary');
  return session;
}

describe('the shared intake', () => {
  it("ends the conversation when consent is declined, with the consent step's own text, submitting nothing", async () => {
    const { intake } = setup(async () => {
      throw new Error('nothing may be submitted');
    });
    const session = intake.start().session!;
    expect(session.prompt.stepId).toBe('consent');
    const step = await intake.handle(session, { type: 'pick', seq: session.state.seq, index: 1 }, requester);
    expect(step.session).toBeNull();
    expect(step.replies).toEqual([{ kind: 'text', text: { key: 'request.consent.declined', params: engineContext.params }, closesKeyboard: true }]);
  });

  it('submits the request as the requester and closes the conversation with its number', async () => {
    const submitted: SubmitInput[] = [];
    const { intake } = setup(async (input) => {
      submitted.push(input);
      return { kind: 'created', request: { number: 7, district: 'Ленинский' } as HelpRequest };
    });
    const summary = await toSummary(intake);
    const step = await intake.handle(summary, { type: 'pick', seq: summary.state.seq, index: 0 }, requester);
    expect(step.session).toBeNull();
    expect(step.replies).toEqual([{ kind: 'text', text: { key: 'bot.intake.submitted', params: { number: 7, district: 'Ленинский' } }, closesKeyboard: true }]);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]).toMatchObject({ channel: 'vk', requester, draft: { helpKind: 'legal', personal: { phone: '+79130000000' } } });
  });

  it('keeps the person on the summary when saving fails, logging nothing personal', async () => {
    const { intake, logger } = setup(async () => {
      throw new Error('database down');
    });
    const summary = await toSummary(intake);
    const step = await intake.handle(summary, { type: 'pick', seq: summary.state.seq, index: 0 }, requester);
    expect(step.session?.prompt.stepId).toBe('summary');
    expect(step.session?.state.answers).toEqual(summary.state.answers);
    expect(step.replies[0]).toEqual({ kind: 'text', text: { key: 'bot.intake.saveFailed' } });
    expect(logger.at('error')).toHaveLength(1);
    expect(logger.serialized()).not.toMatch(/Анна|Мира|7913/);
  });

  it('keeps the person on the summary, saying what to do, when a requester limit refuses the request', async () => {
    for (const [outcome, text] of [
      [
        { kind: 'too_many_open', open: 3 },
        { key: 'bot.intake.tooManyOpen', params: { open: 3 } },
      ],
      [
        { kind: 'too_soon', retryAfterMs: 61_000 },
        { key: 'bot.intake.tooSoon', params: { minutes: 2 } },
      ],
    ] as const) {
      const { intake } = setup(async () => outcome);
      const summary = await toSummary(intake);
      const step = await intake.handle(summary, { type: 'pick', seq: summary.state.seq, index: 0 }, requester);
      expect(step.session?.prompt.stepId).toBe('summary');
      expect(step.session?.state.answers).toEqual(summary.state.answers);
      expect(step.replies[0]).toEqual({ kind: 'text', text });
    }
  });

  it('treats a button of an older prompt, or of no prompt, as stale and changes nothing', async () => {
    const { intake } = setup(async () => ({ kind: 'created', request: {} as HelpRequest }));
    const session = await answer(intake, intake.start().session!, 'pensioner');
    for (const input of [
      { type: 'pick', seq: session.state.seq - 1, index: 0 },
      { type: 'pick', seq: session.state.seq, index: 99 },
      { type: 'back', seq: session.state.seq - 1 },
    ] as IntakeInput[]) {
      const step = await intake.handle(session, input, requester);
      expect(step).toEqual({ session, replies: [], stale: true });
    }
  });

  it('answers /my and /start mid-way and asks the same question again', async () => {
    const { intake } = setup(async () => ({ kind: 'created', request: {} as HelpRequest }));
    const session = await answer(intake, await answer(intake, await answer(intake, intake.start().session!, 'yes'), 'self'), 'pensioner');
    const mine = await intake.handle(session, { type: 'mine' }, requester);
    expect(mine.replies[0]).toEqual({ kind: 'text', text: { literal: 'requests of vk:42' } });
    expect(mine.session?.prompt.stepId).toBe('age');
    const resumed = await intake.handle(session, { type: 'resume' }, requester);
    expect(resumed.replies.map((r) => r.kind)).toEqual(['text', 'prompt']);
    expect(resumed.session?.state.answers).toEqual(session.state.answers);
  });
});

describe('the application to volunteer, a flow of the same intake', () => {
  it('starts by what it produces whatever id the HQ gave the file, files through the flow, and says /cancel in its own words', async () => {
    const renamed = { ...volunteerScenario, id: 'helpers-2027' };
    const applied: string[] = [];
    const intake = createIntake({
      scenario: helpScenario,
      flows: [
        {
          scenario: renamed,
          cancelled: 'vetting.cancelled',
          finish: async (answers) => {
            applied.push(String(answers.name));
            return { done: true, replies: [{ kind: 'text', text: keyText('vetting.applied', { number: 1 }) }] };
          },
        },
      ],
      engine: engineContext,
      submitRequest: async () => {
        throw new Error('a help request was filed');
      },
      myRequestsText: async () => '',
      logger: new RecordingLogger(),
    });
    expect(intake.start().session!.state.scenarioId).toBe(helpScenario.id);
    let session = intake.start('volunteer-application').session!;
    expect(session.state.scenarioId).toBe('helpers-2027');
    const cancelled = await intake.handle(session, { type: 'cancel' }, requester);
    expect(cancelled.replies).toEqual([{ kind: 'text', text: { key: 'vetting.cancelled' }, closesKeyboard: true }]);

    session = intake.start('volunteer-application').session!;
    for (const value of ['yes', 'Анна', '+79130000001']) session = await answer(intake, session, value);
    session = await answer(intake, session, '1, 2');
    session = await answer(intake, session, '1');
    session = await answer(intake, session, 'yes');
    expect(session.prompt.stepId).toBe('summary');
    const done = await intake.handle(session, { type: 'pick', seq: session.state.seq, index: 0 }, requester);
    expect(done.session).toBeNull();
    expect(done.replies).toEqual([{ kind: 'text', text: { key: 'vetting.applied', params: { number: 1 } } }]);
    expect(applied).toEqual(['Анна']);
  });
});
