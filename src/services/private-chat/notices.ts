import type { Catalog } from '../../scenario/text.js';
import { isDatabaseUnavailable } from '../describe-error.js';
import type { ChatReply } from './reply.js';

/** A short answer that must be read: an alert on a pressed button, a message otherwise. */
export function alertReply(text: string): ChatReply {
  return { notice: { text, alert: true }, messages: [] };
}

/** What a person is told when their update failed: the database's outage gets words of its own. */
export function failureText(catalog: Catalog, error: unknown): string {
  return catalog.t(isDatabaseUnavailable(error) ? 'bot.errors.databaseDown' : 'bot.errors.generic');
}
