import { resolveDistrict } from '../domain/districts.js';
import { UnknownDistrictError } from '../domain/errors.js';
import type { HelpRequest, PersonRef, Platform, RequestChannel, Volunteer } from '../domain/request.js';
import type { EraseOutcome } from './erasure.js';
import type { CoordinatorTexts } from '../messages/coordinator-texts.js';
import type { IsCoordinator } from './coordinators.js';
import type { DistrictChatRepository, KnownPerson, Logger, PeopleRepository, RequestRepository, RoleRepository } from './ports.js';
import type { RequestLifecycle } from './request-lifecycle.js';
import { parsePeriod } from '../domain/calendar.js';
import { computeStats } from './request-stats.js';
import { exportRows, toCsv } from './request-export.js';

/**
 * Where a command was given: a coordinator's private chat (personal data may be shown), the HQ chat
 * (many people read it: never personal data), or any other group (coordinator commands do not run there).
 */
export type Place = 'private' | 'hq' | 'group';

/** Who gave a command, through which platform, where, and whether that platform can send them a file. */
export interface CommandContext {
  by: PersonRef;
  channel: Platform;
  place: Place;
  canSendDocuments: boolean;
}

/** The coordinators' commands, in the order menus and /help list them. */
export const COORDINATOR_COMMANDS = ['open', 'overdue', 'request', 'assign', 'close', 'cancel', 'erase', 'stats', 'export', 'districts', 'grant', 'revoke', 'help'] as const;
export type CoordinatorCommandName = (typeof COORDINATOR_COMMANDS)[number];

/** How a command names a person: a numeric id of the coordinator's platform, or a Telegram @username. */
export type PersonName = { kind: 'id'; userId: string } | { kind: 'username'; username: string };

/** A command read and checked for its shape; what it refers to is checked when it runs. */
export type ParsedCommand =
  | { name: 'open'; district?: string }
  | { name: 'overdue' }
  | { name: 'request'; number: number }
  | { name: 'assign'; number: number; volunteer: PersonName }
  | { name: 'close'; number: number; comment?: string }
  | { name: 'cancel'; number: number; reason?: string }
  | { name: 'erase'; number: number }
  | { name: 'stats'; period: string }
  | { name: 'export'; period: string; full: boolean }
  | { name: 'districts' }
  | { name: 'help' }
  | { name: 'grant' | 'revoke'; person: PersonName };

/** A button under a coordinator's message; the adapter encodes `action` into its platform's payload. */
export interface ConsoleButton {
  label: string;
  action: ConsoleAction;
}

/** What pressing a coordinator's button asks for. */
export type ConsoleAction =
  /** A page of /open (of a district, by its index in the configured list) or of /overdue; pages count from 0. */
  | { type: 'page'; list: 'open' | 'overdue'; district?: number; page: number }
  | { type: 'card'; number: number }
  /** "Close": asks to confirm, since a request closed by mistake cannot be reopened. */
  | { type: 'close'; number: number }
  | { type: 'closeConfirmed'; number: number }
  /** "Cancel" and "Assign" need a reason or a volunteer: the answer says what to type. */
  | { type: 'cancel'; number: number }
  | { type: 'assign'; number: number }
  /** "Yes, erase" after /erase asked: erasure cannot be undone, so it is never one step. */
  | { type: 'eraseConfirmed'; number: number };

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

/** Requests per page of /open and /overdue: with the page buttons it fits VK's 10 buttons a message. */
export const PAGE_SIZE = 8;
const CARD_BUTTONS_PER_ROW = 4;

const NUMBER = /^(?:№|#|n|no\.?)?\s*(\d{1,9})(?=\s|$)\s*/i;

/** Reads "17", "№17" or "#17" at the start of the arguments; the rest follows. */
function leadingNumber(args: string): { number: number; rest: string } | null {
  const match = NUMBER.exec(args.trim());
  if (!match) return null;
  const number = Number(match[1]);
  return number > 0 ? { number, rest: args.trim().slice(match[0].length).trim() } : null;
}

/** "123", "id123", "vk.com/id123" → an id; "@ivan" or "ivan" → a username; anything else → null. */
export function parsePersonName(text: string): PersonName | null {
  const value = text.trim().replace(/^(?:https?:\/\/)?(?:t\.me\/|vk\.com\/|vk\.ru\/)/i, '');
  const id = /^(?:id)?(\d{1,15})$/i.exec(value);
  if (id) return { kind: 'id', userId: id[1]! };
  const username = /^@?([A-Za-z][A-Za-z0-9_]{2,31})$/.exec(value);
  return username ? { kind: 'username', username: username[1]! } : null;
}

/** Whether a typed word asks for the export with personal data. */
const FULL_WORDS = new Set(['full', 'полный', 'полная', 'полностью', 'все', 'всё']);

/**
 * Reads a coordinator command's arguments. Platform-free: Telegram and VK hand over the command name
 * and the text after it. A malformed command gives the name whose syntax to show.
 */
export function parseCoordinatorCommand(name: CoordinatorCommandName, args: string): { ok: true; command: ParsedCommand } | { ok: false; usage: CoordinatorCommandName } {
  const text = args.trim();
  const ok = (command: ParsedCommand) => ({ ok: true as const, command });
  const usage = { ok: false as const, usage: name };
  switch (name) {
    case 'open':
      return ok(text ? { name, district: text } : { name });
    case 'overdue':
    case 'districts':
    case 'help':
      return ok({ name });
    case 'request':
    case 'erase': {
      const n = leadingNumber(text);
      return n && !n.rest ? ok({ name, number: n.number }) : usage;
    }
    case 'assign': {
      const n = leadingNumber(text);
      const volunteer = n && parsePersonName(n.rest);
      return n && volunteer ? ok({ name, number: n.number, volunteer }) : usage;
    }
    case 'close': {
      const n = leadingNumber(text);
      return n ? ok({ name, number: n.number, ...(n.rest ? { comment: n.rest } : {}) }) : usage;
    }
    case 'cancel': {
      const n = leadingNumber(text);
      // A missing reason is left to the lifecycle rules, which refuse it with their own polite text.
      return n ? ok({ name, number: n.number, ...(n.rest ? { reason: n.rest } : {}) }) : usage;
    }
    case 'stats':
      return ok({ name, period: text });
    case 'export': {
      const words = text.split(/\s+/).filter(Boolean);
      const full = words.some((w) => FULL_WORDS.has(w.toLowerCase()));
      return ok({ name, period: words.filter((w) => !FULL_WORDS.has(w.toLowerCase())).join(' '), full });
    }
    case 'grant':
    case 'revoke': {
      const person = parsePersonName(text);
      return person ? ok({ name, person }) : usage;
    }
  }
}

/** Whether a word is one of the coordinator commands. */
export function isCoordinatorCommand(name: string): name is CoordinatorCommandName {
  return (COORDINATOR_COMMANDS as readonly string[]).includes(name);
}

/**
 * `/cancel` is also the requester's "abandon the questionnaire". It is the coordinator command only
 * with something after it (`/cancel 17 reason`) from a coordinator; a bare `/cancel` keeps its old
 * meaning for everybody. `/help` likewise belongs to coordinators only.
 */
function passesThrough(name: CoordinatorCommandName, args: string): 'always' | 'unless_coordinator' | 'never' {
  if (name === 'cancel') return args.trim() ? 'unless_coordinator' : 'always';
  if (name === 'help') return 'unless_coordinator';
  return 'never';
}

// Button payloads: short, since Telegram allows 64 bytes of callback data.
const ACTION_TAGS = { card: 'c', close: 'x', closeConfirmed: 'y', cancel: 'k', assign: 'a', eraseConfirmed: 'e' } as const;

/** A button's action as a short string ("c:17", "p:o:2:0"), for Telegram's callback data and VK's payload. */
export function encodeConsoleAction(action: ConsoleAction): string {
  if (action.type === 'page') return `p:${action.list === 'open' ? 'o' : 'v'}:${action.district ?? '-'}:${action.page}`;
  return `${ACTION_TAGS[action.type]}:${action.number}`;
}

/** Reads a button's action back; anything malformed or forged gives null. */
export function decodeConsoleAction(data: string): ConsoleAction | null {
  const parts = data.split(':');
  const int = (s: string | undefined, min: number) => (s !== undefined && /^(0|[1-9]\d{0,8})$/.test(s) && Number(s) >= min ? Number(s) : null);
  if (parts[0] === 'p' && parts.length === 4 && (parts[1] === 'o' || parts[1] === 'v')) {
    const page = int(parts[3], 0);
    const district = parts[2] === '-' ? undefined : int(parts[2], 0);
    if (page === null || district === null) return null;
    return { type: 'page', list: parts[1] === 'o' ? 'open' : 'overdue', page, ...(district !== undefined ? { district } : {}) };
  }
  const type = (Object.keys(ACTION_TAGS) as (keyof typeof ACTION_TAGS)[]).find((k) => ACTION_TAGS[k] === parts[0]);
  const number = parts.length === 2 ? int(parts[1], 1) : null;
  return type && number !== null ? { type, number } : null;
}

/**
 * What coordinators do through bot commands, for every platform alike: lists of open and overdue
 * requests, a request's card with its history, assign / close / cancel through the lifecycle,
 * statistics, CSV export, roles and districts. Replies are plain text with platform-free buttons.
 */
export function createCoordinatorConsole(deps: ConsoleDeps) {
  const { texts } = deps;

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

  /** Answers a press of one of the console's buttons. */
  async function press(ctx: CommandContext, data: string): Promise<ConsoleReply> {
    const action = decodeConsoleAction(data);
    if (!action) return { text: texts.staleButton(), notice: true };
    if (!(await deps.isCoordinator(ctx.by))) return { text: texts.notCoordinator(), notice: true };
    if (ctx.place === 'group') return { text: texts.wrongPlace(), notice: true };
    switch (action.type) {
      case 'page': {
        const district = action.district === undefined ? undefined : deps.districts[action.district];
        if (action.district !== undefined && district === undefined) return { text: texts.staleButton(), notice: true };
        return { ...(await list(action.list, district, action.page)), edit: true };
      }
      case 'card':
        return card(ctx, action.number);
      case 'close': {
        const request = await deps.requests.findByNumber(action.number);
        if (!request) return { text: texts.notFound(action.number) };
        return {
          text: texts.confirmClose(action.number),
          buttons: [[{ label: texts.button('closeConfirmed', action.number), action: { type: 'closeConfirmed', number: action.number } }]],
        };
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
      case 'open': {
        if (cmd.district === undefined) return list('open', undefined, 0);
        try {
          return await list('open', resolveDistrict(cmd.district, deps.districts), 0);
        } catch (error) {
          if (error instanceof UnknownDistrictError) return { text: texts.unknownDistrict(cmd.district, deps.districts) };
          throw error;
        }
      }
      case 'overdue':
        return list('overdue', undefined, 0);
      case 'request':
        return card(ctx, cmd.number);
      case 'close': {
        const outcome = await deps.lifecycle(cmd.number, ctx.by, ctx.channel, { type: 'complete', ...(cmd.comment ? { comment: cmd.comment } : {}) });
        return { text: outcome.kind === 'changed' ? texts.closed(outcome.request) : texts.refused(outcome, cmd.number, 'close') };
      }
      case 'cancel': {
        const outcome = await deps.lifecycle(cmd.number, ctx.by, ctx.channel, { type: 'cancel', ...(cmd.reason ? { reason: cmd.reason } : {}) });
        return { text: outcome.kind === 'changed' ? texts.cancelled(outcome.request) : texts.refused(outcome, cmd.number, 'cancel') };
      }
      case 'assign':
        return assign(ctx, cmd.number, cmd.volunteer);
      case 'erase': {
        // Refused at once when it cannot be done; otherwise asked once more, with the button.
        const request = await deps.requests.findByNumber(cmd.number);
        if (!request) return { text: texts.notFound(cmd.number) };
        if (request.personalErasedAt) return { text: texts.eraseRefused('already_erased', cmd.number) };
        if (request.status === 'new' || request.status === 'claimed') return { text: texts.eraseRefused('open', cmd.number) };
        return {
          text: texts.confirmErase(cmd.number),
          buttons: [[{ label: texts.button('eraseConfirmed', cmd.number), action: { type: 'eraseConfirmed', number: cmd.number } }]],
        };
      }
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

  async function list(kind: 'open' | 'overdue', district: string | undefined, page: number): Promise<ConsoleReply> {
    const query =
      kind === 'open'
        ? { ...(district ? { district } : {}) }
        : { status: 'new' as const, createdBefore: new Date(deps.now().getTime() - deps.overdueAfterMs) };
    let { items, total } = await deps.requests.listOpen({ ...query, skip: page * PAGE_SIZE, limit: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    // A page that emptied meanwhile (requests were taken) shows the last one there is.
    if (items.length === 0 && page > 0 && total > 0) {
      page = pages - 1;
      ({ items, total } = await deps.requests.listOpen({ ...query, skip: page * PAGE_SIZE, limit: PAGE_SIZE }));
    }
    const text = texts.list({ kind, district, total, page, pages, items, overdueAfterMs: deps.overdueAfterMs });
    const districtIndex = district ? deps.districts.indexOf(district) : -1;
    const pageAction = (to: number): ConsoleAction => ({ type: 'page', list: kind, page: to, ...(districtIndex >= 0 ? { district: districtIndex } : {}) });
    const buttons: ConsoleButton[][] = [];
    for (let i = 0; i < items.length; i += CARD_BUTTONS_PER_ROW) {
      buttons.push(items.slice(i, i + CARD_BUTTONS_PER_ROW).map((r) => ({ label: texts.button('card', r.number), action: { type: 'card', number: r.number } })));
    }
    const nav: ConsoleButton[] = [];
    if (page > 0) nav.push({ label: texts.button('previous'), action: pageAction(page - 1) });
    if (page < pages - 1) nav.push({ label: texts.button('next'), action: pageAction(page + 1) });
    if (nav.length > 0) buttons.push(nav);
    return { text, ...(buttons.length > 0 ? { buttons } : {}) };
  }

  async function card(ctx: CommandContext, number: number): Promise<ConsoleReply> {
    const request = await deps.requests.findByNumber(number);
    if (!request) return { text: texts.notFound(number) };
    const names = await namesOf(request);
    const open = request.status === 'new' || request.status === 'claimed';
    return {
      // Personal data only in a coordinator's private chat; the HQ chat is read by many.
      text: texts.card(request, { personal: ctx.place === 'private', names }),
      ...(open
        ? {
            buttons: [
              [
                { label: texts.button('close'), action: { type: 'close', number } },
                { label: texts.button('cancel'), action: { type: 'cancel', number } },
                { label: texts.button('assign'), action: { type: 'assign', number } },
              ],
            ],
          }
        : {}),
    };
  }

  /** Public names of the people in a request's history who are not named in it (coordinators, mostly). */
  async function namesOf(request: HelpRequest): Promise<Map<string, string>> {
    const refs = new Map<string, PersonRef>();
    for (const event of request.history) if (event.actor) refs.set(personKey(event.actor), event.actor);
    const known = await deps.people.findMany([...refs.values()]);
    return new Map(known.filter((p) => p.displayName).map((p) => [personKey(p), p.displayName!]));
  }

  async function assign(ctx: CommandContext, number: number, name: PersonName): Promise<ConsoleReply> {
    const found = await findPerson(ctx.channel, name);
    if (found.kind === 'unsupported') return { text: texts.usernamesTelegramOnly() };
    // The task card can reach only someone who wrote to the bot privately; refuse now rather than
    // have the outbox report a failed delivery later.
    if (found.kind === 'unknown' || !found.person.privateChatAt) return { text: texts.unknownVolunteer(name, number) };
    const volunteer: Volunteer = {
      platform: found.person.platform,
      userId: found.person.userId,
      displayName: found.person.displayName ?? texts.fallbackName(found.person),
    };
    const outcome = await deps.lifecycle(number, ctx.by, ctx.channel, { type: 'assign', volunteer });
    return { text: outcome.kind === 'changed' ? texts.assigned(outcome.request) : texts.refused(outcome, number, 'assign') };
  }

  async function exportCsv(ctx: CommandContext, periodText: string, full: boolean): Promise<ConsoleReply> {
    if (!ctx.canSendDocuments) return { text: texts.exportTelegramOnly() };
    if (full && ctx.place !== 'private') return { text: texts.fullExportPrivateOnly() };
    const parsed = parsePeriod(periodText, deps.now(), deps.timeZone);
    if (!parsed.ok) return { text: texts.badPeriod('export', periodText, parsed.error) };
    const requests = await deps.requests.listCreatedBetween(parsed.period.from, parsed.period.to);
    const csv = toCsv(exportRows(requests, texts.exportLabels(), { full }));
    // Who took personal data out, and how much: an audit line without any of the data itself.
    deps.logger.info({ platform: ctx.channel, by: ctx.by.userId, rows: requests.length, full }, 'requests exported');
    return { text: texts.exportCaption(parsed.period, requests.length, full), document: { fileName: texts.exportFileName(parsed.period, full), content: csv } };
  }

  async function changeRole(ctx: CommandContext, change: 'grant' | 'revoke', name: PersonName): Promise<ConsoleReply> {
    const found = await findPerson(ctx.channel, name, { mustBeKnown: name.kind === 'username' });
    if (found.kind === 'unsupported') return { text: texts.usernamesTelegramOnly() };
    if (found.kind === 'unknown') return { text: texts.unknownPerson(name) };
    const person = { platform: found.person.platform, userId: found.person.userId };
    const label = texts.personLabel(found.person);
    const configured = deps.configuredCoordinators[person.platform].includes(person.userId);
    if (change === 'grant') {
      if (configured) return { text: texts.alreadyConfigured(label) };
      const granted = await deps.roles.grant(person, ctx.by, deps.now());
      if (!granted) return { text: texts.alreadyCoordinator(label) };
      deps.logger.info({ platform: person.platform, userId: person.userId, by: ctx.by.userId }, 'coordinator role granted');
      await announceRole(person, true);
      return { text: texts.granted(label) };
    }
    if (configured) return { text: texts.cannotRevokeConfigured(label, person.platform) };
    const revoked = await deps.roles.revoke(person);
    if (!revoked) return { text: texts.notCoordinatorAnyway(label) };
    deps.logger.info({ platform: person.platform, userId: person.userId, by: ctx.by.userId }, 'coordinator role revoked');
    // Also when they stay an operator: they sign in again, and the console shows what an operator may.
    await deps.endConsoleAccess(person);
    await announceRole(person, false);
    return { text: texts.revoked(label) };
  }

  /** Tells the platform about a changed role; a failure there must not undo the change, only be logged. */
  async function announceRole(person: PersonRef, isCoordinator: boolean): Promise<void> {
    try {
      await deps.roleChanged?.(person, isCoordinator);
    } catch (error) {
      deps.logger.warn({ platform: person.platform, userId: person.userId, err: error instanceof Error ? error.name : 'error' }, 'updating the command menu after a role change failed');
    }
  }

  /** Finds a person named in a command among the people the bot has seen on the coordinator's platform. */
  async function findPerson(
    platform: Platform,
    name: PersonName,
    options: { mustBeKnown?: boolean } = { mustBeKnown: true },
  ): Promise<{ kind: 'found'; person: KnownPerson } | { kind: 'unknown' } | { kind: 'unsupported' }> {
    if (name.kind === 'username') {
      if (platform !== 'telegram') return { kind: 'unsupported' };
      const person = await deps.people.findByUsername(platform, name.username);
      return person ? { kind: 'found', person } : { kind: 'unknown' };
    }
    const person = await deps.people.find({ platform, userId: name.userId });
    if (person) return { kind: 'found', person };
    // A role may go to an id the bot has not seen yet (a new coordinator who has not written yet).
    return options.mustBeKnown === false ? { kind: 'found', person: { platform, userId: name.userId, lastSeenAt: new Date(0) } } : { kind: 'unknown' };
  }

  return { command, press, run };
}

export type CoordinatorConsole = ReturnType<typeof createCoordinatorConsole>;

/** "telegram:900": a person as a map key. */
export function personKey(person: PersonRef): string {
  return `${person.platform}:${person.userId}`;
}
