/**
 * What happens to a message the system writes to a requester on its own when it falls in quiet hours.
 * (The bot's answers in a conversation are not here: the person has just written, so they are awake.)
 */
export type NightHandling =
  /** Sent at once with the usual notification: the answer to something the requester just did. */
  | 'send'
  /**
   * Sent at once, without sound where the platform can (Telegram's `disable_notification`; VK has no
   * silent send, so there it arrives as the person's own notification settings say). News of their
   * own request that they must act on, or that means someone may soon be at their door.
   */
  | 'send-silently'
  /** Held until quiet hours end: it can wait, and a message at 23:00 wakes an elderly person. */
  | 'hold-until-morning';

/**
 * The night policy: one row per kind of message to a requester. An elderly person who is not told that
 * a volunteer took the request may not open the door to them (or may open it to a stranger), so such
 * news never waits for the morning; a survey does.
 */
export const REQUESTER_NIGHT_POLICY = {
  /** A volunteer took the request, or a coordinator gave it to one. */
  taken: 'send-silently',
  /** The volunteer gave it back; another one is being searched for. */
  released: 'send-silently',
  /** The headquarters cancelled it, with its reason. */
  cancelledByHeadquarters: 'send-silently',
  /** It was done. */
  done: 'send-silently',
  /**
   * A coordinator's or the volunteer's answer to what the requester wrote: they are waiting for it,
   * and it may be about who comes to the door.
   */
  answer: 'send-silently',
  /** The confirmation of a withdrawal the requester has just asked for. */
  withdrawn: 'send',
  /** Nobody took or finished it within OPEN_REQUEST_LIMIT, so it was closed: sad news that can wait for the morning. */
  expired: 'hold-until-morning',
  /** «How did it go?», with the rating buttons. */
  ratingQuestion: 'hold-until-morning',
  /** The one reminder of the rating question. */
  ratingReminder: 'hold-until-morning',
} as const satisfies Record<string, NightHandling>;

/** A kind of message to a requester, as the night policy names it. */
export type RequesterMessageKind = keyof typeof REQUESTER_NIGHT_POLICY;
