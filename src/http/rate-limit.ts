import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** At most `max` calls in any `windowMs`, per key (an address, a partner line). */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/**
 * Counts one call against a limit; when it is over, sets Retry-After on the reply and returns the
 * seconds to wait, otherwise null. The caller answers in its own shape (the API's JSON, a page).
 */
export type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<number | null>;

/**
 * Registers @fastify/rate-limit in a scope, with no limit on any route by itself, and returns a maker
 * of limiters. Limiters are called from handlers rather than hooked to routes: the plugin runs only
 * one hook per request, and what is counted depends on the call (a wrong key, the line of a right one).
 * Counts are kept in this process's memory: with several processes each limits on its own.
 */
export async function registerRateLimits(app: FastifyInstance): Promise<(limit: RateLimit, keyOf?: (request: FastifyRequest) => string) => Limiter> {
  await app.register(fastifyRateLimit, { global: false });
  return (limit, keyOf) => {
    // Without keyOf, the caller's address (IPv6 by its /64, as one machine usually holds a whole one).
    const check = app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, ...(keyOf ? { keyGenerator: keyOf } : {}) });
    return async (request, reply) => {
      const result = await check(request);
      if (result.isAllowed || !result.isExceeded) return null;
      const seconds = Math.max(1, result.ttlInSeconds);
      reply.header('retry-after', String(seconds));
      return seconds;
    };
  };
}
