// A fake of the VK API (5.199) and of a community's Bots Long Poll server, for end-to-end tests of
// the VK bot with the real vk-io 4.10 (no VK emulator exists, and VK is out of reach from tests).
//
// What vk-io sends (read from vk-io/lib/index.js and checked by test/e2e/vk-api-fake.test.ts):
//  - API: `POST <apiBaseUrl>/<method>`, body application/x-www-form-urlencoded with access_token, v
//    and the params, each turned into a string with String(): arrays become "1,2", objects
//    "[object Object]" (so keyboard/event_data must be JSON strings; a KeyboardBuilder stringifies).
//  - vk-io's default `agent` is https.globalAgent, which refuses http: URLs ("Protocol "http:" not
//    supported"): pass `agent: fake.agent` (an http.Agent) to `new VK(...)`.
//  - polling: groups.getLongPollServer({group_id}) once, then
//    `GET <server>?key=..&act=a_check&wait=25&mode=202&version=19&ts=..` in a loop.
import http from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { waitFor, type Awaited } from './wait.js';

export const VK_API_VERSION = '5.199';
export const PEER_CHAT_OFFSET = 2_000_000_000;

export type VkParams = Record<string, string>;
export interface VkApiCall {
  method: string;
  params: VkParams;
  time: number;
  response?: unknown;
  error?: VkError;
}
export interface VkError {
  error_code: number;
  error_msg: string;
}
export interface VkButton {
  action: { type: string; label?: string; payload?: string; [k: string]: unknown };
  color?: string;
}
export interface VkKeyboard {
  buttons: VkButton[][];
  inline?: boolean;
  one_time?: boolean;
}
/** A message the bot sent, in its current (possibly edited) state. */
export interface VkSentMessage {
  /** 0 in conversations (peer_id >= 2e9): VK gives community bots no message id there. */
  id: number;
  peerId: number;
  conversationMessageId: number;
  randomId: string;
  text: string;
  keyboard?: VkKeyboard;
  /** The `attachment` parameter as the bot sent it. */
  attachment?: string;
  /** What of `attachment` VK attached: objects it issued, named with their access key, in order. */
  attachments?: VkMediaRef[];
  /** What of `attachment` VK left out without a word: unknown objects, a wrong or missing access key. */
  droppedAttachments?: string[];
  /** The location of `lat` and `long`. */
  geo?: VkGeo;
  /** params of messages.send / the last messages.edit */
  params: VkParams;
  edits: number;
  date: number;
}
/** Objects a person's message carries that a community may send on (an audio message is a doc). */
export type VkMediaKind = 'photo' | 'audio_message' | 'video' | 'doc';
/** An object the fake issued in a person's message, as messages.send takes it back. */
export interface VkMediaRef {
  kind: VkMediaKind;
  ownerId: number;
  id: number;
  accessKey: string;
  /** messages.send's form: photo…, video…, doc… (doc for an audio message too), with the access key. */
  attachment: string;
}
export interface VkGeo {
  latitude: number;
  longitude: number;
}
export interface VkEventAnswer {
  eventId: string;
  userId: number;
  peerId: number;
  eventData?: Record<string, unknown>;
  time: number;
}
/** A group long poll / Callback API event (without Callback's `secret`). */
export interface VkUpdate {
  type: string;
  object: Record<string, any>;
  group_id: number;
  event_id: string;
  v: string;
}
export interface VkUser {
  id: number;
  firstName: string;
  lastName: string;
}
/**
 * `perPeer`: with peer_ids, messages.send reports it in that peer's item instead of failing (by
 * default so for the messaging errors, 900..999); `peer`: set by refuseWritesTo, for allowWritesTo.
 */
type FaultRule = { method: string; match: (p: VkParams) => boolean; times?: number; perPeer?: boolean; peer?: number } & VkError;
/** A service message's action (message.action), as VK puts it in a conversation's message_new. */
export interface VkChatAction {
  type: 'chat_invite_user' | 'chat_kick_user' | 'chat_title_update' | 'chat_invite_user_by_link' | 'chat_pin_message' | 'chat_create';
  /** Whom it concerns: a user id, or -<group id> for a community. */
  member_id?: number;
  /** The new title of chat_create and chat_title_update. */
  text?: string;
}

export const CLIENT_INFO = {
  button_actions: ['text', 'vkpay', 'open_app', 'location', 'open_link', 'callback', 'intent_subscribe', 'intent_unsubscribe'],
  keyboard: true,
  inline_keyboard: true,
  carousel: true,
  lang_id: 0,
};
const DEFAULT_STUBS: Record<string, unknown> = { 'messages.setActivity': 1, 'messages.markAsRead': 1 };
const MAX_MESSAGE_LENGTH = 4096;
/** VK takes at most 10 objects in a message's attachment (and a person's message carries at most 10). */
export const MAX_ATTACHMENTS = 10;
/** The attachment form messages.send reads: <type><owner_id>_<media_id>[_<access_key>]. */
const ATTACHMENT_RE = /^([a-z_]+)(-?\d+)_(\d+)(?:_([A-Za-z0-9]+))?$/;
/** VK's doc types by extension (docs.get: 1 text, 2 archive, 3 gif, 4 image, 5 audio, 6 video, 7 e-book, 8 other). */
const docType = (ext: string) =>
  ({ txt: 1, pdf: 1, doc: 1, docx: 1, zip: 2, rar: 2, gif: 3, jpg: 4, png: 4, mp3: 5, ogg: 5, mp4: 6, avi: 6, epub: 7, fb2: 7 })[ext] ?? 8;

/** VK HTML-escapes message text it hands out; vk-io's MessageContext unescapes it back. */
const escapeVkText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const isChat = (peerId: number) => peerId >= PEER_CHAT_OFFSET;
/** Messaging errors (900..999) concern one peer; with peer_ids VK puts them in that peer's item. */
const isPerPeer = (e: FaultRule) => e.perPeer ?? (e.error_code >= 900 && e.error_code < 1000);
/** The peers a messages.* call writes to: peer_id, user_id or each of peer_ids. */
const peersOf = (p: VkParams) => [p.peer_id, p.user_id, ...(p.peer_ids ?? '').split(',')].filter((v): v is string => v !== undefined && v !== '').map(Number);
/** VK's answer to a community writing in a conversation it is no longer a member of. */
export const NO_ACCESS_TO_CHAT: VkError = { error_code: 917, error_msg: "You don't have access to this chat" };

class VkApiError extends Error {
  constructor(
    readonly error_code: number,
    readonly error_msg: string,
  ) {
    super(error_msg);
  }
}
const invalid = (what: string) => new VkApiError(100, `One of the parameters specified was missing or invalid: ${what}`);

export class VkApiFake {
  readonly token: string;
  readonly groupId: number;
  readonly groupName: string;
  readonly screenName: string;
  /** Every API call (not the long poll requests), with its response or error. */
  readonly calls: VkApiCall[] = [];
  /** Calls of methods the fake does not know (answered with error 3). */
  readonly unknownCalls: VkApiCall[] = [];
  /** Give this to vk-io: `new VK({ ..., agent: fake.agent })` — its default https agent refuses http:. */
  readonly agent: https.Agent;
  /** Number of long poll requests answered so far. */
  pollCount = 0;

  private server?: http.Server;
  private port = 0;
  private readonly longPollMaxMs: number;
  private readonly randomIdWindowMs: number;
  private readonly users = new Map<number, VkUser>();
  private readonly chatTitles = new Map<number, string>();
  private readonly sent: VkSentMessage[] = [];
  private readonly answers: VkEventAnswer[] = [];
  private readonly randomIds = new Map<string, { at: number; response: unknown }>();
  private readonly cmidByPeer = new Map<number, number>();
  private messageId = 0;
  private readonly updates: VkUpdate[] = [];
  private firstTs = 1;
  private readonly keys = new Set<string>();
  private readonly openEvents = new Map<string, { userId: number; peerId: number }>();
  private faults: FaultRule[] = [];
  /** VK's limit of requests a second per community token, when enforced (an execute is one request). */
  private ratePerSecond?: number;
  private readonly requestTimes: number[] = [];
  /** Requests refused with error 6, "Too many requests per second". */
  tooManyRequests = 0;
  private stubs: Record<string, unknown> = { ...DEFAULT_STUBS };
  private readonly waiters = new Set<() => void>();
  private readonly heldPolls = new Set<http.ServerResponse>();
  private closing = false;

  constructor(opts: { token: string; groupId: number; groupName?: string; screenName?: string; longPollMaxMs?: number; randomIdWindowMs?: number }) {
    this.token = opts.token;
    this.groupId = opts.groupId;
    this.groupName = opts.groupName ?? 'Test community';
    this.screenName = opts.screenName ?? `club${opts.groupId}`;
    this.longPollMaxMs = opts.longPollMaxMs ?? 1000;
    this.randomIdWindowMs = opts.randomIdWindowMs ?? 60 * 60 * 1000;
    this.agent = new http.Agent({ keepAlive: true }) as unknown as https.Agent;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }
  /** `apiBaseUrl` for vk-io. */
  get apiBaseUrl() {
    return `${this.baseUrl}/method`;
  }
  get longPollUrl() {
    return `${this.baseUrl}/longpoll/${this.groupId}`;
  }
  /** The ts a long poll client would ask for next (a string, as VK gives it). */
  get ts() {
    return String(this.firstTs + this.updates.length);
  }
  /** Long poll requests being held open right now. */
  get heldPollCount() {
    return this.heldPolls.size;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((ok, ko) => this.server!.listen(0, '127.0.0.1').once('listening', ok).once('error', ko));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /**
   * Answers held long polls with no updates (so vk-io's loop, if stopped, ends without an error),
   * then closes every socket. Call `vk.updates.stop()` first: a still-running vk-io retries forever.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    this.closing = true;
    const closed = new Promise<void>((ok) => server.close(() => ok())); // stops accepting, drops idle keep-alive sockets
    // Held polls get their answer with `connection: close`; destroying them instead makes vk-io see
    // ECONNRESET, and it then sleeps 3 s before noticing it was stopped (which holds the process).
    const held = [...this.heldPolls].map((res) => new Promise((ok) => res.socket?.once('close', ok) ?? ok(undefined)));
    this.releaseHeldPolls();
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(held),
      new Promise((ok) => {
        grace = setTimeout(ok, 500);
      }),
    ]);
    clearTimeout(grace);
    server.closeAllConnections();
    await closed;
    (this.agent as unknown as http.Agent).destroy();
  }

  /**
   * Answers every held long poll now, with the updates pending (none, usually). vk-io's
   * `updates.stop()` does not abort its poll, so a stopped bot would otherwise still take (and
   * handle) the events pushed in the next `longPollMaxMs`; call this after stopping one bot and
   * before pushing events meant for the next.
   *
   * The keys are retired too: a stopped bot may have a poll still on its way (sent just before the
   * stop), which would otherwise be held and take the next event. With its key gone it is refused
   * (failed 2), and a stopped vk-io loop does not restart; a running one fetches a new key and goes
   * on from the same ts, so it misses nothing.
   */
  releaseHeldPolls(): void {
    this.keys.clear();
    for (const wake of [...this.waiters]) wake();
  }

  // ---- set-up ----
  addUser(user: VkUser): void {
    this.users.set(user.id, user);
  }
  /** A conversation's title, as messages.getConversationsById tells it; a chat without one is not shown (as to a community without access). */
  setChatTitle(peerId: number, title: string): void {
    this.chatTitles.set(peerId, title);
  }
  /** Answers `method` with a VK error while `match(params)` holds (`times` times, or for ever). */
  fail(method: string | '*', match: (params: VkParams) => boolean, error: VkError & { times?: number }): void {
    this.faults.push({ method, match, ...error });
  }
  /** messages.send to this user (peer_id / peer_ids / user_id) fails with 901, as when the user never allowed the community's messages. */
  forbidMessagesTo(userId: number): void {
    this.fail('messages.send', (p) => peersOf(p).includes(userId), { error_code: 901, error_msg: "Can't send messages for users without permission" });
  }
  /**
   * messages.send and messages.edit to this peer fail with `error` (`times` times each, or until
   * allowWritesTo): messages.send with peer_ids gets it in the peer's item of the answer, as VK
   * reports a refusal there, and with peer_id (and every edit) as an API error.
   */
  refuseWritesTo(peerId: number, error: VkError & { times?: number }): void {
    for (const method of ['messages.send', 'messages.edit'])
      this.faults.push({ method, match: (p) => peersOf(p).includes(peerId), perPeer: true, peer: peerId, ...error });
  }
  /** Lifts refuseWritesTo (and kickCommunity's refusal) for this peer. */
  allowWritesTo(peerId: number): void {
    this.faults = this.faults.filter((f) => f.peer !== peerId);
  }
  /** Answers a method not otherwise implemented with `{ response }`. */
  stub(method: string, response: unknown = 1): void {
    this.stubs[method] = response;
  }
  /** Makes the current long poll key invalid: the next poll gets `{ failed: 2 }` and vk-io asks for a new server. */
  expireLongPollKey(): void {
    this.keys.clear();
  }

  // ---- events (what people do) ----
  /**
   * Builds a message_new event (the message gets the peer's next conversation_message_id) without
   * delivering it; with `action`, a conversation's service message (no text), as VK sends when
   * someone joins, is removed or renames the chat.
   */
  makeMessageNew(m: {
    fromId: number;
    peerId?: number;
    text?: string;
    payload?: unknown;
    attachments?: unknown[];
    geo?: VkGeo;
    action?: VkChatAction;
  }): VkUpdate {
    const peerId = m.peerId ?? m.fromId;
    const payload = m.payload === undefined ? undefined : typeof m.payload === 'string' ? m.payload : JSON.stringify(m.payload);
    const message: Record<string, unknown> = {
      date: Math.floor(Date.now() / 1000),
      from_id: m.fromId,
      id: isChat(peerId) ? 0 : ++this.messageId,
      out: 0,
      version: this.messageId,
      attachments: m.attachments ?? [],
      conversation_message_id: this.nextCmid(peerId),
      fwd_messages: [],
      important: false,
      is_hidden: false,
      peer_id: peerId,
      random_id: 0,
      text: escapeVkText(m.text ?? ''),
      ...(payload !== undefined ? { payload } : {}),
      ...(m.action ? { action: { ...m.action } } : {}),
      ...(m.geo ? { geo: geoObject(m.geo) } : {}),
    };
    return this.event('message_new', { message, client_info: { ...CLIENT_INFO } });
  }
  /** Builds a message_event (callback button press) without delivering it; its event_id is then answerable. */
  makeMessageEvent(e: { userId: number; peerId?: number; conversationMessageId: number; payload?: unknown }): VkUpdate {
    const peerId = e.peerId ?? e.userId;
    const eventId = randomBytes(6).toString('hex');
    this.openEvents.set(eventId, { userId: e.userId, peerId });
    const payload = typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload;
    return this.event('message_event', { user_id: e.userId, peer_id: peerId, event_id: eventId, payload, conversation_message_id: e.conversationMessageId });
  }
  /** The Callback API body for an event: the event plus `secret`. */
  webhookBody(event: VkUpdate, secret?: string): VkUpdate & { secret?: string } {
    return secret === undefined ? { ...event } : { ...event, secret };
  }
  /** Delivers an event through the long poll. */
  push(event: VkUpdate): VkUpdate {
    this.updates.push(event);
    for (const w of [...this.waiters]) w();
    return event;
  }
  pushMessage(m: Parameters<VkApiFake['makeMessageNew']>[0]): VkUpdate {
    return this.push(this.makeMessageNew(m));
  }
  pushSticker(fromId: number, peerId: number = fromId): VkUpdate {
    const sticker = {
      type: 'sticker',
      sticker: {
        product_id: 1,
        sticker_id: 1,
        is_allowed: true,
        inner_type: 'base_sticker_new',
        images: [{ url: 'https://vk.com/sticker/1-1-128', width: 128, height: 128 }],
        images_with_background: [],
      },
    };
    return this.pushMessage({ fromId, peerId, text: '', attachments: [sticker] });
  }
  // ---- media in people's messages ----
  /** Issued objects by messages.send's name for them without the key ("photo101_457239017"), with VK's object. */
  private readonly media = new Map<string, { ref: VkMediaRef; attachment: Record<string, unknown> }>();
  private mediaId = 457_239_016;

  private issue(kind: VkMediaKind, ownerId: number, object: (id: number, accessKey: string) => Record<string, unknown>) {
    const id = ++this.mediaId;
    const accessKey = randomBytes(9).toString('hex');
    const sendAs = kind === 'audio_message' ? 'doc' : kind;
    const ref: VkMediaRef = { kind, ownerId, id, accessKey, attachment: `${sendAs}${ownerId}_${id}_${accessKey}` };
    const attachment = { type: kind, [kind]: { id, owner_id: ownerId, access_key: accessKey, ...object(id, accessKey) } };
    this.media.set(`${sendAs}${ownerId}_${id}`, { ref, attachment });
    return { ref, attachment };
  }
  /** A photo of `ownerId` as a message_new carries it: sizes s..z, in a message's album (-3). */
  issuePhoto(ownerId: number) {
    const date = Math.floor(Date.now() / 1000);
    return this.issue('photo', ownerId, (id) => ({
      album_id: -3,
      date,
      text: '',
      has_tags: false,
      sizes: [
        ['s', 75, 56],
        ['m', 130, 97],
        ['x', 604, 453],
        ['y', 807, 605],
        ['z', 1280, 960],
      ].map(([type, width, height]) => ({ type, width, height, url: `https://sun9-1.userapi.com/impg/${ownerId}_${id}_${type}.jpg` })),
    }));
  }
  /** A voice message of `ownerId` (audio_message), `duration` seconds. */
  issueAudioMessage(ownerId: number, duration = 7) {
    return this.issue('audio_message', ownerId, (id) => ({
      duration,
      waveform: Array.from({ length: 32 }, (_, i) => (i * 7) % 31),
      link_ogg: `https://psv4.userapi.com/audio_message/${ownerId}_${id}.ogg`,
      link_mp3: `https://psv4.userapi.com/audio_message/${ownerId}_${id}.mp3`,
    }));
  }
  /** A video of `ownerId`. */
  issueVideo(ownerId: number, duration = 12) {
    const date = Math.floor(Date.now() / 1000);
    return this.issue('video', ownerId, (id) => ({
      title: 'Видео',
      duration,
      date,
      type: 'video',
      views: 0,
      image: [{ url: `https://sun9-1.userapi.com/video/${ownerId}_${id}.jpg`, width: 320, height: 240 }],
    }));
  }
  /** A document (doc) of `ownerId`: `title` with its extension, `size` bytes. */
  issueDoc(ownerId: number, opts: { sizeBytes: number; name?: string }) {
    const title = opts.name ?? 'document.pdf';
    const ext = /\.([^.]+)$/.exec(title)?.[1]?.toLowerCase() ?? '';
    const date = Math.floor(Date.now() / 1000);
    return this.issue('doc', ownerId, (id) => ({ title, size: opts.sizeBytes, ext, date, type: docType(ext), url: `https://vk.com/doc${ownerId}_${id}` }));
  }
  /**
   * A person's message with objects (photos, a voice message, a video, documents; at most 10) and
   * `text`, or a location (`geo`); returns the update and each object as messages.send takes it back.
   */
  pushMedia(m: { fromId: number; peerId?: number; text?: string; media: { ref: VkMediaRef; attachment: unknown }[]; geo?: VkGeo }): {
    update: VkUpdate;
    attachments: string[];
  } {
    if (m.media.length > MAX_ATTACHMENTS) throw new Error(`a VK message carries at most ${MAX_ATTACHMENTS} attachments, not ${m.media.length}`);
    const update = this.pushMessage({ fromId: m.fromId, peerId: m.peerId, text: m.text ?? '', attachments: m.media.map((i) => i.attachment), geo: m.geo });
    return { update, attachments: m.media.map((i) => i.ref.attachment) };
  }
  /** The issued object a messages.send attachment names: `undefined` for an unknown one, or one without its access key. */
  mediaOf(attachment: string): VkMediaRef | undefined {
    const [, type, ownerId, id, accessKey] = ATTACHMENT_RE.exec(attachment.trim()) ?? [];
    const found = this.media.get(`${type}${ownerId}_${id}`);
    return found && found.ref.accessKey === accessKey ? found.ref : undefined;
  }

  /** A service message in a conversation: `fromId` did `action` (invited or removed someone, renamed it). */
  pushChatAction(peerId: number, fromId: number, action: VkChatAction): VkUpdate {
    if (!isChat(peerId)) throw new Error(`service messages come only in conversations, not to peer ${peerId}`);
    return this.pushMessage({ fromId, peerId, action });
  }
  /**
   * `byUserId` removes the community from a conversation: VK sends it a chat_kick_user service
   * message with the community as member_id (-group id), and from then on refuses its messages and
   * edits there with error 917 (until inviteCommunity).
   */
  kickCommunity(peerId: number, byUserId: number): VkUpdate {
    this.allowWritesTo(peerId);
    this.refuseWritesTo(peerId, NO_ACCESS_TO_CHAT);
    return this.pushChatAction(peerId, byUserId, { type: 'chat_kick_user', member_id: -this.groupId });
  }
  /** `byUserId` adds the community to a conversation (again): a chat_invite_user for it, and it may write there. */
  inviteCommunity(peerId: number, byUserId: number): VkUpdate {
    this.allowWritesTo(peerId);
    return this.pushChatAction(peerId, byUserId, { type: 'chat_invite_user', member_id: -this.groupId });
  }
  pushMessageEvent(e: { userId: number; peerId?: number; conversationMessageId: number; payload?: unknown }): VkUpdate {
    return this.push(this.makeMessageEvent(e));
  }
  /**
   * A person presses a button of a message the bot sent: a callback button gives a message_event,
   * a text button a message_new with the label as text and the button's payload.
   */
  press(userId: number, message: VkSentMessage, label: string | RegExp): VkUpdate {
    const button = message.keyboard?.buttons.flat().find((b) => (typeof label === 'string' ? b.action.label === label : label.test(b.action.label ?? '')));
    if (!button) throw new Error(`no button ${label} in message ${message.conversationMessageId} to ${message.peerId}: ${JSON.stringify(message.keyboard)}`);
    if (button.action.type === 'callback') {
      return this.pushMessageEvent({
        userId,
        peerId: message.peerId,
        conversationMessageId: message.conversationMessageId,
        payload: button.action.payload ?? '{}',
      });
    }
    if (button.action.type === 'text') {
      return this.pushMessage({ fromId: userId, peerId: message.peerId, text: button.action.label ?? '', payload: button.action.payload });
    }
    throw new Error(`the fake cannot press a ${button.action.type} button`);
  }

  // ---- assertions ----
  callsOf(method: string): VkApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }
  /** What the bot sent to a peer, in order, in the current (edited) state, keyboard parsed. */
  messagesTo(peerId: number): VkSentMessage[] {
    return this.sent.filter((m) => m.peerId === peerId);
  }
  allMessages(): VkSentMessage[] {
    return [...this.sent];
  }
  /** messages.sendMessageEventAnswer calls that succeeded, event_data parsed. */
  eventAnswers(): VkEventAnswer[] {
    return [...this.answers];
  }
  /** Polls until `fn` returns something truthy (see ./wait.ts). */
  waitFor<T>(fn: () => T | undefined | false | null, timeoutMs?: number, what?: Awaited, stepMs?: number): Promise<T> {
    return waitFor(fn, timeoutMs, what, stepMs);
  }

  // ---- HTTP ----
  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const apiMatch = /^\/method\/([\w.]+)$/.exec(url.pathname);
    if (apiMatch) {
      const body = await readBody(req);
      const params: VkParams = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(body)) };
      return this.json(res, this.apiCall(apiMatch[1]!, params));
    }
    if (url.pathname === `/longpoll/${this.groupId}`) return this.longPoll(url.searchParams, res);
    res.writeHead(404).end('not found');
  }

  private json(res: http.ServerResponse, body: unknown) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...(this.closing ? { connection: 'close' } : {}) }).end(JSON.stringify(body));
  }

  /**
   * Refuses more than `perSecond` requests within any second with VK's error 6, as VK does for a
   * community token (20 a second); an `execute` of up to 25 calls counts as one request.
   */
  enforceRate(perSecond: number): void {
    this.ratePerSecond = perSecond;
  }

  private overRate(now: number): boolean {
    if (this.ratePerSecond === undefined) return false;
    while (this.requestTimes.length > 0 && now - this.requestTimes[0]! >= 1000) this.requestTimes.shift();
    if (this.requestTimes.length >= this.ratePerSecond) return true;
    this.requestTimes.push(now);
    return false;
  }

  private apiCall(method: string, all: VkParams): unknown {
    const { access_token: token, ...params } = all;
    const call: VkApiCall = { method, params, time: Date.now() };
    this.calls.push(call);
    const requestParams = [{ key: 'method', value: method }, { key: 'oauth', value: '1' }, ...Object.entries(params).map(([key, value]) => ({ key, value }))];
    try {
      if (token !== this.token) throw new VkApiError(5, 'User authorization failed: invalid access_token (4).');
      if (this.overRate(call.time)) {
        this.tooManyRequests++;
        throw new VkApiError(6, 'Too many requests per second');
      }
      if (!params.v) throw new VkApiError(8, 'Invalid request: v (version) is required');
      if (method === 'execute') return this.execute(params);
      const rule = this.faults.find((f) => (f.method === '*' || f.method === method) && f.match(params));
      // With peer_ids VK reports a peer it cannot write to (9xx) in that peer's item (see sendMessages).
      if (rule && !(isPerPeer(rule) && method === 'messages.send' && params.peer_ids !== undefined)) {
        if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
        throw new VkApiError(rule.error_code, rule.error_msg);
      }
      const response = this.dispatch(method, params);
      call.response = response;
      return { response };
    } catch (error) {
      if (!(error instanceof VkApiError)) throw error;
      call.error = { error_code: error.error_code, error_msg: error.error_msg };
      if (error.error_code === 3) this.unknownCalls.push(call);
      return { error: { ...call.error, request_params: requestParams } };
    }
  }

  /**
   * `execute` as vk-io writes it (`return [API.users.get({...}),API.messages.send({...})];`): each
   * call is answered as on its own, in order; a failed one is `false` in the response and its error
   * goes to `execute_errors`, as VK does. At most 25 calls, as VK allows.
   */
  private execute(params: VkParams): unknown {
    const calls = parseExecuteCode(params.code ?? '');
    if (!calls) throw invalid('code (the fake runs only `return [API.method({...}), ...];`)');
    if (calls.length > 25) throw new VkApiError(13, 'Runtime error occurred during code invocation: too many API calls');
    const response: unknown[] = [];
    const errors: { method: string; error_code: number; error_msg: string }[] = [];
    for (const { method, args } of calls) {
      const inner: VkApiCall = { method, params: args, time: Date.now() };
      this.calls.push(inner);
      try {
        const rule = this.faults.find((f) => (f.method === '*' || f.method === method) && f.match(args));
        if (rule) {
          if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
          throw new VkApiError(rule.error_code, rule.error_msg);
        }
        inner.response = this.dispatch(method, args);
        response.push(inner.response);
      } catch (error) {
        if (!(error instanceof VkApiError)) throw error;
        inner.error = { error_code: error.error_code, error_msg: error.error_msg };
        errors.push({ method, ...inner.error });
        response.push(false);
      }
    }
    return { response, ...(errors.length > 0 ? { execute_errors: errors } : {}) };
  }

  private dispatch(method: string, p: VkParams): unknown {
    switch (method) {
      case 'groups.getById': {
        const ids = (p.group_ids ?? p.group_id ?? String(this.groupId)).split(',');
        if (ids.some((id) => id !== String(this.groupId) && id !== this.screenName)) throw invalid('group_ids');
        return { groups: [{ id: this.groupId, name: this.groupName, screen_name: this.screenName, is_closed: 0, type: 'group' }], profiles: [] };
      }
      case 'groups.getLongPollServer': {
        if (Number(p.group_id) !== this.groupId) throw new VkApiError(15, 'Access denied: no access to call this method');
        const key = randomBytes(20).toString('hex');
        this.keys.add(key);
        return { key, server: this.longPollUrl, ts: this.ts };
      }
      case 'messages.send':
        return this.sendMessages(p);
      case 'messages.edit':
        return this.editMessage(p);
      case 'messages.sendMessageEventAnswer':
        return this.answerEvent(p);
      case 'users.get': {
        const ids = (p.user_ids ?? p.user_id ?? '').split(',').filter(Boolean).map(Number);
        return ids.map((id) => {
          const u = this.users.get(id);
          return { id, first_name: u?.firstName ?? `User${id}`, last_name: u?.lastName ?? 'Test', can_access_closed: true, is_closed: false };
        });
      }
      case 'messages.getByConversationMessageId': {
        const peerId = Number(p.peer_id);
        const cmids = (p.conversation_message_ids ?? '').split(',').map(Number);
        const items = this.sent.filter((m) => m.peerId === peerId && cmids.includes(m.conversationMessageId)).map((m) => this.toVkMessage(m));
        return { count: items.length, items };
      }
      case 'messages.getConversationsById': {
        const peers = (p.peer_ids ?? '').split(',').filter(Boolean).map(Number);
        const items = peers
          .filter((peerId) => this.chatTitles.has(peerId))
          .map((peerId) => ({
            peer: { id: peerId, type: 'chat', local_id: peerId - PEER_CHAT_OFFSET },
            chat_settings: { title: this.chatTitles.get(peerId), members_count: 2, state: 'in' },
          }));
        return { count: items.length, items };
      }
      case 'messages.getById': {
        const ids = (p.message_ids ?? '').split(',').map(Number);
        const items = this.sent.filter((m) => m.id !== 0 && ids.includes(m.id)).map((m) => this.toVkMessage(m));
        return { count: items.length, items };
      }
      default:
        if (method in this.stubs) return this.stubs[method];
        throw new VkApiError(3, 'Unknown method passed');
    }
  }

  private sendMessages(p: VkParams): unknown {
    if (p.random_id === undefined) throw invalid('random_id is a required parameter');
    const single = p.peer_id ?? p.user_id;
    const peerIds = p.peer_ids !== undefined ? p.peer_ids.split(',').map(Number) : single !== undefined ? [Number(single)] : [];
    if (peerIds.length === 0 || peerIds.some((id) => !Number.isInteger(id) || id === 0))
      throw invalid('you should specify peer_id, user_id, domain, chat_id or user_ids param');
    const { attachments, dropped } = this.resolveAttachments(p.attachment);
    const geo = readGeo(p);
    if (!p.message && attachments.length === 0 && !geo && !p.sticker_id) throw invalid('message is empty or invalid');
    if ((p.message ?? '').length > MAX_MESSAGE_LENGTH) throw new VkApiError(914, 'Message is too long');
    const keyboard = p.keyboard !== undefined ? parseKeyboard(p.keyboard) : undefined;

    const results = peerIds.map((peerId) => {
      const rule =
        p.peer_ids !== undefined
          ? this.faults.find((f) => isPerPeer(f) && (f.method === '*' || f.method === 'messages.send') && f.match({ ...p, peer_ids: String(peerId) }))
          : undefined;
      if (rule) {
        if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
        return { peer_id: peerId, error: { code: rule.error_code, description: rule.error_msg } };
      }
      // random_id: the same id to the same peer within the window is the same message.
      const dedupKey = `${peerId}:${p.random_id}`;
      const seen = p.random_id !== '0' ? this.randomIds.get(dedupKey) : undefined;
      if (seen && Date.now() - seen.at < this.randomIdWindowMs)
        return seen.response as { peer_id: number; message_id: number; conversation_message_id: number };
      const msg: VkSentMessage = {
        id: isChat(peerId) ? 0 : ++this.messageId,
        peerId,
        conversationMessageId: this.nextCmid(peerId),
        randomId: p.random_id!,
        text: p.message ?? '',
        ...(keyboard ? { keyboard } : {}),
        ...(p.attachment ? { attachment: p.attachment } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
        ...(dropped.length > 0 ? { droppedAttachments: dropped } : {}),
        ...(geo ? { geo } : {}),
        params: { ...p },
        edits: 0,
        date: Math.floor(Date.now() / 1000),
      };
      this.sent.push(msg);
      const response = { peer_id: peerId, message_id: msg.id, conversation_message_id: msg.conversationMessageId };
      if (p.random_id !== '0') this.randomIds.set(dedupKey, { at: Date.now(), response });
      return response;
    });
    return p.peer_ids !== undefined ? results : (results[0] as { message_id: number }).message_id;
  }

  private editMessage(p: VkParams): number {
    const peerId = Number(p.peer_id);
    if (!peerId) throw invalid('peer_id');
    let msg: VkSentMessage | undefined;
    if (p.conversation_message_id !== undefined) {
      msg = this.sent.find((m) => m.peerId === peerId && m.conversationMessageId === Number(p.conversation_message_id));
    } else if (p.message_id !== undefined) {
      const id = Number(p.message_id);
      msg = id === 0 ? undefined : this.sent.find((m) => m.peerId === peerId && m.id === id);
    } else {
      throw invalid('message_id or conversation_message_id is required');
    }
    if (!msg) throw invalid('message not found (the fake only edits messages the bot sent)');
    if (p.message === undefined && !p.attachment && !msg.attachment && !msg.text) throw invalid('message is empty or invalid');
    if ((p.message ?? '').length > MAX_MESSAGE_LENGTH) throw new VkApiError(914, 'Message is too long');
    // A keyboard not passed again is gone after the edit (the fake's reading of VK: there is no keep_keyboard).
    const keyboard = p.keyboard !== undefined ? parseKeyboard(p.keyboard) : undefined;
    if (p.message !== undefined) msg.text = p.message;
    if (keyboard && keyboard.buttons.length > 0) msg.keyboard = keyboard;
    else delete msg.keyboard;
    if (p.attachment !== undefined) {
      const { attachments, dropped } = this.resolveAttachments(p.attachment);
      msg.attachment = p.attachment;
      if (attachments.length > 0) msg.attachments = attachments;
      else delete msg.attachments;
      if (dropped.length > 0) msg.droppedAttachments = dropped;
      else delete msg.droppedAttachments;
    }
    const geo = readGeo(p);
    if (geo) msg.geo = geo;
    msg.params = { ...p };
    msg.edits += 1;
    return 1;
  }

  /**
   * messages.send's `attachment`: at most 10 objects. VK attaches the ones it knows and may give, and
   * leaves out the rest without an error (an unknown object, a wrong or missing access key): a
   * message left with nothing is then "message is empty or invalid".
   */
  private resolveAttachments(raw: string | undefined): { attachments: VkMediaRef[]; dropped: string[] } {
    const items = (raw ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    // VK's answer to more than 10 is not documented; the fake's reading is error 100 naming the parameter.
    if (items.length > MAX_ATTACHMENTS) throw invalid(`attachment: at most ${MAX_ATTACHMENTS} attachments, and there are ${items.length}`);
    const attachments: VkMediaRef[] = [];
    const dropped: string[] = [];
    for (const item of items) {
      const ref = this.mediaOf(item);
      if (ref) attachments.push(ref);
      else dropped.push(item);
    }
    return { attachments, dropped };
  }

  private answerEvent(p: VkParams): number {
    const eventId = p.event_id ?? '';
    const open = this.openEvents.get(eventId);
    if (!open) throw invalid('event_id');
    if (Number(p.user_id) !== open.userId || Number(p.peer_id) !== open.peerId) throw invalid('user_id or peer_id does not match the event');
    let eventData: Record<string, unknown> | undefined;
    if (p.event_data !== undefined && p.event_data !== '') {
      try {
        eventData = JSON.parse(p.event_data) as Record<string, unknown>;
      } catch {
        throw invalid('event_data is not valid JSON');
      }
      const type = eventData?.type;
      if (!['show_snackbar', 'open_link', 'open_app'].includes(String(type))) throw invalid('event_data.type');
      if (type === 'show_snackbar' && (typeof eventData.text !== 'string' || eventData.text.length === 0 || eventData.text.length > 90)) {
        throw invalid('event_data.text must be 1..90 characters');
      }
    }
    this.answers.push({ eventId, userId: open.userId, peerId: open.peerId, ...(eventData ? { eventData } : {}), time: Date.now() });
    return 1;
  }

  private longPoll(q: URLSearchParams, res: http.ServerResponse) {
    if (q.get('act') !== 'a_check') return this.json(res, { failed: 3 });
    if (!this.keys.has(q.get('key') ?? '')) return this.json(res, { failed: 2 });
    const from = Number(q.get('ts'));
    if (!Number.isInteger(from) || from < this.firstTs || from > Number(this.ts)) return this.json(res, { failed: 1, ts: this.ts });
    const answer = () => {
      this.pollCount += 1;
      this.json(res, { ts: this.ts, updates: this.updates.slice(from - this.firstTs) });
    };
    if (Number(this.ts) > from) return answer();
    const waitMs = Math.min(Number(q.get('wait') ?? 0) * 1000, this.longPollMaxMs);
    if (!(waitMs > 0)) return answer();
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      this.waiters.delete(done);
      this.heldPolls.delete(res);
    };
    const wake = () => {
      done();
      answer();
    };
    timer = setTimeout(wake, waitMs);
    this.waiters.add(wake);
    this.heldPolls.add(res);
    res.on('close', done); // the client gave up: nothing is consumed
  }

  private event(type: string, object: Record<string, unknown>): VkUpdate {
    return { group_id: this.groupId, type, event_id: randomBytes(20).toString('hex'), v: VK_API_VERSION, object };
  }

  private nextCmid(peerId: number): number {
    const n = (this.cmidByPeer.get(peerId) ?? 0) + 1;
    this.cmidByPeer.set(peerId, n);
    return n;
  }

  private toVkMessage(m: VkSentMessage) {
    return {
      id: m.id,
      date: m.date,
      peer_id: m.peerId,
      from_id: -this.groupId,
      out: 1,
      text: escapeVkText(m.text),
      conversation_message_id: m.conversationMessageId,
      random_id: Number(m.randomId),
      attachments: (m.attachments ?? []).map((ref) => structuredClone(this.media.get(ref.attachment.replace(/_[^_]+$/, ''))!.attachment)),
      ...(m.geo ? { geo: geoObject(m.geo) } : {}),
      fwd_messages: [],
      important: false,
      is_hidden: false,
      ...(m.keyboard ? { keyboard: { ...m.keyboard, author_id: -this.groupId } } : {}),
    };
  }
}

/** A location as VK puts it in a message (message.geo). */
const geoObject = (geo: VkGeo) => ({ type: 'point', coordinates: { latitude: geo.latitude, longitude: geo.longitude } });

/** messages.send's and messages.edit's `lat` and `long` (degrees, -90..90 and -180..180), both or neither. */
function readGeo(p: VkParams): VkGeo | undefined {
  if (p.lat === undefined && p.long === undefined) return undefined;
  const latitude = Number(p.lat);
  const longitude = Number(p.long);
  if (p.lat === undefined || p.lat === '' || !(Math.abs(latitude) <= 90)) throw invalid('lat should be from -90 to 90');
  if (p.long === undefined || p.long === '' || !(Math.abs(longitude) <= 180)) throw invalid('long should be from -180 to 180');
  return { latitude, longitude };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses and checks a keyboard the way VK answers bad ones: error 911. */
function parseKeyboard(raw: string): VkKeyboard {
  const bad = (why: string) => new VkApiError(911, `Keyboard format is invalid: ${why}`);
  let kb: VkKeyboard;
  try {
    kb = JSON.parse(raw) as VkKeyboard;
  } catch {
    throw bad(`not JSON: ${raw.slice(0, 40)}`);
  }
  if (!kb || typeof kb !== 'object' || !Array.isArray(kb.buttons)) throw bad('buttons should be array');
  const maxRows = kb.inline ? 6 : 10;
  if (kb.buttons.length > maxRows) throw bad(`too many rows (${kb.buttons.length} > ${maxRows})`);
  const all = kb.buttons.flat();
  if (kb.inline && all.length > 10) throw bad('inline keyboard can have at most 10 buttons');
  if (all.length > 40) throw bad('at most 40 buttons');
  for (const row of kb.buttons) {
    if (!Array.isArray(row)) throw bad('row should be array');
    if (row.length > 5) throw bad('at most 5 buttons in a row');
    // A location button takes the keyboard's whole width.
    if (row.length > 1 && row.some((b) => b?.action?.type === 'location')) throw bad('a location button should be alone in its row');
    for (const b of row) {
      if (!b?.action?.type) throw bad('button.action.type is required');
      if (['text', 'callback'].includes(b.action.type) && (typeof b.action.label !== 'string' || b.action.label.length === 0 || b.action.label.length > 40)) {
        throw bad('action.label should be 1..40 characters');
      }
      if (b.action.payload !== undefined) {
        if (typeof b.action.payload !== 'string' || b.action.payload.length > 255) throw bad('payload should be a string of at most 255 characters');
        try {
          JSON.parse(b.action.payload);
        } catch {
          throw bad('payload should be JSON');
        }
      }
    }
  }
  return kb;
}

/**
 * Reads the code of an execute as vk-io writes it: `return [API.a.b({json}),API.c.d({json})];`.
 * Parameters become the strings an HTTP call would carry. Anything else gives null.
 */
function parseExecuteCode(code: string): { method: string; args: VkParams }[] | null {
  const match = /^return \[([\s\S]*)\];$/.exec(code.trim());
  if (!match) return null;
  const body = match[1]!;
  const calls: { method: string; args: VkParams }[] = [];
  let i = 0;
  while (i < body.length) {
    const head = /^,?API\.([\w.]+)\(/.exec(body.slice(i));
    if (!head) return null;
    i += head[0].length;
    const end = endOfJsonObject(body, i);
    if (end < 0 || body[end + 1] !== ')') return null;
    let raw: unknown;
    try {
      raw = JSON.parse(body.slice(i, end + 1));
    } catch {
      return null;
    }
    const args = Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    calls.push({ method: head[1]!, args });
    i = end + 2;
  }
  return calls;
}

/** The index of the `}` closing the JSON object that starts at `start`, or -1. */
function endOfJsonObject(text: string, start: number): number {
  if (text[start] !== '{') return -1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}
