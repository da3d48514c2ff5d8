import type { ChatButton } from './private-chat/reply.js';
import type { ApplicantDetails, VettingEvent, VolunteerRecord, VolunteerStatus } from '../domain/volunteer.js';
import type { Transition } from '../domain/lifecycle.js';
import type { RequesterMessageKind } from '../domain/night-policy.js';
import type {
  ClientKey,
  GroupPost,
  HelpRequest,
  HistoryEvent,
  PersonRef,
  Platform,
  PublicRequestView,
  RequestChannel,
  RequestDraft,
  Requester,
  RequestStatus,
  Volunteer,
} from '../domain/request.js';

/** What a new request is stored with besides the questionnaire. */
export interface NewRequest {
  draft: RequestDraft;
  channel: RequestChannel;
  /** Who filed it in a messenger; absent for a phone call or a partner line. */
  requester?: Requester;
  /** The operator who took it by phone. */
  takenBy?: PersonRef & { displayName: string };
  /** Said at the door by the volunteer who holds it (src/domain/code-word.ts); kept with the personal data. */
  codeWord?: string;
  at: Date;
}

/** Stored requests. Every change is one atomic single-document write. */
export interface RequestRepository {
  /** Stores a request under the next number, which is never handed out twice. */
  create(input: NewRequest): Promise<HelpRequest>;
  /**
   * Stores a request unless one of its channel already has this client key; then returns that one
   * (created: false), however many of the same arrive at once.
   */
  createOnce(input: NewRequest & { clientKey: ClientKey }): Promise<{ request: HelpRequest; created: boolean }>;
  findByNumber(number: number): Promise<HelpRequest | null>;
  /** Gives a new request to a volunteer; null when it is no longer new (somebody was faster). */
  claim(number: number, volunteer: Volunteer, at: Date): Promise<HelpRequest | null>;
  /** Takes a claim back from this volunteer (they cannot be written to); null if it is not theirs now. */
  undoClaim(number: number, volunteer: PersonRef, reason: string, at: Date): Promise<HelpRequest | null>;
  /**
   * Stores a transition the lifecycle rules allowed, provided the request still has the status and
   * volunteer the rules saw; null when it changed meanwhile (the caller decides again).
   */
  applyTransition(number: number, transition: Transition): Promise<HelpRequest | null>;
  /** Requests matching a board's filters, newest first, one page of them and how many there are. */
  search(query: RequestSearch): Promise<{ items: HelpRequest[]; total: number }>;
  /** Open requests (new or claimed), newest first, one page of them and how many there are. */
  listOpen(query: OpenRequestsQuery): Promise<{ items: HelpRequest[]; total: number }>;
  /** A volunteer's claimed requests, oldest claim first (what they still have to do). */
  listByVolunteer(volunteer: PersonRef, limit: number): Promise<HelpRequest[]>;
  /**
   * A request and, in the same read, what `volunteer` holds (as listByVolunteer): what a press of
   * «Взять заявку» checks before the claim, in one round trip.
   */
  findWithHeld(number: number, volunteer: PersonRef, limit: number): Promise<{ request: HelpRequest | null; held: HelpRequest[] }>;
  /**
   * How many claims a volunteer made at or after `since` and kept long enough to be sent the details
   * (a claim given back at once, `claim_undone`, does not count), whatever became of them later.
   */
  countClaimsSince(volunteer: PersonRef, since: Date): Promise<number>;
  /** Requests created in [from, to), oldest first, for statistics and export. */
  listCreatedBetween(from: Date, to: Date): Promise<HelpRequest[]>;
  /** Requests with anything recorded in [from, to): an event of their history, or a rating. */
  listTouchedBetween(from: Date, to: Date): Promise<HelpRequest[]>;
  /**
   * Notes that the requester cannot be written to in this chat (they blocked the bot), so follow-ups
   * stop asking them; nothing happens if the chat is not the request's requester's.
   */
  markRequesterUnreachable(number: number, chatId: string, at: Date): Promise<void>;
  /** Remembers where the request was posted, so the post can be edited later. */
  addPost(number: number, post: GroupPost, at: Date): Promise<void>;
  /**
   * Adds a `message` event (words between the requester and those who help them) and marks the
   * request for its news; null when there is no such request or its personal data is erased.
   */
  addMessage(number: number, event: HistoryEvent): Promise<HelpRequest | null>;
  /** The requester's own requests, newest first. */
  listByRequester(requester: PersonRef, limit: number): Promise<HelpRequest[]>;
  /** How many of a requester's requests are open (new or taken), and when they last filed one; for the abuse limits. */
  requesterActivity(requester: PersonRef): Promise<{ open: number; lastCreatedAt: Date | null }>;
  /**
   * Every state change above marks the request, in the same write, as having messages to send;
   * this clears the mark once they are in the outbox, unless the request changed again meanwhile.
   */
  clearEffectsMark(number: number, historyLength: number): Promise<void>;
  /** Marked requests last changed before `before`: their messages may have been lost to a crash. */
  listMarkedForEffects(before: Date, limit: number): Promise<HelpRequest[]>;
}

/** Words written with no request to attach them to: a question for the HQ, with who to answer. */
export interface Question {
  id: string;
  asker: Requester;
  /** What they wrote: personal data, forgotten on /forget and by the retention sweep. */
  text: string;
  at: Date;
  /** The HQ's answers, oldest first. */
  answers: { text: string; at: Date; by?: PersonRef }[];
}

/** The console's inbox of questions. */
export interface QuestionRepository {
  add(asker: Requester, text: string, at: Date): Promise<Question>;
  /** The newest questions first. */
  listNewest(limit: number): Promise<Question[]>;
  findById(id: string): Promise<Question | null>;
  /** Records an answer; null when the question is gone (forgotten meanwhile). */
  addAnswer(id: string, answer: { text: string; at: Date; by: PersonRef }): Promise<Question | null>;
  /** Forgets a person's questions (their /forget); returns how many. */
  forgetAsker(person: PersonRef): Promise<number>;
  /** Forgets questions asked before a time (the retention sweep); returns how many. */
  forgetAskedBefore(before: Date): Promise<number>;
}

/** What of a request's personal data someone was shown, and where. */
export type AccessKind =
  /** The volunteer's task card: name, address, phone, description. */
  | 'task_card'
  /** The requester's contact (name and phone), sent on «Контакт». */
  | 'contact'
  /** A coordinator's `/request` in their private chat with the bot. */
  | 'request_card'
  /** The web console's card of the request. */
  | 'console_card'
  /** A full CSV export that held the request. */
  | 'export';

/**
 * A message in someone's private chat that shows a request's personal data, so it can be withdrawn
 * when the request leaves their hands. `form`: a text the bot can edit, or a contact card it can only
 * delete.
 */
export interface ShownMessage {
  chatId: string;
  messageId: string;
  form: 'text' | 'contact_card';
  sentAt: Date;
}

/** One showing of a request's personal data: who saw it, when, through which channel, and what. */
export interface AccessRecord {
  id: string;
  requestNumber: number;
  viewer: PersonRef;
  channel: RequestChannel;
  kind: AccessKind;
  at: Date;
  /** The message that shows it, while it is in a private chat. */
  message?: ShownMessage;
  /** When that message was edited, deleted or (where neither is allowed any more) flagged to its reader. */
  withdrawnAt?: Date;
}

/** Who was shown what (no personal data of requesters is kept here, only who, when and which request). */
export interface AccessLog {
  record(entry: Omit<AccessRecord, 'id'>): Promise<AccessRecord>;
  /** Records many showings at once (the requests of one full export). */
  recordAll(entries: readonly Omit<AccessRecord, 'id'>[]): Promise<void>;
  /** A request's records, oldest first. */
  listForRequest(number: number): Promise<AccessRecord[]>;
  /** The messages of a request still showing its data in a viewer's chat (not withdrawn), oldest first. */
  listShowing(number: number, viewer: PersonRef): Promise<AccessRecord[]>;
  /** Notes that a record's message was withdrawn; false when it was already. */
  markWithdrawn(id: string, at: Date): Promise<boolean>;
}

/** One showing of an applicant's name and phone to a coordinator. */
export interface ApplicationView {
  volunteerNumber: number;
  viewer: PersonRef;
  channel: RequestChannel;
  at: Date;
}

/** Who was shown applicants' names and phones (no personal data is kept here, only who, when and which application). */
export interface ApplicationViewLog {
  recordAll(views: readonly ApplicationView[]): Promise<void>;
  /** An application's views, oldest first. */
  listFor(volunteerNumber: number): Promise<ApplicationView[]>;
}

/** An application as the questionnaire finished it. */
export interface VolunteerApplication {
  person: PersonRef;
  details: ApplicantDetails;
  districts: string[];
  skills: string[];
  at: Date;
}

/** Which volunteers to list: by status and by a district they serve, newest application first. */
export interface VolunteerQuery {
  status?: VolunteerStatus;
  district?: string;
  limit: number;
  offset?: number;
}

/**
 * Volunteers and their applications, one record per platform account. Every change of status is a
 * conditional update, so two coordinators pressing at once change it once.
 */
export interface VolunteerRoster {
  /**
   * Files an application: a new record numbered from the roster's own counter, or a fresh
   * application over a rejected one (keeping its number and history). A person who is pending,
   * approved or suspended keeps what they have: `existing` tells it and nothing changes.
   */
  apply(application: VolunteerApplication): Promise<{ record: VolunteerRecord } | { existing: VolunteerRecord }>;
  find(person: PersonRef): Promise<VolunteerRecord | null>;
  findByNumber(number: number): Promise<VolunteerRecord | null>;
  /**
   * Moves a record whose status is one of `from` to `event.status`, appending the event; null when
   * it is not in one of them (decided already, or no such number).
   */
  decide(number: number, from: readonly VolunteerStatus[], event: VettingEvent): Promise<VolunteerRecord | null>;
  list(query: VolunteerQuery): Promise<{ items: VolunteerRecord[]; total: number }>;
  /**
   * Records people as approved volunteers without an application (an HQ moving the volunteers it
   * already had); people with a record of any status are left as they are. Returns how many were added.
   */
  approveExisting(people: readonly PersonRef[], at: Date): Promise<number>;
  /** Erases a person's name and phone from their record (/forget); true when there were any. */
  forgetDetails(person: PersonRef): Promise<boolean>;
  /** Erases the name and phone of applications rejected before `cutoff` (retention); returns how many. */
  forgetRejectedBefore(cutoff: Date): Promise<number>;
}

/** Which open requests to list. */
export interface OpenRequestsQuery {
  district?: string;
  /** Only requests in this status (new: waiting for a volunteer). */
  status?: Extract<RequestStatus, 'new' | 'claimed'>;
  /** Only requests created before this time (overdue ones). */
  createdBefore?: Date;
  skip: number;
  limit: number;
}

/** The filters of the web console's request board; each one left out matches everything. */
export interface RequestSearch {
  statuses?: readonly RequestStatus[];
  district?: string;
  helpKind?: string;
  channel?: RequestChannel;
  /** Created at or after. */
  createdFrom?: Date;
  /** Created before. */
  createdTo?: Date;
  skip: number;
  limit: number;
}

/** A chat on some platform. */
export interface ChatRef {
  platform: Platform;
  chatId: string;
}

/** A volunteer chat bound to a district. */
export interface DistrictChat extends ChatRef {
  district: string;
  /** The chat's title as the platform showed it at /bind, where it did; coordinators know a group by it. */
  title?: string;
  /**
   * Set when the bot could no longer write there (removed from the group, its right to write taken):
   * the district's requests go to the HQ chat until a coordinator binds a chat again.
   */
  broken?: { at: Date; reason: string };
  /** When a post last reached the chat. */
  lastPostAt?: Date;
}

/** A chat's binding to a district: the key. */
export type DistrictChatBinding = Omit<DistrictChat, 'broken' | 'lastPostAt'>;

/** Which chat receives which district's requests. */
export interface DistrictChatRepository {
  /**
   * Binds a chat to a district (a title given replaces the stored one, a broken binding is whole
   * again); returns the district it was bound to before, if another.
   */
  bind(chat: DistrictChatBinding, by: PersonRef, at: Date): Promise<{ previousDistrict: string | null }>;
  /** Unbinds a chat; returns the district it served, or null if it served none. */
  unbind(platform: Platform, chatId: string): Promise<string | null>;
  /** The district's chats, broken ones included (with `broken` set). */
  chatsOf(district: string): Promise<DistrictChat[]>;
  /** Every binding, for the coordinators' /districts. */
  listAll(): Promise<DistrictChat[]>;
  /**
   * The chat has a new id (a group turned supergroup): its binding moves there. Returns the binding
   * as it is now, or null when no chat of that id was bound (or it was moved already).
   */
  move(platform: Platform, fromChatId: string, toChatId: string): Promise<DistrictChat | null>;
  /** Marks a binding broken; returns it, or null when the chat is not bound or was broken already. */
  markBroken(platform: Platform, chatId: string, reason: string, at: Date): Promise<DistrictChat | null>;
  /** Notes that a post reached the chat. */
  notePost(platform: Platform, chatId: string, at: Date): Promise<void>;
}

/**
 * Names one message for the platform, so that sending it again (a worker that died between the send
 * and its mark) is recognised by a platform that can (VK's random_id); Telegram has no such key.
 */
export interface SendOptions {
  deliveryKey?: string;
  /** Without a notification sound (quiet hours), where the platform can send so. */
  silent?: boolean;
}

/** A message with a request's personal data as the platform sent it. */
export interface SentDetails {
  messageId: string;
  form: ShownMessage['form'];
}

/** Sending to one platform; implemented by each bot adapter. */
export interface Messenger {
  readonly platform: Platform;
  /** Posts a request to a volunteer chat, with the claim button while it is new; returns the message id. */
  postRequest(chatId: string, view: PublicRequestView, viaHeadquarters: boolean, options?: SendOptions): Promise<string>;
  /** Brings a post up to date with the request: shows who took it and removes the button. */
  updatePost(post: GroupPost, view: PublicRequestView): Promise<void>;
  /** Sends a private message; throws RecipientUnreachableError when the person cannot be written to. */
  sendText(chatId: string, text: string, options?: SendOptions): Promise<void>;
  /**
   * Sends the volunteer holding a request its full details with their actions (done, cannot do,
   * contact); throws RecipientUnreachableError like sendText.
   */
  sendTaskCard(chatId: string, request: HelpRequest, options?: SendOptions & { note?: string }): Promise<SentDetails>;
  /** Sends the holder the requester's name and phone: a contact card that calls with one tap where the platform has them. */
  sendContact(chatId: string, request: HelpRequest, options?: SendOptions): Promise<SentDetails>;
  /**
   * Takes a request's personal data out of a message that showed it: a text is edited to the card
   * without them (saying why), a contact card deleted, as far as the platform still allows for a message of its
   * age; 'kept' when it allows neither any more (the caller then asks the reader to delete it).
   */
  withdrawShown(message: ShownMessage, request: HelpRequest, now: Date): Promise<'replaced' | 'deleted' | 'kept'>;
  /**
   * Sends a picture with a caption (the daily report's chart). Optional: a platform without it shows
   * the report as text only.
   */
  sendChart?(chatId: string, png: Uint8Array, caption: string, options?: SendOptions): Promise<void>;
  /** Sends a text with rows of buttons (an application in the HQ chat with the coordinators' decisions). */
  sendWithButtons(chatId: string, text: string, buttons: ChatButton[][], options?: SendOptions): Promise<void>;
  /** Asks a requester to rate a done request, with the rating buttons 1–5. */
  sendFeedbackRequest(chatId: string, requestNumber: number, text: string, options?: SendOptions): Promise<void>;
  /**
   * Reads an error of this platform that is worth another try: why it failed, and when the platform
   * asks to be written to again. A failure that will never succeed is not read here: the messenger
   * throws it as a PermanentDeliveryError (or RecipientUnreachableError) in the first place.
   */
  describeFailure(error: unknown): RetryableFailure;
  /** Whether a chat id is a group chat (volunteer groups have stricter limits than private chats). */
  isGroupChat(chatId: string): boolean;
}

/** The messengers by platform; a platform that is not configured is simply absent. */
export type Messengers = Partial<Record<Platform, Messenger>>;

/** The minimal logger the services need (pino fits). Never pass personal data to it. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Small JSON state by key (a bot's conversation state), kept across restarts. */
export interface KeyValueStore<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A message the outbox delivers. Posts and syncs render the request as it is at delivery time. */
export type OutboxMessage =
  /**
   * Post a request to a volunteer chat (with the claim button while it is new) and record the post.
   * `reminder`: posted once more below the reminder of a request still waiting, so its button is at
   * hand; only while the request is new.
   */
  | { kind: 'post'; platform: Platform; chatId: string; requestNumber: number; viaHeadquarters: boolean; round: number; reminder?: boolean }
  /** Bring the request's post of a round in a chat up to date (who took it, the button). Idempotent. */
  | { kind: 'sync'; platform: Platform; chatId: string; requestNumber: number; round: number }
  /** The details and actions for the volunteer a request was assigned to; sent only while they hold it. */
  | { kind: 'task'; platform: Platform; chatId: string; requestNumber: number; volunteerId: string; note?: string }
  /** Takes a request's details out of the private chat of a volunteer it has left (their card edited, the contact deleted). */
  | { kind: 'withdraw'; platform: Platform; chatId: string; requestNumber: number; viewerId: string }
  /** The requester is asked to rate a done request (`reminder`: the one gentle second asking). */
  | { kind: 'feedback'; platform: Platform; chatId: string; requestNumber: number; reminder: boolean }
  /** A stacked bar chart (each column's counts bottom up), drawn when sent, with its caption. */
  | { kind: 'chart'; platform: Platform; chatId: string; caption: string; columns: number[][] }
  /**
   * A plain text to a person or a chat, perhaps about a request. `toRequester`: it is news for the
   * requester, delivered as that row of the night policy says.
   */
  | { kind: 'text'; platform: Platform; chatId: string; text: string; requestNumber?: number; toRequester?: RequesterMessageKind }
  /** An application to volunteer for the HQ chat, with «Одобрить» / «Отклонить»; rendered when sent, and only while it waits for a decision. */
  | { kind: 'application'; platform: Platform; chatId: string; volunteerNumber: number };

/** An outbox entry as a worker holds it. */
export interface OutboxEntry {
  key: string;
  message: OutboxMessage;
  attempts: number;
}

/** Messages waiting to be delivered, shared by every process on the database. */
export interface Outbox {
  /**
   * Adds messages, due at `at` or at their own `notBefore` (a requester's news held through the
   * night); a key already present is left as it is, so enqueueing twice sends once.
   */
  enqueue(entries: { key: string; message: OutboxMessage; notBefore?: Date }[], at: Date): Promise<void>;
  /** Leases the next due message (not of the excluded chats) to this worker, or null. */
  lease(worker: string, now: Date, leaseMs: number, excludeChats: readonly string[]): Promise<OutboxEntry | null>;
  markSent(key: string, worker: string, at: Date): Promise<void>;
  /** Puts a leased message back, due at `notBefore`; `error` is recorded when it failed. */
  retryLater(key: string, worker: string, notBefore: Date, error?: string): Promise<void>;
  /** Gives up on a message for good (the chat is gone, the person blocked the bot). */
  markFailed(key: string, worker: string, reason: string, at: Date): Promise<void>;
  /** How many messages are waiting or failed, for health and tests. */
  counts(): Promise<{ pending: number; failed: number; sent: number }>;
}

/** Spacing of messages per chat, shared by every process, so no chat gets more than its platform allows. */
export interface ChatPacing {
  /** Takes the chat's next slot if it is due now; otherwise says when it will be. */
  reserve(chat: string, intervalMs: number, now: Date): Promise<{ ok: true } | { ok: false; nextAt: Date }>;
  /** Keeps a chat quiet until `until` (after the platform said "too many requests"). */
  holdUntil(chat: string, until: Date): Promise<void>;
}

/** Why a delivery failed that may succeed later, as the platform's adapter reads its error. */
export interface RetryableFailure {
  reason: string;
  /** The platform asked this chat (or the bot) to wait this long. */
  retryAfterMs?: number;
}

/** Someone the bot has seen: they pressed a button or wrote to it. Never a phone. */
export interface KnownPerson extends PersonRef {
  /** Telegram @username without the @, spelled as they spell it. */
  username?: string;
  /** The public name others see (a volunteer's name on a post). */
  displayName?: string;
  lastSeenAt: Date;
  /** When they last wrote to the bot privately; a bot may write only to people who did. */
  privateChatAt?: Date;
}

/** What one update showed of a person; username null: they have none (any old one is forgotten). */
export interface PersonSighting {
  person: PersonRef;
  username?: string | null;
  displayName?: string;
  privately: boolean;
  at: Date;
}

/** People the bot has seen, so coordinators can name a volunteer by @username or id. */
export interface PeopleRepository {
  /** Records a sighting; returns the entry as it was before, or null for someone new. */
  record(sighting: PersonSighting): Promise<KnownPerson | null>;
  find(person: PersonRef): Promise<KnownPerson | null>;
  /** The person last seen with this username (case does not matter), or null. */
  findByUsername(platform: Platform, username: string): Promise<KnownPerson | null>;
  findMany(people: readonly PersonRef[]): Promise<KnownPerson[]>;
}

/** The roles a person may be granted; coordinators do everything, operators take and view requests in the web console. */
export type GrantedRole = 'coordinator' | 'operator';

/** Roles granted by command or in the web console; those from the configuration are not stored. */
export interface RoleRepository {
  /** Grants a role (coordinator unless named); false when the person had it already. */
  grant(person: PersonRef, by: PersonRef, at: Date, role?: GrantedRole): Promise<boolean>;
  /** Takes a role back (coordinator unless named); false when the person did not have it. */
  revoke(person: PersonRef, role?: GrantedRole): Promise<boolean>;
  isCoordinator(person: PersonRef): Promise<boolean>;
  /** Whether the person was granted this role. */
  hasRole(person: PersonRef, role: GrantedRole): Promise<boolean>;
  /** Everyone granted the coordinator role on a platform. */
  listCoordinators(platform: Platform): Promise<PersonRef[]>;
  /** Everyone granted a role, on every platform, earliest grant first. */
  listGranted(role: GrantedRole): Promise<(PersonRef & { grantedAt: Date })[]>;
}

/** A person signed in to the web console; the role is looked up again on every request, not stored. */
export interface ConsoleSession {
  person: PersonRef;
  /** The name the console shows and records (as operator of a phone request). */
  displayName: string;
  /** The token every form of this session carries, so no other site can post in its name. */
  csrfToken: string;
  expiresAt: Date;
  /** Where the scenario preview of this session stands (the engine's plain JSON), if one runs. */
  preview?: unknown;
}

/** Web console sign-ins and sessions, by the hashes of their secrets (the secrets are never stored). */
export interface ConsoleSessionStore {
  /** Keeps a one-time sign-in token for a person until it expires. */
  saveLoginToken(tokenHash: string, login: { person: PersonRef; displayName: string; expiresAt: Date }): Promise<void>;
  /** Uses a sign-in token: who it was for, once and before it expires; null otherwise (atomic). */
  consumeLoginToken(tokenHash: string, now: Date): Promise<{ person: PersonRef; displayName: string } | null>;
  create(sessionHash: string, session: ConsoleSession): Promise<void>;
  /** A session that has not expired, or null. */
  find(sessionHash: string, now: Date): Promise<ConsoleSession | null>;
  savePreview(sessionHash: string, preview: unknown): Promise<void>;
  delete(sessionHash: string): Promise<void>;
  /** Ends every session of a person and drops their unused sign-in links; returns how many sessions ended. */
  deleteAllOf(person: PersonRef): Promise<number>;
}
