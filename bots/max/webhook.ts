import type { Bot } from '@maxhub/max-bot-api';
import type { Update } from '@maxhub/max-bot-api/types';
import type { RouteHandlerMethod } from 'fastify';
import { secretMatches } from '../../src/webhook-secret.js';
import { handOver } from './client.js';

/** The path MAX posts updates to. */
export const MAX_WEBHOOK_PATH = '/max/webhook';

/**
 * The fastify handler for MAX's webhook. MAX sends the secret given at subscription in
 * X-Max-Bot-Api-Secret; without it (or before the bot knows itself) the update is refused, and MAX
 * sends it again later. The update is handled before 200 is answered, so one lost to a crash comes
 * again, and the duplicate check drops a repeat.
 */
export function createMaxWebhookHandler(bot: Bot, secret: string, ready: () => boolean): RouteHandlerMethod {
  const expected = Buffer.from(secret);
  return async (request, reply) => {
    if (!secretMatches(request.headers['x-max-bot-api-secret'], expected)) return reply.code(401).type('text/plain').send('unauthorized');
    if (!ready()) return reply.code(503).type('text/plain').send('starting');
    const update = request.body as Update | null;
    if (!update || typeof update !== 'object' || typeof update.update_type !== 'string') return reply.code(400).type('text/plain').send('not an update');
    await handOver(bot, update);
    return reply.type('text/plain').send('ok');
  };
}
