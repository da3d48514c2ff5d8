import { resolveDistrict } from '../domain/districts.js';
import { UnknownDistrictError } from '../domain/errors.js';
import type { PersonRef, Platform, RequestChannel } from '../domain/request.js';
import type { EraseOutcome } from './erasure.js';
import type { CoordinatorTexts } from '../messages/coordinator-texts.js';
import type { IsCoordinator } from './coordinators.js';
import type { DistrictChatRepository, Logger, PeopleRepository, RequestRepository, RoleRepository } from './ports.js';
import type { RequestLifecycle } from './request-lifecycle.js';
import { computeStats, parsePeriod } from './request-stats.js';
import { createConsoleActionCodec, type ConsoleAction, type ConsoleLimits } from './console/action-codec.js';
import { parseCoordinatorCommand, passesThrough, type CoordinatorCommandName, type ParsedCommand } from './console/command-parser.js';
import { createRequestExport } from './console/export-requests.js';
import { createPeopleLookup, type PersonName } from './console/people-lookup.js';
import { createRequestDesk } from './console/request-desk.js';
import { createRoleDesk } from './console/role-desk.js';

// The command syntax, the button codec and the people lookup have modules of their own; bots import them from here.
export { createConsoleActionCodec, decodeConsoleAction, encodeConsoleAction, type ConsoleAction, type ConsoleLimits } from './console/action-codec.js';
export { COORDINATOR_COMMANDS, isCoordinatorCommand, parseCoordinatorCommand, type CoordinatorCommandName, type ParsedCommand } from './console/command-parser.js';
export { parsePersonName, personKey, type PersonName } from './console/people-lookup.js';

/**
 * Where a command was given: a coordinator's private chat (personal data may be shown), the HQ chat
 * (many people read it: never personal data), or any other group (coordinator commands do not run there).
 */
export type Place = 'private' | 'hq' | 'group';

/** Who gave a command, through which platform, where, and what that platform can show in the answer. */
export interface CommandContext {
  by: PersonRef;
  channel: Platform;
  place: Place;
  canSendDocuments: boolean;
  /** The rendering platform's buttons and payload size: pages and button actions are cut to fit. */
  limits: ConsoleLimits;
}

/** A button under a coordinator's message; the adapter encodes `action` into its platform's payload. */
export interface ConsoleButton {
  label: string;
  action: ConsoleAction;
}

/** A reply to a coordinator, the same for every platform; adapters render the buttons and the file. */
export interface ConsoleReply {
  text: string;
  buttons?: ConsoleButton[][];
  /** A CSV file to send as a document. */
  document?: { fileName: string; content: string };
  /** For a button press: replace the message the button was on (a list turning pages). */
  edit?: boolean;
  /** For a button press: a short refusal shown on the button (an alert, a snackbar), not a message. */
  notice?: boolean;
}

/** What the console works with; main.ts wires the real ones, tests the fakes. */
export interface ConsoleDeps {
  requests: RequestRepository;
  people: PeopleRepository;
  roles: RoleRepository;
  districtChats: DistrictChatRepository;
  lifecycle: RequestLifecycle;
  /** Erases one closed request's personal data now (Erasure.eraseRequest). */
  erase: (number: number, channel: RequestChannel) => Promise<EraseOutcome>;
  isCoordinator: IsCoordinator;
  /** The coordinators named in the configuration: always coordinators, never revoked by command. */
  configuredCoordinators: Readonly<Record<Platform, readonly string[]>>;
  districts: readonly string[];
  texts: CoordinatorTexts;
  timeZone: string;
  /** How long a request may wait for a volunteer before /overdue lists it. */
  overdueAfterMs: number;
  /** Called after /grant or /revoke changed someone's role (Telegram updates their command menu). */
  roleChanged?: (person: PersonRef, isCoordinator: boolean) => Promise<void>;
  /** Ends a person's web console sessions and links: a role taken back must not return with the next grant. */
  endConsoleAccess: (person: PersonRef) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

/** The most requests a page of /open and /overdue lists, however many buttons a platform allows: a page read at a glance. */
export const MAX_PAGE_SIZE = 8;
/** The most request buttons in a row, so their numbers stay readable on a phone. */
const MAX_CARD_BUTTONS_PER_ROW = 4;
/** A list's page leaves room for its row of «previous» and «next». */
const NAVIGATION_BUTTONS = 2;

/** How many requests a page lists on a platform: its buttons, less the page buttons, at most MAX_PAGE_SIZE. */
export function pageSizeFor(limits: ConsoleLimits): number {
  return Math.max(1, Math.min(MAX_PAGE_SIZE, limits.buttonsPerMessage - NAVIGATION_BUTTONS));
}

/**
 * What coordinators do through bot commands, for every platform alike: lists of open and overdue
 * requests, a request's card with its history, assign / close / cancel through the lifecycle,
 * statistics, CSV export, roles and districts. Replies are plain text with platform-free buttons.
 */
export function createCoordinatorConsole(deps: ConsoleDeps) {
  const { texts } = deps;
  const lookup = createPeopleLookup({ people: deps.people, fallbackName: texts.fallbackName });
  const desk = createRequestDesk({ requests: deps.requests, lifecycle: deps.lifecycle, lookup });
  const exportRequests = createRequestExport({ requests: deps.requests, labels: texts.exportLabels, logger: deps.logger });
  const roleDesk = createRoleDesk({
    roles: deps.roles,
    lookup,
    configured: { coordinator: deps.configuredCoordinators },
    endConsoleAccess: deps.endConsoleAccess,
    ...(deps.roleChanged ? { roleChanged: deps.roleChanged } : {}),
    logger: deps.logger,
    now: deps.now,
  });

  /**
   * Runs a command typed by someone; null when it is not this console's to answer (a bare /cancel,
   * or /cancel and /help from someone who is not a coordinator), so the adapter goes on as before.
   */
  async function command(ctx: CommandContext, name: CoordinatorCommandName, args: string): Promise<ConsoleReply | null> {
    const pass = passesThrough(name, args);
    if (pass === 'always') return null;
    const coordinator = await deps.isCoordinator(ctx.by);
    if (!coordinator) return pass === 'unless_coordinator' ? null : { text: texts.notCoordinator() };
    if (ctx.place === 'group') return { text: texts.wrongPlace() };
    const parsed = parseCoordinatorCommand(name, args);
    if (!parsed.ok) return { text: texts.usage(parsed.usage) };
    return run(ctx, parsed.command);
  }

  /** Answers a press of one of the console's buttons; `data` is the action as the platform's codec encoded it. */
  async function press(ctx: CommandContext, data: string): Promise<ConsoleReply> {
    const action = createConsoleActionCodec(ctx.limits).decode(data);
    if (!action) return { text: texts.staleButton(), notice: true };
    if (!(await deps.isCoordinator(ctx.by))) return { text: texts.notCoordinator(), notice: true };
    if (ctx.place === 'group') return { text: texts.wrongPlace(), notice: true };
    switch (action.type) {
      case 'page': {
        const district = action.district === undefined ? undefined : deps.districts[action.district];
        if (action.district !== undefined && district === undefined) return { text: texts.staleButton(), notice: true };
        return { ...(await list(ctx, action.list, district, action.page)), edit: true };
      }
      case 'card':
        return card(ctx, action.number);
      case 'close': {
        const request = await deps.requests.findByNumber(action.number);
        if (!request) return { text: texts.notFound(action.number) };
        return { text: texts.confirmClose(action.number), buttons: [[confirmButton('closeConfirmed', action.number)]] };
      }
      case 'closeConfirmed':
        return run(ctx, { name: 'close', number: action.number });
      case 'cancel':
        return { text: texts.cancelHint(action.number) };
      case 'assign':
        return { text: texts.assignHint(action.number) };
      case 'eraseConfirmed': {
        const outcome = await deps.erase(action.number, ctx.channel);
        return { text: outcome.kind === 'erased' ? texts.erased(action.number) : texts.eraseRefused(outcome.kind, action.number) };
      }
    }
  }

  async function run(ctx: CommandContext, cmd: ParsedCommand): Promise<ConsoleReply> {
    switch (cmd.name) {
      case 'help':
        return { text: texts.help() };
      case 'open':
        return openList(ctx, cmd.district);
      case 'overdue':
        return list(ctx, 'overdue', undefined, 0);
      case 'request':
        return card(ctx, cmd.number);
      case 'close': {
        const outcome = await desk.close(cmd.number, ctx.by, ctx.channel, cmd.comment);
        return { text: outcome.kind === 'changed' ? texts.closed(outcome.request) : texts.refused(outcome, cmd.number, 'close') };
      }
      case 'cancel': {
        const outcome = await desk.cancel(cmd.number, ctx.by, ctx.channel, cmd.reason);
        return { text: outcome.kind === 'changed' ? texts.cancelled(outcome.request) : texts.refused(outcome, cmd.number, 'cancel') };
      }
      case 'assign':
        return assign(ctx, cmd.number, cmd.volunteer);
      case 'erase':
        return askToErase(cmd.number);
      case 'stats': {
        const parsed = parsePeriod(cmd.period, deps.now(), deps.timeZone);
        if (!parsed.ok) return { text: texts.badPeriod('stats', cmd.period, parsed.error) };
        const requests = await deps.requests.listCreatedBetween(parsed.period.from, parsed.period.to);
        return { text: texts.stats(parsed.period, computeStats(requests)) };
      }
      case 'export':
        return exportCsv(ctx, cmd.period, cmd.full);
      case 'districts':
        return { text: texts.districts(deps.districts, await deps.districtChats.listAll()) };
      case 'grant':
      case 'revoke':
        return changeRole(ctx, cmd.name, cmd.person);
    }
  }

  function confirmButton(type: 'closeConfirmed' | 'eraseConfirmed', number: number): ConsoleButton {
    return { label: texts.button(type, number), action: { type, number } };
  }

  async function openList(ctx: CommandContext, typed: string | undefined): Promise<ConsoleReply> {
    if (typed === undefined) return list(ctx, 'open', undefined, 0);
    try {
      return await list(ctx, 'open', resolveDistrict(typed, deps.districts), 0);
    } catch (error) {
      if (error instanceof UnknownDistrictError) return { text: texts.unknownDistrict(typed, deps.districts) };
      throw error;
    }
  }

  async function list(ctx: CommandContext, kind: 'open' | 'overdue', district: string | undefined, page: number): Promise<ConsoleReply> {
    const pageSize = pageSizeFor(ctx.limits);
    const query =
      kind === 'open'
        ? { ...(district ? { district } : {}) }
        : { status: 'new' as const, createdBefore: new Date(deps.now().getTime() - deps.overdueAfterMs) };
    let { items, total } = await deps.requests.listOpen({ ...query, skip: page * pageSize, limit: pageSize });
    const pages = Math.max(1, Math.ceil(total / pageSize));
    // A page that emptied meanwhile (requests were taken) shows the last one there is.
    if (items.length === 0 && page > 0 && total > 0) {
      page = pages - 1;
      ({ items, total } = await deps.requests.listOpen({ ...query, skip: page * pageSize, limit: pageSize }));
    }
    const text = texts.list({ kind, district, total, page, pages, items, overdueAfterMs: deps.overdueAfterMs });
    const districtIndex = district ? deps.districts.indexOf(district) : -1;
    const pageAction = (to: number): ConsoleAction => ({ type: 'page', list: kind, page: to, ...(districtIndex >= 0 ? { district: districtIndex } : {}) });
    const perRow = Math.max(1, Math.min(MAX_CARD_BUTTONS_PER_ROW, ctx.limits.buttonsPerRow));
    const buttons: ConsoleButton[][] = [];
    for (let i = 0; i < items.length; i += perRow) {
      buttons.push(items.slice(i, i + perRow).map((r) => ({ label: texts.button('card', r.number), action: { type: 'card', number: r.number } })));
    }
    const nav: ConsoleButton[] = [];
    if (page > 0) nav.push({ label: texts.button('previous'), action: pageAction(page - 1) });
    if (page < pages - 1) nav.push({ label: texts.button('next'), action: pageAction(page + 1) });
    if (nav.length > 0) buttons.push(nav);
    return { text, ...(buttons.length > 0 ? { buttons } : {}) };
  }

  async function card(ctx: CommandContext, number: number): Promise<ConsoleReply> {
    const found = await desk.card(number);
    if (!found) return { text: texts.notFound(number) };
    const { request, names } = found;
    const open = request.status === 'new' || request.status === 'claimed';
    const actions = (['close', 'cancel', 'assign'] as const).map((type) => ({ label: texts.button(type), action: { type, number } }));
    // Personal data only in a coordinator's private chat; the HQ chat is read by many.
    return { text: texts.card(request, { personal: ctx.place === 'private', names }), ...(open ? { buttons: [actions] } : {}) };
  }

  /** /erase is refused at once when it cannot be done; otherwise asked once more, with the button. */
  async function askToErase(number: number): Promise<ConsoleReply> {
    const request = await deps.requests.findByNumber(number);
    if (!request) return { text: texts.notFound(number) };
    if (request.personalErasedAt) return { text: texts.eraseRefused('already_erased', number) };
    if (request.status === 'new' || request.status === 'claimed') return { text: texts.eraseRefused('open', number) };
    return { text: texts.confirmErase(number), buttons: [[confirmButton('eraseConfirmed', number)]] };
  }

  async function assign(ctx: CommandContext, number: number, name: PersonName): Promise<ConsoleReply> {
    const outcome = await desk.assign(number, ctx.by, ctx.channel, { platform: ctx.channel, name });
    if (outcome.kind === 'usernames_unsupported') return { text: texts.usernamesTelegramOnly() };
    if (outcome.kind === 'unknown_volunteer') return { text: texts.unknownVolunteer(name, number) };
    return { text: outcome.kind === 'changed' ? texts.assigned(outcome.request) : texts.refused(outcome, number, 'assign') };
  }

  async function exportCsv(ctx: CommandContext, periodText: string, full: boolean): Promise<ConsoleReply> {
    if (!ctx.canSendDocuments) return { text: texts.exportTelegramOnly() };
    if (full && ctx.place !== 'private') return { text: texts.fullExportPrivateOnly() };
    const parsed = parsePeriod(periodText, deps.now(), deps.timeZone);
    if (!parsed.ok) return { text: texts.badPeriod('export', periodText, parsed.error) };
    const made = await exportRequests({ period: parsed.period, full, by: ctx.by, via: ctx.channel });
    return { text: texts.exportCaption(parsed.period, made.rows, full), document: { fileName: texts.exportFileName(parsed.period, full), content: made.csv } };
  }

  async function changeRole(ctx: CommandContext, change: 'grant' | 'revoke', name: PersonName): Promise<ConsoleReply> {
    const outcome = await roleDesk[change]('coordinator', ctx.channel, name, ctx.by);
    if (outcome.kind === 'usernames_unsupported') return { text: texts.usernamesTelegramOnly() };
    if (outcome.kind === 'unknown') return { text: texts.unknownPerson(name) };
    const label = texts.personLabel(outcome.person);
    switch (outcome.kind) {
      case 'configured':
        return { text: change === 'grant' ? texts.alreadyConfigured(label) : texts.cannotRevokeConfigured(label, outcome.person.platform) };
      case 'granted':
        return { text: texts.granted(label) };
      case 'already_held':
        return { text: texts.alreadyCoordinator(label) };
      case 'revoked':
        return { text: texts.revoked(label) };
      case 'not_held':
        return { text: texts.notCoordinatorAnyway(label) };
    }
  }

  return { command, press, run };
}

export type CoordinatorConsole = ReturnType<typeof createCoordinatorConsole>;
