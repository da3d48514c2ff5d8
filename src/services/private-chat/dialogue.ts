import type { PersonRef } from '../../domain/request.js';
import { RELEASE_REASONS } from '../../domain/volunteer.js';
import type { Catalog } from '../../scenario/text.js';
import type { Erasure } from '../erasure.js';
import { RATINGS, type Feedback } from '../feedback.js';
import type { Intake, IntakeSession } from '../intake.js';
import type { KeyValueStore } from '../ports.js';
import type { ChatTexts } from '../texts.js';
import type { RequestConversation } from '../request-conversation.js';
import type { TaskDetails } from '../task-details.js';
import type { VolunteerDesk } from '../volunteer-desk.js';
import type { VolunteerVetting } from '../volunteer-vetting.js';
import { isKeyboardAction, type ChatAction } from './actions.js';
import { createQuestionnaireTurn } from './questionnaire.js';
import { NO_MESSAGES, type ChatButton, type ChatCapabilities, type ChatInput, type ChatMessage, type ChatReply } from './reply.js';

/** The deep-link argument of /start a volunteer is sent with when the bot could not write to them, or may not take requests yet. */
export const VOLUNTEER_START_PAYLOAD = 'volunteer';
/** What the application to volunteer produces (scenarios/volunteer.yaml): the flow /volunteer starts. */
export const VOLUNTEER_FLOW = 'volunteer-application';

/** Who writes, and the private chat to answer in. */
export interface ChatPerson {
  person: PersonRef;
  chatId: string;
}

/** Where an adapter that does not keep the questionnaire's place itself keeps it. */
export interface QuestionnairePlace {
  read(): Promise<IntakeSession | undefined>;
  write(session: IntakeSession): Promise<void>;
  clear(): Promise<void>;
}

/** The questionnaire's place kept in a store under a key, for an adapter that keeps none itself. */
export function storedPlace(store: KeyValueStore<unknown>, key: string): QuestionnairePlace {
  return {
    read: async () => (await store.read(key)) as IntakeSession | undefined,
    write: (session) => store.write(key, session),
    clear: () => store.delete(key),
  };
}

export interface PrivateChatDeps {
  catalog: Catalog;
  /** The answers that follow from the services' outcomes. */
  words: ChatTexts;
  intake: Intake;
  desk: VolunteerDesk;
  feedback: Feedback;
  erasure: Pick<Erasure, 'forgetRequester'>;
  /** The text of /my for a person. */
  myRequestsText: (person: PersonRef) => Promise<string>;
  /** The conversation after submit: a person's words outside a questionnaire, and /reply. */
  conversation?: RequestConversation;
  /** The task card and the contact, recorded so they can be withdrawn. */
  details: Pick<TaskDetails, 'show'>;
  /** Where a person stands as a volunteer, for /volunteer, the menu and the deep link from a refused claim. */
  vetting: Pick<VolunteerVetting, 'standing' | 'mayClaim'>;
  capabilities: ChatCapabilities;
}

/** `/reply 12 text`: the request's number and the answer. */
const REPLY_ARGS = /^(\d{1,9})\s+([\s\S]+)$/;

/**
 * The private chat with the bot, on every platform: the greeting and its menu, /my, /tasks, /id,
 * /forget, the questionnaire, the buttons of a request's card and of the questions that follow
 * (release reasons, no comment, withdrawing, rating), the comment after "done" or a rating, and
 * any other words, passed on to whoever helps with the person's request (and /reply, the answer).
 * Adapters turn an update into a ChatInput and draw the ChatReply.
 */
export function createPrivateChat(deps: PrivateChatDeps) {
  const { catalog, words, desk, capabilities } = deps;
  const { questionnaireInput, questionnaireReply } = createQuestionnaireTurn(catalog);
  const say = (text: string, extra: Omit<Extract<ChatMessage, { kind: 'text' }>, 'kind' | 'text'> = {}): ChatReply => ({
    messages: [{ kind: 'text', text, ...extra }],
  });
  const refuse = (text: string, alert = true): ChatReply => ({ notice: { text, alert }, messages: [] });
  // Outside the questionnaire no question is waiting, so an old button only says it is old.
  const stale = (): ChatReply => ({ notice: { text: catalog.t('bot.intake.staleButton'), alert: false }, messages: [] });
  const listed = <T>(items: T[]) => (capabilities.maxListRows === undefined ? items : items.slice(0, capabilities.maxListRows));
  const menu = (): ChatButton[][] => [
    [{ label: catalog.t('bot.start.newRequest'), action: { kind: 'menu', item: 'new' }, tone: 'primary' }],
    [{ label: catalog.t('bot.start.myRequests'), action: { kind: 'menu', item: 'my' } }],
    [{ label: catalog.t('bot.start.becomeVolunteer'), action: { kind: 'menu', item: 'volunteer' } }],
  ];
  const greeting = () => say(catalog.t('bot.start.greeting'), { buttons: menu() });
  const idle = () => say(catalog.t('bot.intake.idle'), { buttons: menu() });
  /** Greeted (or hinted at /start): the person's next words with no request go to the HQ as a question. */
  const greeted = async (who: ChatPerson, reply: ChatReply) => {
    await deps.conversation?.noteGreeted(who.person);
    return reply;
  };

  /** Begins the help request's questionnaire, or the flow named (the application to volunteer). */
  async function startQuestionnaire(place: QuestionnairePlace | undefined, flow?: typeof VOLUNTEER_FLOW): Promise<ChatReply> {
    if (!place) return { messages: [], startQuestionnaire: flow ? { flow } : {} };
    const step = deps.intake.start(flow);
    await place.write(step.session!);
    return questionnaireReply(step);
  }

  /**
   * /volunteer: the application, unless the person already has a standing it would not change
   * (pending, approved, suspended); a rejected person may apply again.
   */
  async function volunteer(who: ChatPerson, place: QuestionnairePlace | undefined): Promise<ChatReply> {
    const record = await deps.vetting.standing(who.person);
    if (record && record.status !== 'rejected') return say(catalog.t(`vetting.standing.${record.status}`, { number: record.number }));
    return startQuestionnaire(place, VOLUNTEER_FLOW);
  }

  /**
   * /start from the link of a refused «Взять заявку»: the bot may now write to them; one who may
   * not take requests yet is offered the application at once.
   */
  async function startAsVolunteer(who: ChatPerson, place: QuestionnairePlace | undefined): Promise<ChatReply> {
    if ((await deps.vetting.mayClaim(who.person)).ok) return say(catalog.t('bot.start.volunteerReady'));
    return volunteer(who, place);
  }

  async function myRequests(who: ChatPerson): Promise<ChatReply> {
    const [text, open] = await Promise.all([deps.myRequestsText(who.person), desk.withdrawable(who.person)]);
    const buttons = listed(open).map((number): ChatButton[] => [
      { label: catalog.t('requester.withdrawButton', { number }), action: { kind: 'withdraw', number, confirmed: false } },
    ]);
    return say(text, buttons.length > 0 ? { buttons } : {});
  }

  async function tasks(who: ChatPerson): Promise<ChatReply> {
    const held = await desk.tasks(who.person);
    const buttons = listed(held).map((task): ChatButton[] => [
      { label: catalog.t('volunteer.cardButton', { number: task.number }), action: { kind: 'task', action: 'card', number: task.number } },
    ]);
    return say(words.tasks(held), buttons.length > 0 ? { buttons } : {});
  }

  function forgetQuestion(): ChatReply {
    return say(catalog.t('forget.question'), {
      buttons: [
        [{ label: catalog.t('forget.confirm'), action: { kind: 'forget', confirmed: true }, tone: 'negative' }],
        [{ label: catalog.t('forget.keep'), action: { kind: 'forget', confirmed: false } }],
      ],
    });
  }

  /** A person's message right after "done" or a rating is its comment; null when it is none. */
  async function comment(who: ChatPerson, text: string): Promise<ChatReply | null> {
    const taken = await desk.takeWords(who.person, who.person.platform, text);
    if (taken) {
      const done = taken.took === 'comment' ? 'volunteer.commentSaved' : 'volunteer.released';
      return say(words.lifecycleRefusal(taken.outcome, taken.number) ?? catalog.t(done, { number: taken.number }));
    }
    if ((await deps.feedback.takeComment(who.person, text)) === null) return null;
    return say(catalog.t('jobs.feedbackCommentSaved'));
  }

  /** `/reply N text` from a coordinator or the volunteer who holds request N. */
  async function reply(who: ChatPerson, args: string): Promise<ChatReply> {
    const parsed = REPLY_ARGS.exec(args.trim());
    if (!deps.conversation || !parsed) return say(catalog.t('conversation.replyUsage'));
    const outcome = await deps.conversation.answer(Number(parsed[1]), { person: who.person, channel: who.person.platform }, parsed[2]!);
    return say(words.answerOutcome(outcome));
  }

  /** Words outside a questionnaire are passed on: to the request they are about, or to the HQ as a question. */
  async function passOn(who: ChatPerson, text: string): Promise<ChatReply | null> {
    if (!deps.conversation) return null;
    const outcome = await deps.conversation.fromRequester({ ...who.person, chatId: who.chatId }, text);
    // The menu stays at hand: the words may also have been meant to start a new request.
    return outcome.kind === 'unattached' ? null : say(words.requesterWords(outcome), { buttons: menu() });
  }

  /** Only the holder of a request may see it or give it back. */
  async function held(number: number, person: PersonRef) {
    const found = await desk.contact(number, person);
    if (found.kind === 'ok') return found.request;
    return refuse(catalog.t(found.kind === 'not_found' ? 'lifecycle.notFound' : 'lifecycle.refused.not_yours', { number }));
  }

  async function press(who: ChatPerson, action: ChatAction | null, place: QuestionnairePlace | undefined): Promise<ChatReply> {
    const me = who.person;
    switch (action?.kind) {
      case 'forget': {
        if (!action.confirmed) return { clearPressed: true, ...say(catalog.t('forget.kept')) };
        const outcome = await deps.erasure.forgetRequester(me, who.chatId);
        return { clearPressed: true, ...say(catalog.t('forget.done', { erased: outcome.erased, cancelled: outcome.cancelled }), { closesKeyboard: true }) };
      }
      case 'menu':
        if (action.item === 'volunteer') return volunteer(who, place);
        return action.item === 'new' ? startQuestionnaire(place) : myRequests(who);
      case 'task': {
        const { number } = action;
        if (action.action === 'done') {
          const refusal = words.lifecycleRefusal(await desk.complete(number, me, me.platform), number);
          if (refusal) return refuse(refusal);
          const noComment: ChatButton = { label: catalog.t('volunteer.noCommentButton'), action: { kind: 'noComment' } };
          return { clearPressed: true, ...say(catalog.t('volunteer.doneThanks', { number }), { buttons: [[noComment]] }) };
        }
        const request = await held(number, me);
        if (!('number' in request)) return request;
        if (action.action === 'release') {
          const buttons = RELEASE_REASONS.map((code, reason): ChatButton[] => [
            { label: words.releaseReason(code), action: { kind: 'release', number, reason } },
          ]);
          return say(catalog.t('volunteer.releaseQuestion', { number }), { buttons });
        }
        // Sent and recorded like the first card, so they leave the chat with the request.
        await deps.details.show(request, me, action.action === 'card' ? 'task_card' : 'contact');
        return NO_MESSAGES;
      }
      case 'release': {
        const code = RELEASE_REASONS[action.reason];
        if (!code) return stale();
        if (code === 'other') {
          // The HQ needs the reason itself; the request stays with the volunteer until it is written.
          const request = await held(action.number, me);
          if (!('number' in request)) return request;
          await desk.awaitReleaseReason(action.number, me);
          return { clearPressed: true, ...say(catalog.t('volunteer.releaseReasonAsk', { number: action.number })) };
        }
        const refusal = words.lifecycleRefusal(await desk.release(action.number, me, me.platform, words.releaseReason(code)), action.number);
        return refusal ? refuse(refusal) : { clearPressed: true, ...say(catalog.t('volunteer.released', { number: action.number })) };
      }
      case 'noComment':
        if (!(await desk.skipComment(me))) return stale();
        return { clearPressed: true, ...say(catalog.t('volunteer.commentSkipped')) };
      case 'withdraw': {
        const { number } = action;
        if (action.confirmed) {
          // On success the confirmation comes through the outbox, like every news of a request.
          const refusal = words.lifecycleRefusal(await desk.withdraw(number, me, me.platform), number);
          return { clearPressed: true, ...(refusal ? refuse(refusal) : { messages: [] }) };
        }
        if (!(await desk.withdrawable(me)).includes(number)) return refuse(catalog.t('lifecycle.refused.not_allowed', { number }));
        return say(catalog.t('requester.withdrawQuestion', { number }), {
          buttons: [
            [
              { label: catalog.t('requester.withdrawYes'), action: { kind: 'withdraw', number, confirmed: true }, tone: 'negative' },
              { label: catalog.t('requester.withdrawNo'), action: { kind: 'keep', number } },
            ],
          ],
        });
      }
      case 'keep':
        if (!(await desk.withdrawable(me)).includes(action.number)) return stale();
        return { clearPressed: true, ...say(catalog.t('requester.withdrawKept', { number: action.number })) };
      case 'rate': {
        const answer = await deps.feedback.rate(action.number, me, action.rating);
        if (answer === 'not_allowed') return refuse(catalog.t('lifecycle.refused.not_allowed', { number: action.number }));
        if (answer === 'already') return { clearPressed: true, ...refuse(catalog.t('jobs.feedbackAlready', { number: action.number }), false) };
        return { clearPressed: true, ...say(catalog.t('jobs.feedbackThanks')) };
      }
      default:
        // A questionnaire's button when none is open, a claim button here, or data we never wrote.
        return stale();
    }
  }

  async function command(who: ChatPerson, name: string, args: string, place: QuestionnairePlace | undefined): Promise<ChatReply | null> {
    switch (name) {
      case 'start':
        return args.trim() === VOLUNTEER_START_PAYLOAD ? startAsVolunteer(who, place) : greeted(who, greeting());
      case 'new':
        return startQuestionnaire(place);
      case 'volunteer':
        return volunteer(who, place);
      case 'my':
        return myRequests(who);
      case 'tasks':
        return tasks(who);
      case 'reply':
        return reply(who, args);
      // A coordinator-to-be learns the id to put into the configuration.
      case 'id':
        return say(catalog.t('bot.start.yourId', { userId: who.person.userId }));
      // Nothing to cancel.
      case 'cancel':
        return idle();
      case 'bind':
      case 'unbind':
        return say(catalog.t('bind.groupOnly'));
      default:
        return null;
    }
  }

  return {
    /**
     * Answers one input. With `place` the questionnaire runs here too; without it (an adapter that
     * keeps the questionnaire itself and hands it every input while it is open) a reply may ask to
     * start it.
     */
    async handle(who: ChatPerson, input: ChatInput, place?: QuestionnairePlace): Promise<ChatReply> {
      // "Forget me" is answered wherever the person is, in the middle of a questionnaire too.
      if (input.kind === 'command' && input.name === 'forget') return forgetQuestion();
      // A question's buttons under its message (MAX has no keyboard at the bottom) go into an open
      // questionnaire as keys do; any other button is pressed wherever the person is.
      const questionPress = input.kind === 'press' && input.action !== null && isKeyboardAction(input.action);
      if (input.kind === 'press' && !questionPress) return press(who, input.action, place);
      const session = await place?.read();
      if (session && place) {
        const step = await deps.intake.handle(session, questionnaireInput(input), { ...who.person, chatId: who.chatId });
        if (!step.stale) await (step.session ? place.write(step.session) : place.clear());
        return questionnaireReply(step);
      }
      if (input.kind === 'press') return press(who, input.action, place);
      if (input.kind === 'key') return input.action.kind === 'menu' ? press(who, input.action, place) : idle();
      if (input.kind === 'command') {
        const answered = await command(who, input.name, input.args, place);
        if (answered) return answered;
      }
      if (input.kind === 'text' && input.text.trim()) {
        const commented = (await comment(who, input.text)) ?? (await passOn(who, input.text));
        if (commented) return commented;
      }
      return greeted(who, capabilities.opensWithStart ? idle() : greeting());
    },
  };
}

export type PrivateChat = ReturnType<typeof createPrivateChat>;

/** The buttons under a request's card in the volunteer's private chat. */
export function taskButtons(catalog: Catalog, number: number): ChatButton[][] {
  return [
    [
      { label: catalog.t('volunteer.doneButton'), action: { kind: 'task', action: 'done', number }, tone: 'positive' },
      { label: catalog.t('volunteer.releaseButton'), action: { kind: 'task', action: 'release', number } },
    ],
    [{ label: catalog.t('volunteer.contactButton'), action: { kind: 'task', action: 'contact', number } }],
  ];
}

/** The rating buttons 1–5 under the question how a done request went, in one row. */
export function ratingButtons(number: number): ChatButton[][] {
  return [RATINGS.map((rating): ChatButton => ({ label: String(rating), action: { kind: 'rate', number, rating } }))];
}
