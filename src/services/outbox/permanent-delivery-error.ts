import { ChatLostError, RecipientUnreachableError } from '../../domain/errors.js';
import type { Messenger, RetryableFailure } from '../ports.js';

/**
 * A delivery that will never succeed however often it is tried: the person blocked the bot, the chat
 * is gone, the platform refuses the message itself. A messenger throws it so that the outbox gives up
 * at once (and tells the HQ chat) instead of retrying a message nobody will ever receive.
 */
export class PermanentDeliveryError extends Error {
  constructor(
    /** What the platform said, recorded on the outbox entry; never personal data. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(reason, options);
    this.name = 'PermanentDeliveryError';
  }
}

/** Why a delivery failed, and whether another try could ever help. */
export type DeliveryFailure = { permanent: true; reason: string } | ({ permanent: false } & RetryableFailure);

/** Reads what a delivery threw: the typed refusals are final, anything else is read by its platform's messenger. */
export function readFailure(error: unknown, messenger: Messenger): DeliveryFailure {
  if (error instanceof PermanentDeliveryError) return { permanent: true, reason: error.reason };
  // A person who cannot be written to (never started the bot, blocked it) does not become reachable by waiting.
  if (error instanceof RecipientUnreachableError) return { permanent: true, reason: error.reason };
  // A chat the bot cannot write in that is no district's (the HQ chat, a private chat gone).
  if (error instanceof ChatLostError) return { permanent: true, reason: `chat lost: ${error.reason}` };
  return { permanent: false, ...messenger.describeFailure(error) };
}
