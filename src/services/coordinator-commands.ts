import { resolveDistrict } from '../domain/districts.js';
import { UnknownDistrictError } from '../domain/errors.js';
import type { PersonRef, Platform, RequestChannel } from '../domain/request.js';
import type { EraseOutcome } from './erasure.js';
import type { CoordinatorTexts } from './texts.js';
import type { IsCoordinator } from './coordinators.js';
import type { AccessLog, DistrictChatRepository, Logger, Outbox, PeopleRepository, RequestRepository, RoleRepository } from './ports.js';
import type { RequestLifecycle } from './request-lifecycle.js';
import { parsePeriod } from '../domain/calendar.js';
import { computeStats } from './request-stats.js';
import { createConsoleActionCodec, type ConsoleAction, type ConsoleLimits } from './console/action-codec.js';
import { COORDINATOR_COMMANDS, parseCoordinatorCommand, passesThrough, type CoordinatorCommandName, type ParsedCommand } from './console/command-parser.js';
import { createRequestExport, type ExportRequests } from './console/export-requests.js';
import { createPeopleLookup, type PersonName } from './console/people-lookup.js';
import { createRequestDesk, type RequestDesk } from './console/request-desk.js';
import { createRequestLists, type ListKind, type RequestLists } from './console/request-lists.js';
import { createRoleDesk, type RoleDesk } from './console/role-desk.js';
import type { VettingConsole } from './console/vetting-console.js';

// The command syntax, the button codec and the people lookup have modules of their own; bots import them from here.
export { createConsoleActionCodec, decodeConsoleAction, encodeConsoleAction, type ConsoleAction, type ConsoleLimits } from './console/action-codec.js';
export {
  COORDINATOR_COMMANDS,
  isCoordinatorCommand,
  parseCoordinatorCommand,
  type CoordinatorCommandName,
  type ParsedCommand,
} from './console/command-parser.js';
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
  /** Who was shown which request's personal data (a card in a private chat, a full export). */
  accessLog: AccessLog;
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
  /** /volunteers, /approve, /reject, /suspend, /reinstate and the buttons under an application. */
  vettingConsole: VettingConsole;
  /** Where /grant's notice to the new coordinator goes, and the worker to wake; without them nobody is told. */
  outbox?: Outbox;
  wake?: () => void;
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

/** The console's parts: its settings and texts, and the use cases it shares with the web console. */
interface Parts {
  deps: ConsoleDeps;
  texts: CoordinatorTexts;
  lists: RequestLists;
  desk: RequestDesk;
  exportRequests: ExportRequests;
  roleDesk: RoleDesk;
}

/**
 * What coordinators do through bot commands, for every platform alike: lists of open and overdue
 * requests, a request's card with its history, assign / close / cancel through the lifecycle,
 * statistics, CSV export, roles and districts. Replies are plain text with platform-free buttons.
 */
export function createCoordinatorConsole(deps: ConsoleDeps) {
  const { texts } = deps;
  const lookup = createPeopleLookup({ people: deps.people, fallbackName: texts.fallbackName });
  const parts: Parts = {
    deps,
    texts,
    lists: createRequestLists({ requests: deps.requests, overdueAfterMs: deps.overdueAfterMs, now: deps.now }),
    desk: createRequestDesk({ requests: deps.requests, lifecycle: deps.lifecycle, lookup, accessLog: deps.accessLog, now: deps.now }),
    exportRequests: createRequestExport({ requests: deps.requests, labels: texts.exportLabels, accessLog: deps.accessLog, logger: deps.logger, now: deps.now }),
    roleDesk: createRoleDesk({
      roles: deps.roles,
      lookup,
      configured: { coordinator: deps.configuredCoordinators },
      endConsoleAccess: deps.endConsoleAccess,
      ...(deps.roleChanged ? { roleChanged: deps.roleChanged } : {}),
      ...(deps.outbox ? { notice: { outbox: deps.outbox, wake: deps.wake ?? (() => undefined), text: texts.roleNotice } } : {}),
      logger: deps.logger,
      now: deps.now,
    }),
  };
  return {
    /**
     * Runs a command typed by someone; null when it is not this console's to answer (a bare /cancel,
     * or /cancel 17 from someone who is not a coordinator), so the adapter goes on as before. /help is
     * answered for everyone, with the commands the person may use.
     */
    command: (ctx: CommandContext, name: CoordinatorCommandName, args: string): Promise<ConsoleReply | null> => command(parts, ctx, name, args),
    /** Answers a press of one of the console's buttons; `data` is the action as the platform's codec encoded it. */
    press: (ctx: CommandContext, data: string): Promise<ConsoleReply> => press(parts, ctx, data),
    /** Runs a command already read and allowed. */
    run: (ctx: CommandContext, cmd: ParsedCommand): Promise<ConsoleReply> => run(parts, ctx, cmd),
  };
}

async function command(c: Parts, ctx: CommandContext, name: CoordinatorCommandName, args: string): Promise<ConsoleReply | null> {
  const pass = passesThrough(name, args);
  if (pass === 'always') return null;
  const coordinator = await c.deps.isCoordinator(ctx.by);
  // Everyone may ask what they can do, wherever they are: the answer lists their own commands.
  if (name === 'help') return { text: c.texts.help({ coordinator, place: ctx.place }, COORDINATOR_COMMANDS) };
  if (!coordinator) return pass === 'unless_coordinator' ? null : { text: c.texts.notCoordinator() };
  if (ctx.place === 'group') return { text: c.texts.wrongPlace() };
  const parsed = parseCoordinatorCommand(name, args);
  if (!parsed.ok) return { text: c.texts.usage(parsed.usage) };
  return run(c, ctx, parsed.command);
}

async function press(c: Parts, ctx: CommandContext, data: string): Promise<ConsoleReply> {
  const { texts, deps } = c;
  const action = createConsoleActionCodec(ctx.limits).decode(data);
  if (!action) return { text: texts.staleButton(), notice: true };
  if (!(await deps.isCoordinator(ctx.by))) return { text: texts.notCoordinator(), notice: true };
  if (ctx.place === 'group') return { text: texts.wrongPlace(), notice: true };
  switch (action.type) {
    case 'page': {
      const district = action.district === undefined ? undefined : deps.districts[action.district];
      if (action.district !== undefined && district === undefined) return { text: texts.staleButton(), notice: true };
      return { ...(await list(c, ctx, action.list, district, action.page)), edit: true };
    }
    case 'card':
      return card(c, ctx, action.number);
    case 'close': {
      const request = await deps.requests.findByNumber(action.number);
      if (!request) return { text: texts.notFound(action.number) };
      return { text: texts.confirmClose(action.number), buttons: [[confirmButton(texts, 'closeConfirmed', action.number)]] };
    }
    case 'closeConfirmed':
      return run(c, ctx, { name: 'close', number: action.number });
    case 'cancel':
      return { text: texts.cancelHint(action.number) };
    case 'assign':
      return { text: texts.assignHint(action.number) };
    case 'eraseConfirmed': {
      const outcome = await deps.erase(action.number, ctx.channel);
      return { text: outcome.kind === 'erased' ? texts.erased(action.number) : texts.eraseRefused(outcome.kind, action.number) };
    }
    case 'approve':
    case 'reject':
      return deps.vettingConsole.press({ by: ctx.by, channel: ctx.channel, privately: ctx.place === 'private' }, { type: action.type, number: action.number });
  }
}

async function run(c: Parts, ctx: CommandContext, cmd: ParsedCommand): Promise<ConsoleReply> {
  const { texts, deps } = c;
  switch (cmd.name) {
    case 'help':
      return { text: texts.help({ coordinator: true, place: ctx.place }, COORDINATOR_COMMANDS) };
    case 'open':
      return openList(c, ctx, cmd.district);
    case 'overdue':
      return list(c, ctx, 'overdue', undefined, 0);
    case 'request':
      return card(c, ctx, cmd.number);
    case 'close': {
      const outcome = await c.desk.close(cmd.number, ctx.by, ctx.channel, cmd.comment);
      return { text: outcome.kind === 'changed' ? texts.closed(outcome.request) : texts.refused(outcome, cmd.number, 'close') };
    }
    case 'cancel': {
      const outcome = await c.desk.cancel(cmd.number, ctx.by, ctx.channel, cmd.reason);
      return { text: outcome.kind === 'changed' ? texts.cancelled(outcome.request) : texts.refused(outcome, cmd.number, 'cancel') };
    }
    case 'assign':
      return assign(c, ctx, cmd.number, cmd.volunteer);
    case 'erase':
      return askToErase(c, cmd.number);
    case 'stats': {
      const parsed = parsePeriod(cmd.period, deps.now(), deps.timeZone);
      if (!parsed.ok) return { text: texts.badPeriod('stats', cmd.period, parsed.error) };
      const requests = await deps.requests.listCreatedBetween(parsed.period.from, parsed.period.to);
      return { text: texts.stats(parsed.period, computeStats(requests)) };
    }
    case 'export':
      return exportCsv(c, ctx, cmd.period, cmd.full);
    case 'districts':
      return { text: texts.districts(deps.districts, await deps.districtChats.listAll()) };
    case 'grant':
    case 'revoke':
      return changeRole(c, ctx, cmd.name, cmd.person);
    case 'volunteers':
    case 'approve':
    case 'reject':
    case 'suspend':
    case 'reinstate':
      return deps.vettingConsole.run({ by: ctx.by, channel: ctx.channel, privately: ctx.place === 'private' }, cmd);
  }
}

function confirmButton(texts: CoordinatorTexts, type: 'closeConfirmed' | 'eraseConfirmed', number: number): ConsoleButton {
  return { label: texts.button(type, number), action: { type, number } };
}

async function openList(c: Parts, ctx: CommandContext, typed: string | undefined): Promise<ConsoleReply> {
  if (typed === undefined) return list(c, ctx, 'open', undefined, 0);
  try {
    return await list(c, ctx, 'open', resolveDistrict(typed, c.deps.districts), 0);
  } catch (error) {
    if (error instanceof UnknownDistrictError) return { text: c.texts.unknownDistrict(typed, c.deps.districts) };
    throw error;
  }
}

async function list(c: Parts, ctx: CommandContext, kind: ListKind, district: string | undefined, asked: number): Promise<ConsoleReply> {
  const { texts, deps } = c;
  const { items, total, page, pages } = await c.lists(kind, district, asked, pageSizeFor(ctx.limits));
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

async function card(c: Parts, ctx: CommandContext, number: number): Promise<ConsoleReply> {
  // Personal data only in a coordinator's private chat (and recorded there); the HQ chat is read by many.
  const viewer = ctx.place === 'private' ? { person: ctx.by, channel: ctx.channel, kind: 'request_card' as const, isCoordinator: true } : undefined;
  const found = await c.desk.card(number, viewer);
  if (!found) return { text: c.texts.notFound(number) };
  const { request, names } = found;
  const open = request.status === 'new' || request.status === 'claimed';
  const actions = (['close', 'cancel', 'assign'] as const).map((type) => ({ label: c.texts.button(type), action: { type, number } }));
  return { text: c.texts.card(request, { personal: ctx.place === 'private', names }), ...(open ? { buttons: [actions] } : {}) };
}

/** /erase is refused at once when it cannot be done; otherwise asked once more, with the button. */
async function askToErase(c: Parts, number: number): Promise<ConsoleReply> {
  const { texts } = c;
  const request = await c.deps.requests.findByNumber(number);
  if (!request) return { text: texts.notFound(number) };
  if (request.personalErasedAt) return { text: texts.eraseRefused('already_erased', number) };
  if (request.status === 'new' || request.status === 'claimed') return { text: texts.eraseRefused('open', number) };
  return { text: texts.confirmErase(number), buttons: [[confirmButton(texts, 'eraseConfirmed', number)]] };
}

async function assign(c: Parts, ctx: CommandContext, number: number, name: PersonName): Promise<ConsoleReply> {
  const { texts } = c;
  const outcome = await c.desk.assign(number, ctx.by, ctx.channel, { platform: ctx.channel, name });
  if (outcome.kind === 'usernames_unsupported') return { text: texts.usernamesTelegramOnly() };
  if (outcome.kind === 'unknown_volunteer') return { text: texts.unknownVolunteer(name, number) };
  return { text: outcome.kind === 'changed' ? texts.assigned(outcome.request) : texts.refused(outcome, number, 'assign') };
}

async function exportCsv(c: Parts, ctx: CommandContext, periodText: string, full: boolean): Promise<ConsoleReply> {
  const { texts, deps } = c;
  if (!ctx.canSendDocuments) return { text: texts.exportTelegramOnly() };
  if (full && ctx.place !== 'private') return { text: texts.fullExportPrivateOnly() };
  const parsed = parsePeriod(periodText, deps.now(), deps.timeZone);
  if (!parsed.ok) return { text: texts.badPeriod('export', periodText, parsed.error) };
  const made = await c.exportRequests({ period: parsed.period, full, by: ctx.by, via: ctx.channel });
  return { text: texts.exportCaption(parsed.period, made.rows, full), document: { fileName: texts.exportFileName(parsed.period, full), content: made.csv } };
}

async function changeRole(c: Parts, ctx: CommandContext, change: 'grant' | 'revoke', name: PersonName): Promise<ConsoleReply> {
  const { texts } = c;
  const outcome = await c.roleDesk[change]('coordinator', ctx.channel, name, ctx.by);
  if (outcome.kind === 'usernames_unsupported') return { text: texts.usernamesTelegramOnly() };
  if (outcome.kind === 'unknown') return { text: texts.unknownPerson(name) };
  const label = texts.personLabel(outcome.person);
  switch (outcome.kind) {
    case 'configured':
      return { text: change === 'grant' ? texts.alreadyConfigured(label) : texts.cannotRevokeConfigured(label, outcome.person.platform) };
    case 'granted':
      return { text: texts.granted(label, outcome.told) };
    case 'already_held':
      return { text: texts.alreadyCoordinator(label) };
    case 'revoked':
      return { text: texts.revoked(label) };
    case 'not_held':
      return { text: texts.notCoordinatorAnyway(label) };
  }
}

export type CoordinatorConsole = ReturnType<typeof createCoordinatorConsole>;
