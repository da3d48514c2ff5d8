import type { RouteHandlerMethod } from 'fastify';
import type { VK } from 'vk-io';
import { secretMatches } from '../../src/webhook-secret.js';

/** The path VK's Callback API posts events to. */
export const VK_CALLBACK_PATH = '/vk/callback';

/**
 * The fastify handler for VK's Callback API. Our route owns the response: the secret is checked
 * (401 without it), the confirmation request gets the confirmation string, and every other event
 * is handled before "ok" is answered, so an event lost to a crash is sent again by VK.
 */
export function createVkCallbackHandler(vk: VK, options: { groupId: number; secret: string; confirmation: string }): RouteHandlerMethod {
  const expected = Buffer.from(options.secret);
  return async (request, reply) => {
    const body = request.body as { type?: unknown; secret?: unknown; group_id?: unknown } | null;
    if (!body || typeof body !== 'object' || !secretMatches(body.secret, expected)) {
      return reply.code(401).type('text/plain').send('unauthorized');
    }
    if (Number(body.group_id) !== options.groupId) return reply.code(403).type('text/plain').send('wrong community');
    if (body.type === 'confirmation') return reply.type('text/plain').send(options.confirmation);
    await vk.updates.handleWebhookUpdate(body as Record<string, unknown>);
    return reply.type('text/plain').send('ok');
  };
}
