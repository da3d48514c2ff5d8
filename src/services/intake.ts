import type { PersonRef, Platform } from '../domain/request.js';
import { advance, repeatPrompt, startScenario, type EngineContext, type EngineInput, type Prompt, type ScenarioState } from '../scenario/engine.js';
import { toHelpRequestDraft } from '../scenario/help-request-draft.js';
import type { Answers, Scenario } from '../scenario/schema.js';
import { keyText, type Text } from '../scenario/text.js';
import { describeError } from './describe-error.js';
import type { Logger } from './ports.js';
import type { SubmitOutcome, SubmitRequest } from './submit-request.js';

/** Where one person is in the questionnaire: the engine's state and the question on screen. Plain JSON. */
export interface IntakeSession {
  state: ScenarioState;
  prompt: Prompt;
}

/** What a person did, as every adapter can express it. */
export type IntakeInput =
  | Exclude<EngineInput, { type: 'choice' | 'back' }>
  /** "Back"; from a button, with the prompt it belongs to. */
  | { type: 'back'; seq?: number }
  /** A button: the prompt it belongs to and the position of the choice on it. */
  | { type: 'pick'; seq: number; index: number }
  /** /start (or the menu) in the middle: show where they are. */
  | { type: 'resume' }
  /** /my in the middle: list their requests, then the question again. */
  | { type: 'mine' };

/** What the adapter should show, in order. */
/** `inPlace`: the same question redrawn after a mark, in place of the message pressed where the platform can. */
export type IntakeReply = { kind: 'prompt'; prompt: Prompt; withHint: boolean; inPlace?: boolean } | { kind: 'text'; text: Text; closesKeyboard?: boolean };

export interface IntakeStep {
  /** The session to keep, or null when the conversation is over (sent or cancelled). */
  session: IntakeSession | null;
  replies: IntakeReply[];
  /** A button of an older message was pressed: nothing changed, the adapter says so briefly. */
  stale: boolean;
}

/**
 * What a finished questionnaire of another kind than the help request becomes (an application to
 * volunteer): the replies that end it, or why it cannot be taken now (the person stays on the summary).
 */
export type FlowOutcome = { done: true; replies: IntakeReply[] } | { done: false; why: Text };

/** A questionnaire other than the help request, run by the same engine and turns. */
export interface IntakeFlow {
  scenario: Scenario;
  /** What the person reads after /cancel. */
  cancelled: string;
  finish(answers: Answers, person: PersonRef & { chatId: string }): Promise<FlowOutcome>;
}

export interface IntakeDeps {
  /** The help-request questionnaire, which /start and /new begin. */
  scenario: Scenario;
  /** The other questionnaires, by their scenario's id. */
  flows?: readonly IntakeFlow[];
  engine: EngineContext;
  submitRequest: SubmitRequest;
  /** The text of /my for a person. */
  myRequestsText: (person: PersonRef) => Promise<string>;
  logger: Logger;
}

/**
 * The help-request conversation as every channel runs it: the engine decides the next question,
 * this turns a finished questionnaire into a request. Adapters only translate updates to inputs
 * and replies to their platform, and keep the session where their platform keeps state.
 */
export function createIntake(deps: IntakeDeps) {
  const { engine } = deps;
  const flows = new Map((deps.flows ?? []).map((flow) => [flow.scenario.id, flow]));
  // A session whose scenario is not one of the flows is the help request's.
  const scenarioOf = (session: IntakeSession): Scenario => flows.get(session.state.scenarioId)?.scenario ?? deps.scenario;
  return {
    /**
     * Begins a questionnaire: the help request's, or the flow whose scenario produces `kind` (the
     * application to volunteer), whatever id the HQ gave its file.
     */
    start(kind?: Scenario['produces']): IntakeStep {
      const scenario = [...flows.values()].find((flow) => flow.scenario.produces === kind)?.scenario ?? deps.scenario;
      const { state, prompt } = startScenario(scenario, engine);
      return { session: { state, prompt }, replies: [{ kind: 'prompt', prompt, withHint: true }], stale: false };
    },

    /** Takes one input. `requester` is whoever is writing, with the chat to answer in. */
    async handle(session: IntakeSession, input: IntakeInput, requester: PersonRef & { chatId: string }): Promise<IntakeStep> {
      const scenario = scenarioOf(session);
      const flow = flows.get(scenario.id);
      if (input.type === 'resume' || input.type === 'mine') {
        const first: IntakeReply =
          input.type === 'mine'
            ? { kind: 'text', text: { literal: await deps.myRequestsText(requester) } }
            : { kind: 'text', text: keyText('bot.intake.resumed') };
        const again = repeatPrompt(scenario, session.state, engine);
        return { session: again, replies: [first, { kind: 'prompt', prompt: again.prompt, withHint: false }], stale: false };
      }
      const engineInput = toEngineInput(session, input);
      if (!engineInput) return { session, replies: [], stale: true };

      const result = advance(scenario, session.state, engineInput, engine);
      switch (result.kind) {
        case 'stale':
          return { session, replies: [], stale: true };
        case 'cancelled':
          return { session: null, replies: [{ kind: 'text', text: keyText(flow?.cancelled ?? 'bot.intake.cancelled'), closesKeyboard: true }], stale: false };
        case 'declined':
          // Nothing personal was asked before consent, and the conversation's answers go with it.
          return { session: null, replies: [{ kind: 'text', text: result.text, closesKeyboard: true }], stale: false };
        case 'prompt': {
          // A mark on a multichoice question redraws that question where the platform can (its ticks).
          const marked = result.prompt.multiple === true && result.prompt.stepId === session.prompt.stepId && engineInput.type === 'choice';
          return {
            session: { state: result.state, prompt: result.prompt },
            replies: [{ kind: 'prompt', prompt: result.prompt, withHint: false, ...(marked ? { inPlace: true } : {}) }],
            stale: false,
          };
        }
        case 'completed':
          if (flow) return finishFlow(flow, session, result.answers, requester);
          return submit(session, result.answers, requester);
      }
    },
  };

  /** Nothing is lost when it cannot be stored now: the person stays on the summary and can press "Send" again. */
  function stayOnSummary(session: IntakeSession, why: Text): IntakeStep {
    const again = repeatPrompt(scenarioOf(session), session.state, engine);
    return {
      session: again,
      replies: [
        { kind: 'text', text: why },
        { kind: 'prompt', prompt: again.prompt, withHint: false },
      ],
      stale: false,
    };
  }

  async function finishFlow(flow: IntakeFlow, session: IntakeSession, answers: Answers, person: PersonRef & { chatId: string }): Promise<IntakeStep> {
    let outcome: FlowOutcome;
    try {
      outcome = await flow.finish(answers, person);
    } catch (error) {
      deps.logger.error({ err: describeError(error), scenario: flow.scenario.id }, 'saving a questionnaire failed');
      return stayOnSummary(session, keyText('bot.intake.saveFailed'));
    }
    return outcome.done ? { session: null, replies: outcome.replies, stale: false } : stayOnSummary(session, outcome.why);
  }

  async function submit(session: IntakeSession, answers: Answers, requester: PersonRef & { chatId: string }): Promise<IntakeStep> {
    let outcome: SubmitOutcome;
    try {
      outcome = await deps.submitRequest({ draft: toHelpRequestDraft(answers), channel: requester.platform as Platform, requester });
    } catch (error) {
      deps.logger.error({ err: describeError(error) }, 'saving a request failed');
      return stayOnSummary(session, keyText('bot.intake.saveFailed'));
    }
    if (outcome.kind === 'too_many_open') return stayOnSummary(session, keyText('bot.intake.tooManyOpen', { open: outcome.open }));
    if (outcome.kind === 'too_soon')
      return stayOnSummary(session, keyText('bot.intake.tooSoon', { minutes: Math.max(1, Math.ceil(outcome.retryAfterMs / 60_000)) }));
    const { request } = outcome;
    return {
      session: null,
      replies: [
        { kind: 'text', text: keyText(SUBMITTED[outcome.routed ?? 'unknown'], { number: request.number, district: request.district }), closesKeyboard: true },
        // A message of its own, so it can be found, forwarded to the person helped, or read out.
        ...(request.codeWord ? [{ kind: 'text' as const, text: keyText('request.codeWordTold', { codeWord: request.codeWord }) }] : []),
      ],
      stale: false,
    };
  }
}

export type Intake = ReturnType<typeof createIntake>;

/**
 * The confirmation says what really happened to the request: a district without a volunteer chat
 * has it posted in the HQ chat, where a coordinator finds a volunteer. When the dispatcher did not
 * say where it went, the confirmation promises neither.
 */
const SUBMITTED = {
  district: 'bot.intake.submittedToDistrict',
  headquarters: 'bot.intake.submittedToHeadquarters',
  unknown: 'bot.intake.submitted',
} as const;

function toEngineInput(session: IntakeSession, input: Exclude<IntakeInput, { type: 'resume' | 'mine' }>): EngineInput | null {
  if (input.type === 'back') return input.seq === undefined || input.seq === session.state.seq ? { type: 'back' } : null;
  if (input.type !== 'pick') return input;
  if (input.seq !== session.state.seq) return null;
  const choice = session.prompt.choices[input.index];
  return choice ? { type: 'choice', seq: input.seq, value: choice.value } : null;
}
