import { ageBand } from '../../src/domain/age-band.js';
import { RecipientUnreachableError } from '../../src/domain/errors.js';
import { CLAIMABLE_STATUS, claimsKept, isClosed, type Transition } from '../../src/domain/lifecycle.js';
import type {
  ClientKey,
  GroupPost,
  HelpRequest,
  HistoryEvent,
  PersonRef,
  Platform,
  PublicRequestView,
  RequestDraft,
  RequestStatus,
  Volunteer,
} from '../../src/domain/request.js';
import type {
  AccessLog,
  AccessRecord,
  ChatPacing,
  SentDetails,
  ShownMessage,
  RetryableFailure,
  Outbox,
  OutboxEntry,
  OutboxMessage,
  DistrictChat,
  DistrictChatBinding,
  DistrictChatRepository,
  GrantedRole,
  KnownPerson,
  Logger,
  Messenger,
  NewRequest,
  OpenRequestsQuery,
  PeopleRepository,
  PersonSighting,
  RequestRepository,
  RequestSearch,
  RoleRepository,
  SendOptions,
  ApplicationView,
  ApplicationViewLog,
  VolunteerApplication,
  VolunteerQuery,
  VolunteerRoster,
} from '../../src/services/ports.js';
import type { VettingEvent, VolunteerRecord, VolunteerStatus } from '../../src/domain/volunteer.js';
import type { RetentionStore } from '../../src/services/retention.js';
import type { ChatButton } from '../../src/services/private-chat/reply.js';

// In-memory fakes of the service ports. Every method changes state synchronously between awaits, so
// each call is atomic exactly like one findOneAndUpdate; results are deep copies so a caller can never
// change what is "stored" by mutating what it got back (the Mongo repository returns plain objects too).

const copy = <T>(value: T): T => structuredClone(value);

/** A claim's time; the first claim time is the earliest claim's, whatever order claims are stored in (MongoDB's $min). */
function noteClaimTime(request: HelpRequest, at: Date): void {
  request.claimedAt = at;
  if (!request.firstClaimedAt || at < request.firstClaimedAt) request.firstClaimedAt = at;
}

/** A RequestRepository in memory, with the same semantics as the MongoDB one. */
export class FakeRequestRepository implements RequestRepository {
  private readonly byNumber = new Map<number, HelpRequest>();
  /** Requests whose messages are not yet in the outbox, with when they last changed. */
  readonly marked = new Map<number, Date>();
  private seq = 0;

  async create(input: NewRequest): Promise<HelpRequest> {
    return copy(this.store(input));
  }

  async createOnce(input: NewRequest & { clientKey: ClientKey }): Promise<{ request: HelpRequest; created: boolean }> {
    const existing = [...this.byNumber.values()].find((r) => r.channel === input.channel && r.clientKey?.key === input.clientKey.key);
    if (existing) return { request: copy(existing), created: false };
    // Stored with its key before anything is awaited, so an equal submission arriving meanwhile finds it.
    return { request: copy(this.store(input, input.clientKey)), created: true };
  }

  private store({ draft, channel, requester, takenBy, codeWord, at }: NewRequest, clientKey?: ClientKey): HelpRequest {
    const number = ++this.seq;
    const actor = requester ?? takenBy;
    const request: HelpRequest = {
      id: `fake-${number}`,
      number,
      status: 'new',
      channel,
      ...(requester ? { requester: { ...requester } } : {}),
      ...(takenBy ? { takenBy: { ...takenBy } } : {}),
      ...(clientKey ? { clientKey: { ...clientKey } } : {}),
      category: draft.category,
      age: draft.age,
      ageBand: ageBand(draft.age),
      district: draft.district,
      helpKind: draft.helpKind,
      extra: { ...draft.extra },
      personal: { ...draft.personal },
      ...(draft.onBehalf ? { onBehalf: { ...draft.onBehalf } } : {}),
      ...(codeWord ? { codeWord } : {}),
      consentAt: at,
      round: 0,
      announcedUpTo: 0,
      posts: [],
      history: [{ type: 'created', at, ...(actor ? { actor: { platform: actor.platform, userId: actor.userId } } : {}), channel }],
      createdAt: at,
    };
    this.byNumber.set(number, request);
    this.marked.set(number, at);
    return request;
  }

  async search(query: RequestSearch): Promise<{ items: HelpRequest[]; total: number }> {
    const found = [...this.byNumber.values()]
      .filter(
        (r) =>
          (!query.statuses || query.statuses.includes(r.status)) &&
          (!query.district || r.district === query.district) &&
          (!query.helpKind || r.helpKind === query.helpKind) &&
          (!query.channel || r.channel === query.channel) &&
          (!query.createdFrom || r.createdAt >= query.createdFrom) &&
          (!query.createdTo || r.createdAt < query.createdTo),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.number - a.number);
    return { items: found.slice(query.skip, query.skip + query.limit).map(copy), total: found.length };
  }

  async findByNumber(number: number): Promise<HelpRequest | null> {
    const found = this.byNumber.get(number);
    return found ? copy(found) : null;
  }

  async claim(number: number, volunteer: Volunteer, at: Date): Promise<HelpRequest | null> {
    const request = this.byNumber.get(number);
    if (!request || request.status !== CLAIMABLE_STATUS) return null;
    request.status = 'claimed';
    request.volunteer = { ...volunteer };
    noteClaimTime(request, at);
    request.history.push({
      type: 'claimed',
      at,
      actor: { platform: volunteer.platform, userId: volunteer.userId },
      channel: volunteer.platform,
      volunteer: { ...volunteer },
    });
    this.marked.set(number, at);
    return copy(request);
  }

  async applyTransition(number: number, transition: Transition): Promise<HelpRequest | null> {
    const request = this.byNumber.get(number);
    const { expected, event } = transition;
    const holder = request?.volunteer;
    const holderMatches = expected.volunteer ? holder?.platform === expected.volunteer.platform && holder.userId === expected.volunteer.userId : !holder;
    if (!request || request.status !== expected.status || !holderMatches) return null;
    request.status = transition.status;
    if (transition.volunteer) request.volunteer = { ...transition.volunteer };
    else {
      delete request.volunteer;
      delete request.claimedAt;
    }
    if (transition.status === 'claimed') noteClaimTime(request, event.at);
    if (isClosed(transition.status) && !isClosed(expected.status)) request.closedAt = event.at;
    if (transition.repost) request.round++;
    request.history.push(copy(event));
    this.marked.set(number, event.at);
    return copy(request);
  }

  async listOpen({ district, status, createdBefore, skip, limit }: OpenRequestsQuery): Promise<{ items: HelpRequest[]; total: number }> {
    const matching = [...this.byNumber.values()]
      .filter((r) => (status ? r.status === status : r.status === 'new' || r.status === 'claimed'))
      .filter((r) => !district || r.district === district)
      .filter((r) => !createdBefore || r.createdAt < createdBefore)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.number - a.number);
    return { items: matching.slice(skip, skip + limit).map(copy), total: matching.length };
  }

  async countClaimsSince(volunteer: PersonRef, since: Date): Promise<number> {
    return [...this.byNumber.values()].reduce((sum, r) => sum + claimsKept(r.history, volunteer, since), 0);
  }

  async findWithHeld(number: number, volunteer: PersonRef, limit: number): Promise<{ request: HelpRequest | null; held: HelpRequest[] }> {
    return { request: await this.findByNumber(number), held: await this.listByVolunteer(volunteer, limit) };
  }

  async listByVolunteer(volunteer: PersonRef, limit: number): Promise<HelpRequest[]> {
    return [...this.byNumber.values()]
      .filter((r) => r.status === 'claimed' && r.volunteer?.platform === volunteer.platform && r.volunteer.userId === volunteer.userId)
      .sort((a, b) => a.claimedAt!.getTime() - b.claimedAt!.getTime() || a.number - b.number)
      .slice(0, limit)
      .map(copy);
  }

  async listTouchedBetween(from: Date, to: Date): Promise<HelpRequest[]> {
    const within = (at: Date) => at >= from && at < to;
    return [...this.byNumber.values()]
      .filter((r) => r.history.some((e) => within(e.at)) || (r.feedback && within(r.feedback.at)))
      .sort((a, b) => a.number - b.number)
      .map(copy);
  }

  /** Records a rating, for tests of what reads it. */
  setFeedback(number: number, feedback: NonNullable<HelpRequest['feedback']>): void {
    const request = this.byNumber.get(number);
    if (!request) throw new Error(`no request ${number}`);
    request.feedback = copy(feedback);
  }

  async listCreatedBetween(from: Date, to: Date): Promise<HelpRequest[]> {
    return [...this.byNumber.values()]
      .filter((r) => r.createdAt >= from && r.createdAt < to)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copy);
  }

  async undoClaim(number: number, volunteer: PersonRef, reason: string, at: Date): Promise<HelpRequest | null> {
    const request = this.byNumber.get(number);
    if (request?.status !== 'claimed' || request.volunteer?.platform !== volunteer.platform || request.volunteer.userId !== volunteer.userId) {
      return null;
    }
    request.status = CLAIMABLE_STATUS;
    delete request.volunteer;
    delete request.claimedAt;
    request.history.push({
      type: 'claim_undone',
      at,
      actor: { platform: volunteer.platform, userId: volunteer.userId },
      channel: volunteer.platform,
      note: reason,
    });
    this.marked.set(number, at);
    return copy(request);
  }

  async markRequesterUnreachable(number: number, chatId: string, at: Date): Promise<void> {
    const request = this.byNumber.get(number);
    if (request?.requester?.chatId === chatId) request.requesterUnreachableAt ??= at;
  }

  async addPost(number: number, post: GroupPost, at: Date): Promise<void> {
    const request = this.byNumber.get(number);
    if (!request) return;
    request.posts.push({ ...post });
    request.history.push({ type: 'posted', at, channel: post.platform, note: post.viaHeadquarters ? 'headquarters' : 'district' });
  }

  async addMessage(number: number, event: HistoryEvent): Promise<HelpRequest | null> {
    const request = this.byNumber.get(number);
    if (!request || request.personalErasedAt) return null;
    request.history.push(copy(event));
    this.marked.set(number, event.at);
    return copy(request);
  }

  async clearEffectsMark(number: number, historyLength: number): Promise<void> {
    const request = this.byNumber.get(number);
    if (!request) return;
    request.announcedUpTo = Math.max(request.announcedUpTo, historyLength);
    if (request.history.length === historyLength) this.marked.delete(number);
  }

  async listMarkedForEffects(before: Date, limit: number): Promise<HelpRequest[]> {
    return (
      [...this.marked.entries()]
        .filter(([, at]) => at <= before)
        // Least recently changed first, as MongoDB sorts by updatedAt; a map keeps a re-marked request in its first place.
        .sort(([, a], [, b]) => a.getTime() - b.getTime())
        .slice(0, limit)
        .map(([number]) => copy(this.byNumber.get(number)!))
    );
  }

  async listByRequester(requester: PersonRef, limit: number): Promise<HelpRequest[]> {
    return (
      [...this.byNumber.values()]
        .filter((r) => r.requester?.platform === requester.platform && r.requester.userId === requester.userId)
        // Newest first; the number breaks ties of equal timestamps the way insertion order would.
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.number - a.number)
        .slice(0, limit)
        .map(copy)
    );
  }

  async requesterActivity(requester: PersonRef): Promise<{ open: number; lastCreatedAt: Date | null }> {
    const mine = [...this.byNumber.values()].filter((r) => r.requester?.platform === requester.platform && r.requester.userId === requester.userId);
    const latest = mine.reduce<Date | null>((at, r) => (at === null || r.createdAt > at ? r.createdAt : at), null);
    return { open: mine.filter((r) => r.status === 'new' || r.status === 'claimed').length, lastCreatedAt: latest };
  }

  /**
   * Erases the personal data of closed, not yet erased requests, as the MongoDB retention store does
   * (RetentionStore.erase); returns the numbers erased.
   */
  erasePersonal(numbers: readonly number[], at: Date): number[] {
    const erased: number[] = [];
    for (const number of numbers) {
      const request = this.byNumber.get(number);
      // Erased by an earlier version (the exact age still there): erased again, completely.
      if (!request || (request.personalErasedAt && request.age === undefined) || !isClosed(request.status)) continue;
      const requester = request.requester;
      const theirs = (e: HelpRequest['history'][number]) => !!requester && e.actor?.platform === requester.platform && e.actor.userId === requester.userId;
      request.history = request.history.map(({ comment: _erased, ...event }) => {
        if (!theirs(event)) return event;
        const { actor: _id, ...anonymous } = event;
        return { ...anonymous, note: anonymous.note ?? 'by_requester' };
      });
      request.personal = { name: '', address: '', phone: '', description: '' };
      delete request.codeWord;
      request.extra = {};
      delete request.requester;
      delete request.age;
      if (request.feedback) delete request.feedback.comment;
      request.personalErasedAt = at;
      erased.push(number);
    }
    return erased;
  }

  /** Every stored request, for assertions. */
  all(): HelpRequest[] {
    return [...this.byNumber.values()].map(copy);
  }

  /** Forces a status, for states no service reaches yet (done, cancelled). */
  setStatus(number: number, status: RequestStatus): void {
    const request = this.byNumber.get(number);
    if (!request) throw new Error(`no request ${number}`);
    request.status = status;
  }
}

/** District bindings in memory, one entry per chat like the MongoDB repository. */
export class FakeDistrictChatRepository implements DistrictChatRepository {
  private readonly byChat = new Map<string, DistrictChat>();

  async bind(chat: DistrictChatBinding): Promise<{ previousDistrict: string | null }> {
    const key = `${chat.platform}:${chat.chatId}`;
    const before = this.byChat.get(key);
    // A binding without a title keeps the one stored, as the MongoDB repository's $set does; binding
    // again mends a broken one.
    const { broken: _mended, ...kept } = before ?? ({} as Partial<DistrictChat>);
    this.byChat.set(key, { ...kept, ...(before?.title ? { title: before.title } : {}), ...chat });
    return { previousDistrict: before?.district ?? null };
  }

  async move(platform: Platform, fromChatId: string, toChatId: string): Promise<DistrictChat | null> {
    const from = this.byChat.get(`${platform}:${fromChatId}`);
    this.byChat.delete(`${platform}:${fromChatId}`);
    if (!from || this.byChat.has(`${platform}:${toChatId}`)) return null;
    const moved = { ...from, chatId: toChatId };
    this.byChat.set(`${platform}:${toChatId}`, moved);
    return { ...moved };
  }

  async markBroken(platform: Platform, chatId: string, reason: string, at: Date): Promise<DistrictChat | null> {
    const chat = this.byChat.get(`${platform}:${chatId}`);
    if (!chat || chat.broken) return null;
    chat.broken = { at, reason };
    return { ...chat };
  }

  async notePost(platform: Platform, chatId: string, at: Date): Promise<void> {
    const chat = this.byChat.get(`${platform}:${chatId}`);
    if (chat && !(chat.lastPostAt && chat.lastPostAt >= at)) chat.lastPostAt = at;
  }

  async unbind(platform: Platform, chatId: string): Promise<string | null> {
    const key = `${platform}:${chatId}`;
    const before = this.byChat.get(key);
    this.byChat.delete(key);
    return before?.district ?? null;
  }

  async chatsOf(district: string): Promise<DistrictChat[]> {
    return [...this.byChat.values()].filter((c) => c.district === district).map((c) => ({ ...c }));
  }

  /** By district, then platform, then chat id, compared as MongoDB compares strings (code unit by code unit). */
  async listAll(): Promise<DistrictChat[]> {
    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return this.all().sort((a, b) => byText(a.district, b.district) || byText(a.platform, b.platform) || byText(a.chatId, b.chatId));
  }

  /** Every binding in the order bound, for assertions. */
  all(): DistrictChat[] {
    return [...this.byChat.values()].map((c) => ({ ...c }));
  }
}

export type MessengerCall =
  | { method: 'postRequest'; chatId: string; view: PublicRequestView; viaHeadquarters: boolean; messageId: string }
  | { method: 'updatePost'; post: GroupPost; view: PublicRequestView }
  | { method: 'sendText'; chatId: string; text: string; silent?: true }
  | { method: 'sendTaskCard'; chatId: string; request: HelpRequest; messageId: string }
  | { method: 'sendContact'; chatId: string; request: HelpRequest; messageId: string }
  | { method: 'withdrawShown'; message: ShownMessage; requestNumber: number; outcome: 'replaced' | 'deleted' | 'kept' }
  | { method: 'sendFeedbackRequest'; chatId: string; requestNumber: number; text: string; silent?: true }
  | { method: 'sendWithButtons'; chatId: string; text: string; buttons: ChatButton[][] };

/**
 * A Messenger that records every call. `unreachable` chat ids make sendText throw
 * RecipientUnreachableError (a person who never started the bot); `failing` chat ids make any
 * method addressed to them throw the given error (a network failure, a deleted group).
 */
export class RecordingMessenger implements Messenger {
  readonly calls: MessengerCall[] = [];
  readonly unreachable = new Set<string>();
  readonly failing = new Map<string, Error>();
  private nextMessageId = 100;

  constructor(readonly platform: Platform) {}

  async postRequest(chatId: string, view: PublicRequestView, viaHeadquarters: boolean): Promise<string> {
    this.throwIfFailing(chatId);
    const messageId = String(this.nextMessageId++);
    this.calls.push({ method: 'postRequest', chatId, view: copy(view), viaHeadquarters, messageId });
    return messageId;
  }

  async updatePost(post: GroupPost, view: PublicRequestView): Promise<void> {
    this.throwIfFailing(post.chatId);
    this.calls.push({ method: 'updatePost', post: { ...post }, view: copy(view) });
  }

  async sendText(chatId: string, text: string, options?: SendOptions): Promise<void> {
    if (this.unreachable.has(chatId)) throw new RecipientUnreachableError(this.platform, 'bot was blocked by the user');
    this.throwIfFailing(chatId);
    this.calls.push({ method: 'sendText', chatId, text, ...(options?.silent ? { silent: true as const } : {}) });
  }

  async sendTaskCard(chatId: string, request: HelpRequest): Promise<SentDetails> {
    if (this.unreachable.has(chatId)) throw new RecipientUnreachableError(this.platform, 'bot was blocked by the user');
    this.throwIfFailing(chatId);
    const messageId = String(this.nextMessageId++);
    this.calls.push({ method: 'sendTaskCard', chatId, request: copy(request), messageId });
    return { messageId, form: 'text' };
  }

  async sendContact(chatId: string, request: HelpRequest): Promise<SentDetails> {
    if (this.unreachable.has(chatId)) throw new RecipientUnreachableError(this.platform, 'bot was blocked by the user');
    this.throwIfFailing(chatId);
    const messageId = String(this.nextMessageId++);
    this.calls.push({ method: 'sendContact', chatId, request: copy(request), messageId });
    return { messageId, form: 'contact_card' };
  }

  /** What withdrawShown answers: set 'kept' to play a platform past its edit and delete limits. */
  withdrawOutcome: 'replaced' | 'deleted' | 'kept' | undefined;

  async withdrawShown(message: ShownMessage, request: HelpRequest): Promise<'replaced' | 'deleted' | 'kept'> {
    this.throwIfFailing(message.chatId);
    const outcome = this.withdrawOutcome ?? (message.form === 'text' ? 'replaced' : 'deleted');
    this.calls.push({ method: 'withdrawShown', message: { ...message }, requestNumber: request.number, outcome });
    return outcome;
  }

  async sendWithButtons(chatId: string, text: string, buttons: ChatButton[][]): Promise<void> {
    if (this.unreachable.has(chatId)) throw new RecipientUnreachableError(this.platform, 'bot was blocked by the user');
    this.throwIfFailing(chatId);
    this.calls.push({ method: 'sendWithButtons', chatId, text, buttons: copy(buttons) });
  }

  async sendFeedbackRequest(chatId: string, requestNumber: number, text: string, options?: SendOptions): Promise<void> {
    if (this.unreachable.has(chatId)) throw new RecipientUnreachableError(this.platform, 'bot was blocked by the user');
    this.throwIfFailing(chatId);
    this.calls.push({ method: 'sendFeedbackRequest', chatId, requestNumber, text, ...(options?.silent ? { silent: true as const } : {}) });
  }

  /** A PermanentDeliveryError (a deleted group) is never retried; any other error is, and reads as its message. */
  describeFailure(error: unknown): RetryableFailure {
    return { reason: error instanceof Error ? error.message : String(error) };
  }

  isGroupChat(chatId: string): boolean {
    return chatId.startsWith('-') || Number(chatId) >= 2_000_000_000;
  }

  posts() {
    return this.calls.filter((c): c is Extract<MessengerCall, { method: 'postRequest' }> => c.method === 'postRequest');
  }

  updates() {
    return this.calls.filter((c): c is Extract<MessengerCall, { method: 'updatePost' }> => c.method === 'updatePost');
  }

  /** Task cards (a request's details with the volunteer's buttons) as sent. */
  cards() {
    return this.calls.filter((c): c is Extract<MessengerCall, { method: 'sendTaskCard' }> => c.method === 'sendTaskCard');
  }

  texts() {
    return this.calls.filter((c): c is Extract<MessengerCall, { method: 'sendText' }> => c.method === 'sendText');
  }

  /** Messages with a request's details taken back (edited or deleted). */
  withdrawals() {
    return this.calls.filter((c): c is Extract<MessengerCall, { method: 'withdrawShown' }> => c.method === 'withdrawShown');
  }

  private throwIfFailing(chatId: string): void {
    const error = this.failing.get(chatId);
    if (error) throw error;
  }
}

/** The access log in memory. */
export class FakeAccessLog implements AccessLog {
  readonly records: AccessRecord[] = [];
  private nextId = 1;

  async record(entry: Omit<AccessRecord, 'id'>): Promise<AccessRecord> {
    const record = structuredClone({ id: String(this.nextId++), ...entry });
    this.records.push(record);
    return structuredClone(record);
  }

  async recordAll(entries: readonly Omit<AccessRecord, 'id'>[]): Promise<void> {
    for (const entry of entries) await this.record(entry);
  }

  async listForRequest(number: number): Promise<AccessRecord[]> {
    return structuredClone(this.ordered().filter((r) => r.requestNumber === number));
  }

  async listShowing(number: number, viewer: PersonRef): Promise<AccessRecord[]> {
    const showing = this.ordered().filter(
      (r) => r.requestNumber === number && r.viewer.platform === viewer.platform && r.viewer.userId === viewer.userId && r.message && !r.withdrawnAt,
    );
    return structuredClone(showing);
  }

  async markWithdrawn(id: string, at: Date): Promise<boolean> {
    const record = this.records.find((r) => r.id === id);
    if (!record || record.withdrawnAt) return false;
    record.withdrawnAt = at;
    return true;
  }

  private ordered(): AccessRecord[] {
    return [...this.records].sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.id) - Number(b.id));
  }
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

/** A Logger that keeps everything, so tests can check what was (and was not) logged. */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  info(obj: object, msg?: string): void {
    this.entries.push({ level: 'info', obj, ...(msg === undefined ? {} : { msg }) });
  }

  warn(obj: object, msg?: string): void {
    this.entries.push({ level: 'warn', obj, ...(msg === undefined ? {} : { msg }) });
  }

  error(obj: object, msg?: string): void {
    this.entries.push({ level: 'error', obj, ...(msg === undefined ? {} : { msg }) });
  }

  at(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((e) => e.level === level);
  }

  /**
   * Everything logged as one string, errors included with their message and stack (pino would print
   * those too), so a search for a phone number finds it wherever it hides.
   */
  serialized(): string {
    return this.entries
      .map((e) =>
        JSON.stringify({ ...e }, (_key, value: unknown) =>
          value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value,
        ),
      )
      .join('\n');
  }
}

/** A valid draft whose personal strings are easy to search for in logs and posts. */
export function makeDraft(overrides: Partial<RequestDraft> = {}): RequestDraft {
  return {
    category: 'pensioner',
    age: 82,
    district: 'Ленинский',
    helpKind: 'medicine',
    extra: { prescription: 'has_prescription' },
    personal: {
      name: 'Антонина Петровна Сидорова',
      address: 'ул. Тестовая, д. 7, кв. 13',
      phone: '+79131234567',
      description: 'Купить лекарства по рецепту в аптеке у дома',
    },
    consentGiven: true,
    ...overrides,
  };
}

/** A stored request as the repositories return it, from makeDraft's answers; for pure functions' tests. */
export function makeRequest(overrides: Partial<HelpRequest> = {}): HelpRequest {
  const draft = makeDraft();
  const at = new Date('2025-03-01T09:00:00Z');
  return {
    id: 'x',
    number: 7,
    status: 'new',
    channel: 'telegram',
    requester: { platform: 'telegram', userId: '5', chatId: '5' },
    category: draft.category,
    age: draft.age,
    ageBand: ageBand(draft.age),
    district: draft.district,
    helpKind: draft.helpKind,
    extra: draft.extra,
    personal: draft.personal,
    consentAt: at,
    round: 0,
    announcedUpTo: 0,
    posts: [],
    history: [],
    createdAt: at,
    ...overrides,
  };
}

/** The personal strings of a draft, for "never shown / never logged" assertions. */
export function personalStrings(draft: RequestDraft): string[] {
  const { name, address, phone, description, applicant } = draft.personal;
  // The phone is also searched for without +7, as a log line might carry it reformatted.
  const own = [name, address, phone, phone.slice(2), description];
  return applicant ? [...own, applicant.name, applicant.phone, applicant.phone.slice(2)] : own;
}

/** A clock that moves one second per call, so events have distinct, ordered times. */
export function steppingClock(start = new Date('2025-03-01T09:00:00Z')): () => Date {
  let t = start.getTime();
  return () => {
    t += 1000;
    return new Date(t);
  };
}

/** Which of the draft's personal strings occur in a text; tests expect none where nothing personal belongs. */
export function leakedPersonalStrings(text: string, draft: RequestDraft): string[] {
  return personalStrings(draft).filter((s) => text.includes(s));
}

interface FakeOutboxRecord {
  key: string;
  message: OutboxMessage;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  notBefore: Date;
  leaseOwner?: string;
  leaseUntil?: Date;
  lastError?: string;
}

/** An Outbox in memory with the MongoDB one's semantics (enqueue keeps existing keys; leases are exclusive). */
export class FakeOutbox implements Outbox {
  readonly records = new Map<string, FakeOutboxRecord>();

  async enqueue(entries: { key: string; message: OutboxMessage; notBefore?: Date }[], at: Date): Promise<void> {
    for (const { key, message, notBefore } of entries) {
      if (!this.records.has(key)) this.records.set(key, { key, message: copy(message), status: 'pending', attempts: 0, notBefore: notBefore ?? at });
    }
  }

  async lease(worker: string, now: Date, leaseMs: number, excludeChats: readonly string[]): Promise<OutboxEntry | null> {
    const due = [...this.records.values()]
      .filter((r) => (r.status === 'pending' && r.notBefore <= now) || (r.status === 'sending' && r.leaseUntil! <= now))
      .filter((r) => !excludeChats.includes(`${r.message.platform}:${r.message.chatId}`))
      .sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime());
    const record = due[0];
    if (!record) return null;
    Object.assign(record, { status: 'sending', leaseOwner: worker, leaseUntil: new Date(now.getTime() + leaseMs), attempts: record.attempts + 1 });
    return { key: record.key, message: copy(record.message), attempts: record.attempts };
  }

  async markSent(key: string, worker: string): Promise<void> {
    this.settle(key, worker, { status: 'sent' });
  }

  async retryLater(key: string, worker: string, notBefore: Date, error?: string): Promise<void> {
    this.settle(key, worker, { status: 'pending', notBefore, ...(error ? { lastError: error } : {}) });
  }

  async markFailed(key: string, worker: string, reason: string): Promise<void> {
    this.settle(key, worker, { status: 'failed', lastError: reason });
  }

  async counts() {
    const all = [...this.records.values()];
    return {
      pending: all.filter((r) => r.status === 'pending' || r.status === 'sending').length,
      failed: all.filter((r) => r.status === 'failed').length,
      sent: all.filter((r) => r.status === 'sent').length,
    };
  }

  private settle(key: string, worker: string, change: Partial<FakeOutboxRecord>): void {
    const record = this.records.get(key);
    if (record?.status !== 'sending' || record.leaseOwner !== worker) return;
    Object.assign(record, change);
    delete record.leaseOwner;
    delete record.leaseUntil;
  }
}

/** No pacing: every chat's slot is always free (the pacing itself is tested against MongoDB). */
export const freePacing: ChatPacing = {
  reserve: async () => ({ ok: true }),
  holdUntil: async () => undefined,
};

/** The people registry in memory, with the MongoDB one's semantics (one entry per person). */
export class FakePeopleRepository implements PeopleRepository {
  private readonly byKey = new Map<string, KnownPerson>();

  async record({ person, username, displayName, privately, at }: PersonSighting): Promise<KnownPerson | null> {
    const key = `${person.platform}:${person.userId}`;
    const before = this.byKey.get(key);
    const next: KnownPerson = { ...(before ?? { platform: person.platform, userId: person.userId }), lastSeenAt: at };
    if (username) next.username = username;
    else if (username === null) delete next.username;
    if (displayName) next.displayName = displayName;
    if (privately) next.privateChatAt = at;
    this.byKey.set(key, next);
    return before ? copy(before) : null;
  }

  async find(person: PersonRef): Promise<KnownPerson | null> {
    const found = this.byKey.get(`${person.platform}:${person.userId}`);
    return found ? copy(found) : null;
  }

  async findByUsername(platform: Platform, username: string): Promise<KnownPerson | null> {
    const matching = [...this.byKey.values()]
      .filter((p) => p.platform === platform && p.username?.toLowerCase() === username.toLowerCase())
      .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
    return matching[0] ? copy(matching[0]) : null;
  }

  async findMany(people: readonly PersonRef[]): Promise<KnownPerson[]> {
    const keys = new Set(people.map((p) => `${p.platform}:${p.userId}`));
    return [...this.byKey.entries()].filter(([key]) => keys.has(key)).map(([, p]) => copy(p));
  }

  /** Forgets one person (what the retention store does to the people collection). */
  forget(person: PersonRef): void {
    this.byKey.delete(`${person.platform}:${person.userId}`);
  }
}

/** The erasure part of the retention store over the fakes above, with the MongoDB store's semantics. */
export class FakeRetentionStore implements Pick<RetentionStore, 'erase' | 'forgetPerson'> {
  constructor(
    private readonly requests: FakeRequestRepository,
    private readonly people: FakePeopleRepository,
    private readonly outbox?: FakeOutbox,
  ) {}

  async erase(numbers: readonly number[], at: Date): Promise<number[]> {
    const erased = this.requests.erasePersonal(numbers, at);
    // Delivered messages about them go; waiting ones are still sent.
    for (const [key, record] of this.outbox?.records ?? []) {
      const about = 'requestNumber' in record.message ? record.message.requestNumber : undefined;
      if (about !== undefined && erased.includes(about) && (record.status === 'sent' || record.status === 'failed')) this.outbox!.records.delete(key);
    }
    return erased;
  }

  async forgetPerson(person: PersonRef): Promise<void> {
    this.people.forget(person);
  }
}

/** Granted coordinator roles in memory. */
export class FakeRoleRepository implements RoleRepository {
  readonly granted = new Map<string, { person: PersonRef; by: PersonRef; at: Date }>();
  /** Operators granted, apart from the coordinators. */
  readonly operators = new Map<string, { person: PersonRef; by: PersonRef; at: Date }>();

  async grant(person: PersonRef, by: PersonRef, at: Date, role: GrantedRole = 'coordinator'): Promise<boolean> {
    const key = `${person.platform}:${person.userId}`;
    const map = this.mapOf(role);
    if (map.has(key)) return false;
    map.set(key, { person: { ...person }, by: { ...by }, at });
    return true;
  }

  async revoke(person: PersonRef, role: GrantedRole = 'coordinator'): Promise<boolean> {
    return this.mapOf(role).delete(`${person.platform}:${person.userId}`);
  }

  async isCoordinator(person: PersonRef): Promise<boolean> {
    return this.granted.has(`${person.platform}:${person.userId}`);
  }

  async hasRole(person: PersonRef, role: GrantedRole): Promise<boolean> {
    return this.mapOf(role).has(`${person.platform}:${person.userId}`);
  }

  async listCoordinators(platform: Platform): Promise<PersonRef[]> {
    return [...this.granted.values()]
      .filter((g) => g.person.platform === platform)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((g) => ({ ...g.person }));
  }

  async listGranted(role: GrantedRole): Promise<(PersonRef & { grantedAt: Date })[]> {
    return [...this.mapOf(role).values()].sort((a, b) => a.at.getTime() - b.at.getTime()).map((g) => ({ ...g.person, grantedAt: g.at }));
  }

  private mapOf(role: GrantedRole) {
    return role === 'coordinator' ? this.granted : this.operators;
  }
}

/** The volunteer roster in memory: one record per account, numbered from its own counter. */
export class FakeVolunteerRoster implements VolunteerRoster {
  readonly records: VolunteerRecord[] = [];
  private lastNumber = 0;
  /** When each record's status last changed, by number. */
  private readonly statusSince = new Map<number, Date>();

  async apply(application: VolunteerApplication): Promise<{ record: VolunteerRecord } | { existing: VolunteerRecord }> {
    const { person, at } = application;
    const event: VettingEvent = { status: 'pending', at };
    const fresh = { status: 'pending' as const, details: { ...application.details }, districts: [...application.districts], skills: [...application.skills] };
    const current = this.recordOf(person);
    if (!current) {
      const record: VolunteerRecord = {
        number: ++this.lastNumber,
        person: { platform: person.platform, userId: person.userId },
        ...fresh,
        appliedAt: at,
        rulesAcceptedAt: at,
        history: [event],
      };
      this.records.push(record);
      this.statusSince.set(record.number, at);
      return { record: copy(record) };
    }
    if (current.status !== 'rejected') return { existing: copy(current) };
    Object.assign(current, fresh, { appliedAt: at, rulesAcceptedAt: at });
    current.history.push(event);
    this.statusSince.set(current.number, at);
    return { record: copy(current) };
  }

  async find(person: PersonRef): Promise<VolunteerRecord | null> {
    const record = this.recordOf(person);
    return record ? copy(record) : null;
  }

  async findByNumber(number: number): Promise<VolunteerRecord | null> {
    const record = this.records.find((r) => r.number === number);
    return record ? copy(record) : null;
  }

  async decide(number: number, from: readonly VolunteerStatus[], event: VettingEvent): Promise<VolunteerRecord | null> {
    const record = this.records.find((r) => r.number === number);
    if (!record || !from.includes(record.status)) return null;
    record.status = event.status;
    this.statusSince.set(number, event.at);
    record.history.push({
      status: event.status,
      at: event.at,
      ...(event.by ? { by: { platform: event.by.platform, userId: event.by.userId } } : {}),
      ...(event.reason !== undefined ? { reason: event.reason } : {}),
    });
    return copy(record);
  }

  async list(query: VolunteerQuery): Promise<{ items: VolunteerRecord[]; total: number }> {
    const matching = this.records
      .filter((r) => (!query.status || r.status === query.status) && (query.district === undefined || r.districts.includes(query.district)))
      .sort((a, b) => b.appliedAt.getTime() - a.appliedAt.getTime() || b.number - a.number);
    const offset = query.offset ?? 0;
    return { items: copy(matching.slice(offset, offset + query.limit)), total: matching.length };
  }

  async approveExisting(people: readonly PersonRef[], at: Date): Promise<number> {
    let added = 0;
    for (const person of people) {
      if (this.recordOf(person)) continue;
      this.records.push({
        number: ++this.lastNumber,
        person: { platform: person.platform, userId: person.userId },
        status: 'approved',
        districts: [],
        skills: [],
        appliedAt: at,
        history: [{ status: 'approved', at }],
      });
      this.statusSince.set(this.lastNumber, at);
      added++;
    }
    return added;
  }

  async forgetRejectedBefore(cutoff: Date): Promise<number> {
    const due = this.records.filter((r) => r.status === 'rejected' && r.details && this.statusSince.get(r.number)! < cutoff);
    for (const record of due) delete record.details;
    return due.length;
  }

  async forgetDetails(person: PersonRef): Promise<boolean> {
    const record = this.recordOf(person);
    if (!record?.details) return false;
    delete record.details;
    return true;
  }

  private recordOf(person: PersonRef): VolunteerRecord | undefined {
    return this.records.find((r) => r.person.platform === person.platform && r.person.userId === person.userId);
  }
}

/** Who was shown applicants' names and phones, in memory. */
export class FakeApplicationViewLog implements ApplicationViewLog {
  readonly views: ApplicationView[] = [];

  async recordAll(views: readonly ApplicationView[]): Promise<void> {
    this.views.push(...copy(views.map((v) => ({ ...v, viewer: { platform: v.viewer.platform, userId: v.viewer.userId } }))));
  }

  async listFor(volunteerNumber: number): Promise<ApplicationView[]> {
    return copy(this.views.filter((v) => v.volunteerNumber === volunteerNumber).sort((a, b) => a.at.getTime() - b.at.getTime()));
  }
}
