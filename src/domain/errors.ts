/** Base of the errors a user can cause; adapters turn them into polite replies. */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Someone who is not a coordinator tried a coordinator's action. */
export class NotCoordinatorError extends DomainError {
  constructor() {
    super('only coordinators may do this');
  }
}

/** A district name that is not in the configured list. */
export class UnknownDistrictError extends DomainError {
  constructor(
    readonly input: string,
    readonly known: readonly string[],
  ) {
    super('unknown district');
  }
}

/** What the bot may need in a group chat to do its work there: today, to send messages. */
export type BotRight = 'send';

/** A chat the bot cannot work in as it is set up: it lacks these rights there. */
export class MissingRightsError extends DomainError {
  constructor(
    readonly district: string,
    readonly missing: readonly BotRight[],
  ) {
    super(`the bot lacks rights in the chat: ${missing.join(', ')}`);
  }
}

/** The person who would receive a private message cannot be written to (never started the bot, blocked it). */
export class RecipientUnreachableError extends DomainError {
  constructor(
    readonly platform: string,
    readonly reason: string,
  ) {
    super(`recipient unreachable on ${platform}: ${reason}`);
  }
}

/**
 * The chat has a new id: Telegram turned a group into a supergroup. Whatever was meant for the old
 * id is meant for `toChatId` now.
 */
export class ChatMovedError extends DomainError {
  constructor(
    readonly platform: string,
    readonly toChatId: string,
  ) {
    super(`chat moved on ${platform}`);
  }
}

/**
 * Why the bot can no longer write in a group chat: removed from it, its right to write taken away,
 * or the chat itself gone.
 */
export const CHAT_LOST_REASONS = ['removed', 'noRights', 'gone'] as const;
export type ChatLostReason = (typeof CHAT_LOST_REASONS)[number];

/** The bot can no longer write in a group chat. */
export class ChatLostError extends DomainError {
  constructor(
    readonly platform: string,
    readonly reason: ChatLostReason,
  ) {
    super(`chat lost on ${platform}: ${reason}`);
  }
}
