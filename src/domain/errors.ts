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

/** The person who would receive a private message cannot be written to (never started the bot, blocked it). */
export class RecipientUnreachableError extends DomainError {
  constructor(
    readonly platform: string,
    readonly reason: string,
  ) {
    super(`recipient unreachable on ${platform}: ${reason}`);
  }
}
