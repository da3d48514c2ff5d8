import { basename, dirname } from 'node:path';
import { PLATFORMS, type HelpRequest, type Platform } from '../domain/request.js';
import { codeWordList } from '../domain/code-word.js';
import { loadCatalogs } from '../messages/load-catalogs.js';
import type { Scenario } from '../scenario/schema.js';
import { createConsoleAccess, type ConsoleAccess } from '../services/console-access.js';
import { createRequestExport } from '../services/console/export-requests.js';
import { createPeopleLookup } from '../services/console/people-lookup.js';
import { createRequestBoard } from '../services/console/request-board.js';
import { createRequestDesk } from '../services/console/request-desk.js';
import { createRoleDesk } from '../services/console/role-desk.js';
import type { IsCoordinator } from '../services/coordinators.js';
import { createDashboard } from '../services/dashboard.js';
import { createFormIntake } from '../services/form-intake.js';
import { createPartnerIntake, type PartnerKey } from '../services/partner-intake.js';
import type { AccessLog, ConsoleSessionStore, Logger, PeopleRepository, RequestRepository, RoleRepository } from '../services/ports.js';
import type { RequestLifecycle } from '../services/request-lifecycle.js';
import { createScenarioPreview } from '../services/scenario-preview.js';
import { createSubmitOnce } from '../services/submit-request.js';
import type { VolunteerVetting } from '../services/volunteer-vetting.js';
import type { ConsoleWebDeps } from './console/routes.js';
import type { HttpDeps } from './app.js';
import type { PartnerApiLimits } from './partner-api.js';
import type { RateLimit } from './rate-limit.js';
import { type Catalog, type Locale, renderText } from '../scenario/text.js';
import type { CoordinatorTexts, RequestTexts, VettingTexts } from '../services/texts.js';

/** What the web side is built from: the stores, the lifecycle, the texts and its settings. */
export interface WebInput {
  requests: RequestRepository;
  /** Who was shown which request's personal data (the card, a full export). */
  accessLog: AccessLog;
  people: PeopleRepository;
  roles: RoleRepository;
  sessions: ConsoleSessionStore;
  lifecycle: RequestLifecycle;
  /** Erases one closed request's personal data now (the card's button). */
  erase: ConsoleWebDeps['erase'];
  /** A coordinator's answer to a request's requester, from its card (RequestConversation.answer). */
  answerRequester?: ConsoleWebDeps['answerRequester'];
  /** The console's «Вопросы». */
  questions?: ConsoleWebDeps['questions'];
  /** The console's «Волонтёры»: the same vetting as the bots' /volunteers and /approve. */
  vetting: VolunteerVetting;
  vettingTexts: VettingTexts;
  isCoordinator: IsCoordinator;
  /** Hands a stored request to the volunteers, as every intake does (enqueues its posts). */
  dispatch: (request: HelpRequest) => Promise<unknown>;
  scenario: Scenario;
  catalog: Catalog;
  texts: RequestTexts;
  coordinatorTexts: CoordinatorTexts;
  settings: {
    districts: readonly string[];
    timeZone: string;
    locale: Locale;
    scenarioFile: string;
    localesDir: string;
    /** PUBLIC_URL; without it, links point where the server listens. */
    publicUrl: string | undefined;
    operatorIds: Readonly<Record<Platform, readonly string[]>>;
    /** The platforms this process runs (the console offers only these); every platform the code knows when not given. */
    platforms?: readonly Platform[];
    partnerKeys: readonly PartnerKey[];
    overdueAfterMs: number;
    /** The configured values the questionnaire's texts quote (the retention periods of the consent). */
    textParams: Record<string, string | number>;
    /** The limits on abuse: the partner API's, and sign-in attempts per address. */
    limits: { partnerApi: PartnerApiLimits; signIn: RateLimit };
  };
  /** Where the HTTP server listens, once it does (for links when PUBLIC_URL is unset). */
  listenUrl: () => string;
  logger: Logger;
  now: () => Date;
}

/**
 * Builds the web console's and the partner API's services from the system's stores: sign-in, the
 * form intake shared by operators and partners, the dashboard and the scenario preview. The result
 * goes to createHttpApp; `access` also gives the bots their /console links.
 */
export function createWeb(input: WebInput): { access: ConsoleAccess; http: Pick<HttpDeps, 'console' | 'partnerApi'> } {
  const { settings } = input;
  const publicUrl = () => settings.publicUrl ?? input.listenUrl();
  const engine = {
    lists: { districts: settings.districts },
    render: (text: Parameters<typeof renderText>[1]) => renderText(input.catalog, text),
    params: settings.textParams,
  };
  const access = createConsoleAccess({
    sessions: input.sessions,
    isCoordinator: input.isCoordinator,
    roles: input.roles,
    configuredOperators: settings.operatorIds,
    publicUrl,
    logger: input.logger,
    now: input.now,
  });
  const form = createFormIntake({
    scenario: input.scenario,
    engine,
    submitOnce: createSubmitOnce({
      requests: input.requests,
      dispatch: input.dispatch,
      logger: input.logger,
      now: input.now,
      codeWords: codeWordList(input.catalog.t('request.codeWords')),
    }),
  });
  // The same use cases as the bot's coordinator console, over the same stores.
  const lookup = createPeopleLookup({ people: input.people, fallbackName: input.coordinatorTexts.fallbackName });
  const consoleDeps: ConsoleWebDeps = {
    access,
    form,
    board: createRequestBoard({ requests: input.requests, timeZone: settings.timeZone }),
    desk: createRequestDesk({ requests: input.requests, lifecycle: input.lifecycle, lookup, accessLog: input.accessLog, now: input.now }),
    // Operators only here: the configured ones are listed on the page, not checked by the desk.
    roles: createRoleDesk({ roles: input.roles, lookup, configured: {}, endConsoleAccess: access.endAccessOf, logger: input.logger, now: input.now }),
    exportRequests: createRequestExport({
      requests: input.requests,
      labels: input.coordinatorTexts.exportLabels,
      accessLog: input.accessLog,
      logger: input.logger,
      now: input.now,
    }),
    erase: input.erase,
    ...(input.answerRequester ? { answerRequester: input.answerRequester } : {}),
    ...(input.questions ? { questions: input.questions } : {}),
    volunteers: { vetting: input.vetting, texts: input.vettingTexts },
    dashboard: createDashboard({ requests: input.requests, timeZone: settings.timeZone, overdueAfterMs: settings.overdueAfterMs, now: input.now }),
    preview: createScenarioPreview({
      dir: dirname(settings.scenarioFile),
      readCatalogs: () => loadCatalogs(settings.localesDir),
      locale: settings.locale,
      districts: settings.districts,
      textParams: settings.textParams,
    }),
    defaultScenarioFile: basename(settings.scenarioFile),
    view: {
      catalog: input.catalog,
      texts: input.texts,
      coordinatorTexts: input.coordinatorTexts,
      districts: settings.districts,
      scenario: input.scenario,
      platforms: settings.platforms && settings.platforms.length > 0 ? settings.platforms : PLATFORMS,
    },
    channels: [...PLATFORMS, 'phone', ...settings.partnerKeys.map((k) => `api:${k.source}`)],
    configuredOperators: settings.operatorIds,
    overdueAfterMs: settings.overdueAfterMs,
    timeZone: settings.timeZone,
    secureCookies: settings.publicUrl?.startsWith('https:') ?? false,
    signInLimit: settings.limits.signIn,
    logger: input.logger,
    now: input.now,
  };
  return {
    access,
    http: {
      console: consoleDeps,
      // Without keys no partner can call, so the API is not served at all.
      ...(settings.partnerKeys.length > 0
        ? {
            partnerApi: {
              intake: createPartnerIntake({ form, engine, keys: settings.partnerKeys, render: engine.render, logger: input.logger }),
              publicUrl,
              limits: settings.limits.partnerApi,
            },
          }
        : {}),
    },
  };
}
