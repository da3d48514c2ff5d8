import type { Period, PeriodError } from '../domain/calendar.js';
import type { HelpRequest, HistoryEvent, PersonRef, Platform, PublicRequestView } from '../domain/request.js';
import type { VettingDecision, VolunteerRecord, VolunteerStatus } from '../domain/volunteer.js';
import type { AnswerOutcome, RequesterWordsOutcome } from './request-conversation.js';
import type { PersonName } from './console/people-lookup.js';
import type { ExportLabels } from './request-export.js';
import type { RequestNewsTexts } from './request-effects.js';
import type { LifecycleOutcome } from './request-lifecycle.js';
import type { DistrictChat } from './ports.js';
import type { RequestStats } from './request-stats.js';

/**
 * The wording the services are handed. A service decides what to say (an outcome, a refusal, a
 * card); these ports put it in words. `src/messages/` implements them over the catalogs, and the
 * composition root passes them in, so the services import no text and the texts import the
 * services' outcome types only: one direction between the two layers.
 */

/**
 * The texts about a request that every channel shows the same way: the group post, the details a
 * volunteer gets, and what the requester is told (the news of a change, as request effects ask for
 * it). Adapters add only their buttons.
 */
export interface RequestTexts extends RequestNewsTexts {
  /** The volunteer-group post: number, district, category, age, kind of help, time; nothing personal. */
  groupPost(view: PublicRequestView, viaHeadquarters: boolean): string;
  /** The full request, for the volunteer who claimed it only. */
  volunteerDetails(request: HelpRequest): string;
  /** A task card once the request has left its reader's hands: why, and nothing personal. */
  withdrawnCard(request: HelpRequest): string;
  /**
   * Who filed it and how to reach them, when it was filed for someone else (a paragraph starting with
   * a blank line), or '' for the person's own request: part of every card that shows the contacts.
   */
  onBehalf(request: HelpRequest): string;
  /** A relation's label (son or daughter, neighbour, …), by its code in RELATIONS. */
  relation(code: string): string;
  /** Whom the volunteer calls first (the person, the applicant), by its code in CALL_FIRST. */
  callFirst(code: string): string;
  /** The answer to /my: the requester's requests with their status, or that there are none. */
  myRequests(requests: HelpRequest[]): string;
  category(code: string): string;
  helpKind(code: string): string;
  status(code: string): string;
  /** A date and time in the headquarters' time zone. */
  dateTime(at: Date): string;
  date(at: Date): string;
}

/** The private chat's and a group chat's answers that follow from a service's outcome. */
export interface ChatTexts {
  /** Why an action on a request did not happen; null when it did (the caller says what changed). */
  lifecycleRefusal(outcome: LifecycleOutcome, number: number): string | null;
  /** The answer to `/reply N text`: sent, or why not. */
  answerOutcome(outcome: AnswerOutcome): string;
  /** What a requester is told of their words: where they went. */
  requesterWords(outcome: RequesterWordsOutcome): string;
  /** The answer to /tasks: the volunteer's requests in hand, or that there are none. */
  tasks(requests: HelpRequest[]): string;
  /** A release reason's label, by its code in RELEASE_REASONS. */
  releaseReason(code: string): string;
  /** The answer to /bind: done, moved, or why not. Unexpected errors are rethrown. */
  bindReply(districts: readonly string[], input: string, result: { district: string; previousDistrict: string | null } | { error: unknown }): string;
  /** The answer to /unbind. Unexpected errors are rethrown. */
  unbindReply(result: { district: string | null } | { error: unknown }): string;
}

type ButtonKind = 'card' | 'previous' | 'next' | 'close' | 'cancel' | 'assign' | 'closeConfirmed' | 'eraseConfirmed';

/** One page of a list of requests, as the console found it. */
export interface ListView {
  kind: 'open' | 'overdue';
  district: string | undefined;
  total: number;
  page: number;
  pages: number;
  items: HelpRequest[];
  overdueAfterMs: number;
}

/**
 * Everything coordinators read: command syntax, lists, the request card with its history, outcomes
 * and refusals, statistics, export captions and the command menus. Plain text only: whatever people
 * typed is shown exactly, never parsed as markup. A command is named as the console names it; its
 * usage text is `coordinator.usage.<name>`.
 */
export interface CoordinatorTexts {
  notCoordinator(): string;
  wrongPlace(): string;
  staleButton(): string;
  usage(command: string): string;
  /**
   * /help: the commands the person may use, where they asked. A coordinator gets the console's
   * `commands` (in the console's order) with their syntax and then everything else they may type;
   * anyone else the commands of a private chat and of a volunteers' group, each with what it does.
   */
  help(who: { coordinator: boolean; place: 'private' | 'hq' | 'group' }, commands: readonly string[]): string;
  unknownDistrict(input: string, districts: readonly string[]): string;
  notFound(number: number): string;
  confirmErase(number: number): string;
  erased(number: number): string;
  /** Why a request's personal data cannot be erased now. */
  eraseRefused(why: 'open' | 'already_erased' | 'not_found', number: number): string;
  button(kind: ButtonKind, number?: number): string;
  /** The channel's name as people know it. */
  channel(code: string): string;
  duration(ms: number): string;
  /** One event of a request's history in words (the web console lists them one by one). */
  historyLine(request: HelpRequest, event: HistoryEvent, names: ReadonlyMap<string, string>, personal: boolean): string;
  list(view: ListView): string;
  /** The request card: everything in a coordinator's private chat, nothing personal elsewhere. */
  card(request: HelpRequest, options: { personal: boolean; names: ReadonlyMap<string, string> }): string;
  confirmClose(number: number): string;
  cancelHint(number: number): string;
  assignHint(number: number): string;
  closed(request: HelpRequest): string;
  cancelled(request: HelpRequest): string;
  assigned(request: HelpRequest): string;
  /** Why a command on a request did nothing, with what to type instead where that helps. */
  refused(outcome: Exclude<LifecycleOutcome, { kind: 'changed' }>, number: number, command: 'close' | 'cancel' | 'assign'): string;
  unknownVolunteer(name: PersonName, number: number): string;
  unknownPerson(name: PersonName): string;
  usernamesTelegramOnly(): string;
  /** The name an assignment shows when the bot knows none (a VK person whose profile it could not read). */
  fallbackName(person: PersonRef): string;
  /** "Иван Петров (@ivan), id 501", or "id 501" for someone the bot has not seen. */
  personLabel(person: PersonRef & { displayName?: string }): string;
  /** The answer to /grant, and whether the person was told (undefined: the console tells nobody). */
  granted(person: string, told?: boolean): string;
  /** What the person who got a role reads in their private chat. */
  roleNotice(role: 'coordinator' | 'operator'): string;
  alreadyCoordinator(person: string): string;
  alreadyConfigured(person: string): string;
  cannotRevokeConfigured(person: string, platform: Platform): string;
  revoked(person: string): string;
  notCoordinatorAnyway(person: string): string;
  badPeriod(command: 'stats' | 'export', input: string, error: PeriodError): string;
  stats(period: Period, stats: RequestStats): string;
  exportLabels(): ExportLabels;
  exportCaption(period: Period, count: number, full: boolean): string;
  /** ASCII only: some mail and messenger clients mangle other names of attachments. */
  exportFileName(period: Period, full: boolean): string;
  exportTelegramOnly(): string;
  fullExportPrivateOnly(): string;
  districts(districts: readonly string[], chats: readonly DistrictChat[]): string;
  /** The description of a command in Telegram's command menu. */
  menu(command: string): string;
}

/**
 * The words about volunteers' applications: the HQ chat's post (never the phone), what the applicant
 * is told of a decision, the console's lists and refusals.
 */
export interface VettingTexts {
  card(record: VolunteerRecord, personal: boolean): string;
  status(status: VolunteerStatus): string;
  skill(value: string): string;
  /** The HQ chat's post of a new application: many read that chat, so neither name nor phone. */
  applicationPost(record: VolunteerRecord): string;
  /** The labels of «Одобрить» and «Отклонить» under it. */
  approveLabel(): string;
  rejectLabel(): string;
  /** What the applicant reads of a decision. */
  decision(record: VolunteerRecord, decision: VettingDecision, reason: string | undefined): string;
  /** To a coordinator: what their decision did; the name only where personal data may be shown. */
  decided(record: VolunteerRecord, decision: VettingDecision, personal?: boolean): string;
  /** To a coordinator: the decision does not apply to the record as it is now. */
  notApplicable(record: VolunteerRecord, decision: VettingDecision): string;
  notFound(number: number): string;
  notCoordinator(): string;
  unknownDistrict(input: string, districts: readonly string[]): string;
  reasonNeeded(number: number, decision: VettingDecision): string;
  rejectHint(number: number): string;
  /** /volunteers: one line per record, with the total and how to see more. */
  list(items: readonly VolunteerRecord[], total: number, filter: { status?: VolunteerStatus; district?: string }, personal: boolean): string;
}

/** Draws the daily report's chart (each day's counts by status, bottom up) as a picture to send. */
export type ReportChartPainter = (columns: readonly (readonly number[])[]) => Buffer;
