import { describeError } from './describe-error.js';
import type { Logger } from './ports.js';
import type { UpdateLog } from './update-log.js';

/**
 * Whether an update is handled: only its first delivery is. The key is taken when handling starts, so
 * a redelivery of an update whose first handling crashed is dropped too: a person repeats a step,
 * which is better than a request filed twice. Without the log the update is handled: a rare duplicate
 * is a lesser harm than a lost update. `fields` say which update it was, in the log.
 */
export async function isFirstDelivery(
  log: UpdateLog,
  logger: Pick<Logger, 'warn'> & { debug: Logger['warn'] },
  key: string,
  fields: Record<string, unknown>,
): Promise<boolean> {
  try {
    if (await log.firstSeen(key, new Date())) return true;
  } catch (error) {
    logger.warn({ ...fields, err: describeError(error) }, 'update log unavailable, handling the update anyway');
    return true;
  }
  logger.debug(fields, 'duplicate update dropped');
  return false;
}
