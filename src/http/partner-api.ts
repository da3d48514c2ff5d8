import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeError } from '../services/describe-error.js';
import { partnerErrorSchema, partnerResponseSchema, type PartnerIntake } from '../services/partner-intake.js';
import type { Logger } from '../services/ports.js';
import { registerRateLimits, type RateLimit } from './rate-limit.js';

export const PARTNER_REQUESTS_PATH = '/api/v1/requests';
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** The key a partner presents: `Authorization: Bearer <key>`, or `X-API-Key: <key>`. */
function presentedKey(request: FastifyRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1];
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : undefined;
}

/** The limits on abuse of the API (PARTNER_API_LIMIT_*, PARTNER_API_WRONG_KEYS_PER_ADDRESS). */
export interface PartnerApiLimits {
  /** Requests filed through one key, from any address. */
  perKey: RateLimit;
  /** Calls from one address, whatever their key. */
  perAddress: RateLimit;
  /** Calls with a wrong or missing key from one address. */
  wrongKeysPerAddress: RateLimit;
}

/**
 * The intake API for partner lines (112, a hotline, partner organisations): `POST /api/v1/requests`
 * with the source's API key files a request into the same base and dispatches it like a bot's, once
 * per `externalId`; `GET /api/v1/openapi.json` documents it, generated from the same zod schemas.
 * Calls over a limit get 429 with Retry-After.
 */
export async function registerPartnerApi(
  app: FastifyInstance,
  deps: { intake: PartnerIntake; publicUrl: () => string; limits: PartnerApiLimits; logger: Logger },
): Promise<void> {
  const limiter = await registerRateLimits(app);
  const sources = new WeakMap<FastifyRequest, string>();
  const perAddress = limiter(deps.limits.perAddress);
  const wrongKeys = limiter(deps.limits.wrongKeysPerAddress);
  const perKey = limiter(deps.limits.perKey, (request) => sources.get(request) ?? '');
  const tooMany = (reply: FastifyReply, seconds: number) =>
    reply.code(429).send({ error: 'rate_limited', message: `too many calls; retry after ${seconds} s (Retry-After)` });

  /** The limits and the key, before the body is read: a refused call costs no parsing. */
  async function admit(request: FastifyRequest, reply: FastifyReply) {
    const busy = await perAddress(request, reply);
    if (busy !== null) return tooMany(reply, busy);
    const source = deps.intake.authenticate(presentedKey(request));
    if (!source) {
      // Only wrong keys count here, so someone guessing behind a partner's proxy does not lock the
      // partner out; with keys of 24 characters or more, guesses are hopeless anyway, and this keeps
      // them from costing us hashes and log lines at wire speed.
      const wait = await wrongKeys(request, reply);
      if (wait !== null) return tooMany(reply, wait);
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid API key is required (Authorization: Bearer <key>)' });
    }
    sources.set(request, source);
    // A key that leaked, or a partner's system in a loop, files only so many a minute.
    const full = await perKey(request, reply);
    if (full !== null) return tooMany(reply, full);
    return undefined;
  }

  app.post(PARTNER_REQUESTS_PATH, { bodyLimit: 64 * 1024, onRequest: admit }, async (request, reply) => {
    const source = sources.get(request)!;
    const outcome = await deps.intake.submit(source, request.body);
    switch (outcome.kind) {
      case 'invalid':
        return reply.code(400).send({ error: 'invalid_request', message: 'the request does not match the schema (see issues)', issues: outcome.issues });
      case 'conflict':
        return reply.code(409).send({
          error: 'idempotency_conflict',
          message: 'this externalId was used before for a different request; the first one stands',
          number: outcome.request.number,
        });
      case 'created':
      case 'replayed':
        return reply.code(outcome.kind === 'created' ? 201 : 200).send({
          number: outcome.request.number,
          status: outcome.request.status,
          createdAt: outcome.request.createdAt.toISOString(),
          replayed: outcome.kind === 'replayed',
          // The partner's operator tells it to the person: the volunteer says it at the door.
          ...(outcome.request.codeWord ? { codeWord: outcome.request.codeWord } : {}),
        });
    }
  });

  // A body that is not JSON at all is answered in the API's shape, not fastify's.
  app.setErrorHandler(async (error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) deps.logger.error({ err: describeError(error), url: request.routeOptions.url }, 'partner API failed');
    return reply.code(status).send({
      error: status >= 500 ? 'internal_error' : 'invalid_request',
      message: status >= 500 ? 'something went wrong; retry with the same externalId' : (error as Error).message,
    });
  });

  const document = openApiDocument(deps.intake.schema);
  app.get(OPENAPI_PATH, async () => ({ ...document, servers: [{ url: deps.publicUrl() }] }));
}

/** The OpenAPI 3.1 description of the API, from the zod schemas the handler validates with. */
export function openApiDocument(body: z.ZodType) {
  const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io }) as Record<string, unknown>;
    return rest;
  };
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Help requests: intake API for partner lines',
      version: '1.0.0',
      description:
        "Files a help request into the headquarters' base, as if the person had filled in the questionnaire: it is posted to the district's volunteers like any other. Each partner line has its own API key. Sending the same externalId again returns the request made the first time.",
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'The key of your line, as Authorization: Bearer <key> (or X-API-Key: <key>)' },
      },
      schemas: { NewRequest: schema(body, 'input'), Request: schema(partnerResponseSchema), Error: schema(partnerErrorSchema) },
    },
    security: [{ apiKey: [] }],
    paths: {
      [PARTNER_REQUESTS_PATH]: {
        post: {
          operationId: 'createRequest',
          summary: 'File a help request',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewRequest' } } } },
          responses: {
            '201': {
              description: "Filed; the number is the request's number at the headquarters",
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Request' } } },
            },
            '200': {
              description: 'This externalId was filed before with the same content: the request made then',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Request' } } },
            },
            '400': error('The body does not match the schema, or an answer is refused (issues name each field)'),
            '401': error('No API key, or an unknown one'),
            '409': error('This externalId was used before for a different request; nothing was filed'),
            '429': {
              ...error(
                'Too many calls from this key or this address (or too many with a wrong key); nothing was filed. Retry after the seconds in Retry-After, with the same externalId',
              ),
              headers: { 'Retry-After': { description: 'Seconds to wait before calling again', schema: { type: 'integer', minimum: 1 } } },
            },
          },
        },
      },
    },
  };
}
