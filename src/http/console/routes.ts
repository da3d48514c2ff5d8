import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { Platform, RequestChannel } from '../../domain/request.js';
import type { ExportRequests } from '../../services/console/export-requests.js';
import type { RequestBoard } from '../../services/console/request-board.js';
import type { RequestDesk } from '../../services/console/request-desk.js';
import type { RoleDesk } from '../../services/console/role-desk.js';
import type { QuestionInbox } from '../../services/question-inbox.js';
import type { ConsoleAccess } from '../../services/console-access.js';
import type { DashboardQuery } from '../../services/dashboard.js';
import { describeError } from '../../services/describe-error.js';
import type { EraseOutcome } from '../../services/erasure.js';
import type { FormIntake } from '../../services/form-intake.js';
import type { Logger } from '../../services/ports.js';
import type { ScenarioPreview } from '../../services/scenario-preview.js';
import type { RateLimit } from '../rate-limit.js';
import { CONSOLE_CSS, CONSOLE_FAVICON_SVG, CONSOLE_JS } from './assets.js';
import { boardRoutes } from './board-routes.js';
import { type CardOptions, cardRoutes } from './card-routes.js';
import { questionsRoutes } from './questions-routes.js';
import { volunteersRoutes, type VolunteersOptions } from './volunteers-routes.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { intakeRoutes } from './intake-routes.js';
import { peopleRoutes } from './people-routes.js';
import { previewRoutes } from './preview-routes.js';
import { createConsoleKit } from './session.js';
import { signInRoutes } from './sign-in-routes.js';
import { consoleText, notFoundPage, type ViewContext } from './views.js';

/** The web console's use cases (shared with the bot's coordinator console) and its settings. */
export interface ConsoleWebDeps {
  access: ConsoleAccess;
  form: FormIntake;
  board: RequestBoard;
  desk: RequestDesk;
  roles: RoleDesk;
  exportRequests: ExportRequests;
  /** Erases one closed request's personal data now (Erasure.eraseRequest). */
  erase: (number: number, channel: RequestChannel) => Promise<EraseOutcome>;
  /** A coordinator's answer to a request's requester, from its card; without it the card offers no form. */
  answerRequester?: CardOptions['answerRequester'];
  /** The inbox of questions from people with no request; without it there is no «Вопросы» page. */
  questions?: QuestionInbox;
  /** «Волонтёры»: the vetting service (it checks the role again) and its words. */
  volunteers: Pick<VolunteersOptions, 'vetting' | 'texts'>;
  dashboard: DashboardQuery;
  preview: ScenarioPreview;
  /** The scenario file the preview offers first. */
  defaultScenarioFile: string;
  view: ViewContext;
  /** Channels the board's filter offers (the messengers, phone, and each partner line). */
  channels: string[];
  configuredOperators: Readonly<Record<Platform, readonly string[]>>;
  overdueAfterMs: number;
  timeZone: string;
  /** Cookies only over HTTPS: true when PUBLIC_URL is https. */
  secureCookies: boolean;
  /** Sign-in attempts per address (CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS). */
  signInLimit: RateLimit;
  logger: Logger;
  now: () => Date;
}

// Nothing is loaded from elsewhere, nothing runs inline, no page may be framed or post elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // A sign-in link carries its token in the address: never pass an address on to another site.
  'referrer-policy': 'no-referrer',
};

/** The HTTP status fastify gave an error (a malformed body, one too large), if any. */
function statusCodeOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

/**
 * The web console under /console: sign-in by a one-time link from the bot, the operator's intake form,
 * the request board and card with the coordinators' actions, the dashboard with its CSV export, the
 * scenario preview and the operators page, each section a plugin of its own. Server-rendered pages;
 * every page checks the session and the role, every form carries the session's CSRF token.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleWebDeps): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  const t = consoleText(deps.view.catalog);

  app.addHook('onSend', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!request.url.startsWith('/console/assets/')) reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler(async (error, request, reply) => {
    deps.logger.error({ err: describeError(error), url: request.routeOptions.url }, 'console page failed');
    const status = statusCodeOf(error);
    if (status && status >= 400 && status < 500) return reply.code(status).type('text/plain; charset=utf-8').send(t('errors.badRequest'));
    return reply.code(500).type('text/plain; charset=utf-8').send(t('errors.generic'));
  });

  app.get('/console/assets/console.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(CONSOLE_CSS),
  );
  app.get('/console/assets/console.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=3600').send(CONSOLE_JS),
  );
  app.get('/console/assets/favicon.svg', async (_request, reply) =>
    reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'max-age=86400').send(CONSOLE_FAVICON_SVG),
  );

  const kit = createConsoleKit({ access: deps.access, view: deps.view, secureCookies: deps.secureCookies });
  const { coordinatorTexts } = deps.view;
  await app.register(signInRoutes, { kit, access: deps.access, secureCookies: deps.secureCookies, signInLimit: deps.signInLimit });
  await app.register(boardRoutes, { kit, board: deps.board, channels: deps.channels });
  await app.register(cardRoutes, { kit, desk: deps.desk, erase: deps.erase, ...(deps.answerRequester ? { answerRequester: deps.answerRequester } : {}) });
  if (deps.questions) await app.register(questionsRoutes, { kit, inbox: deps.questions });
  await app.register(intakeRoutes, { kit, form: deps.form });
  const { dashboard, exportRequests, overdueAfterMs, timeZone, now } = deps;
  await app.register(dashboardRoutes, { kit, dashboard, exportRequests, coordinatorTexts, overdueAfterMs, timeZone, now });
  await app.register(previewRoutes, { kit, access: deps.access, preview: deps.preview, defaultScenarioFile: deps.defaultScenarioFile });
  await app.register(volunteersRoutes, { kit, vetting: deps.volunteers.vetting, texts: deps.volunteers.texts });
  await app.register(peopleRoutes, { kit, roles: deps.roles, access: deps.access, coordinatorTexts, configuredOperators: deps.configuredOperators });

  // Any other address under /console is a page too, not the framework's JSON: every route above,
  // fixed or with parameters, comes before a wildcard.
  app.get('/console/*', async (request, reply) => kit.send(reply, notFoundPage(deps.view, await deps.access.userOf(request.cookies[kit.cookieName])), 404));
}
