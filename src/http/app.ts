import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RouteHandlerMethod } from 'fastify';
import type { Logger } from '../logger.js';

/** A webhook route handed in by the composition root (this layer knows no bot library). */
export interface WebhookRoute {
  path: string;
  handler: RouteHandlerMethod;
}

export interface HttpDeps {
  logger: Logger;
  /** Whether the system can serve now (database connected); /readyz reports it. */
  isReady: () => boolean;
  webhooks: WebhookRoute[];
}

/** The fastify app: liveness and readiness probes and the bots' webhooks. */
export function createHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Webhook bodies carry what people typed: requests are not logged one by one at all.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = deps.isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  for (const webhook of deps.webhooks) app.post(webhook.path, webhook.handler);
  return app;
}
