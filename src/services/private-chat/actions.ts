/**
 * What a button of the bot does, whatever the platform draws it as. Each adapter has one codec that
 * writes these into its buttons and reads them back; anything it cannot read is refused.
 */
export type ChatAction =
  /** A choice on the questionnaire's prompt number `seq`. */
  | { kind: 'answer'; seq: number; index: number }
  /** "Back" on the questionnaire's prompt number `seq`. */
  | { kind: 'back'; seq: number }
  /** The greeting's menu. */
  | { kind: 'menu'; item: MenuItem }
  /** "Take request" under a group post. */
  | { kind: 'claim'; number: number }
  /** A volunteer's action on the card of a request they hold. */
  | { kind: 'task'; action: TaskAction; number: number }
  /** The reason a volunteer picked for giving a request back (an index into RELEASE_REASONS). */
  | { kind: 'release'; number: number; reason: number }
  /** "No comment" after marking a request done. */
  | { kind: 'noComment' }
  /** A requester's "cancel my request" (asks first) and their confirmation. */
  | { kind: 'withdraw'; number: number; confirmed: boolean }
  /** The requester's "no, keep it" to that question. */
  | { kind: 'keep'; number: number }
  /** A requester's rating (1–5) of a done request. */
  | { kind: 'rate'; number: number; rating: number }
  /** The answer to /forget: erase everything about me now, or keep it. */
  | { kind: 'forget'; confirmed: boolean };

/** The greeting's menu: a new request, my requests, apply to volunteer. */
export const MENU_ITEMS = ['new', 'my', 'volunteer'] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

/** What a volunteer can do from a request's card: done, cannot do it (→ a reason), the contact, the card again. */
export const TASK_ACTIONS = ['done', 'release', 'contact', 'card'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** Actions of the questionnaire and the greeting: on platforms with a keyboard under the input field they arrive as the person's message. */
export function isKeyboardAction(action: { kind: string }): boolean {
  return action.kind === 'answer' || action.kind === 'back' || action.kind === 'menu';
}
