import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RouteHandlerMethod } from 'fastify';
import type { Logger } from '../logger.js';
import type { PartnerIntake } from '../services/partner-intake.js';
import { registerConsole, type ConsoleWebDeps } from './console/routes.js';
import { registerPartnerApi, type PartnerApiLimits } from './partner-api.js';

/** A webhook route handed in by the composition root (this layer knows no bot library). */
export interface WebhookRoute {
  path: string;
  handler: RouteHandlerMethod;
}

export interface HttpDeps {
  logger: Logger;
  /** Whether the database is connected; /readyz reports it. */
  isReady: () => boolean;
  /** The platforms not taking updates yet (still connecting at start-up), by id; /readyz names them. */
  platformsWaiting?: () => string[];
  webhooks: WebhookRoute[];
  /** The web console under /console, when given. */
  console?: ConsoleWebDeps;
  /** The partner lines' intake API under /api/v1, when given. */
  partnerApi?: { intake: PartnerIntake; publicUrl: () => string; limits: PartnerApiLimits };
  /**
   * Which proxies in front may name the caller's address (HTTP_TRUST_PROXY): behind one, every caller
   * would otherwise have the proxy's address, and the limits per address would be one for all.
   */
  trustProxy?: boolean | number | string;
}

/** The public fastify app: probes, the bots' webhooks, the web console and the partner API (/metrics has a listener of its own). */
export function createHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Webhook bodies carry what people typed: requests are not logged one by one at all.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
    // A number is that many proxies in front: the address the nearest of them saw is the caller's.
    trustProxy: typeof deps.trustProxy === 'number' ? trustHops(deps.trustProxy) : (deps.trustProxy ?? false),
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const waitingFor = [...(deps.isReady() ? [] : ['database']), ...(deps.platformsWaiting?.() ?? [])];
    if (waitingFor.length === 0) return reply.code(200).send({ status: 'ready' });
    return reply.code(503).send({ status: 'not ready', waitingFor });
  });
  for (const webhook of deps.webhooks) app.post(webhook.path, webhook.handler);
  // Each in a scope of its own, so their body parsers, cookies, hooks and error pages stay theirs.
  const { console: consoleDeps, partnerApi } = deps;
  if (consoleDeps) app.register(async (scope) => registerConsole(scope, consoleDeps));
  if (partnerApi) app.register(async (scope) => registerPartnerApi(scope, { ...partnerApi, logger: deps.logger }));
  return app;
}

/** Trusts the `hops` proxies nearest to us (fastify reads a number so too; its types do not say). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
