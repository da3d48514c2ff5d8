import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/**
 * /metrics alone, for a listener of its own (METRICS_HOST, 127.0.0.1 by default): the counts it
 * serves say how busy the headquarters is, and each scrape queries the database, so it does not
 * belong on the public port next to the webhooks and the console.
 */
export function createMetricsApp(deps: { logger: Logger; metrics: Pick<Metrics, 'render' | 'contentType'> }): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'metrics' }) as FastifyBaseLogger,
    // A scrape every few seconds would flood the log.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.get('/metrics', async (_request, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()));
  return app;
}
