// A fake of the MAX messenger's Bot API (platform-api2.max.ru), for end-to-end tests of the MAX bot
// with the real @maxhub/max-bot-api 0.3.1 (there is no MAX emulator, and MAX is out of reach from tests).
//
// What the client sends (read from node_modules/@maxhub/max-bot-api/dist, checked by
// test/e2e/max-api-fake.test.ts):
//  - core/network/api/client.js: `new URL(<route>, baseUrl)` with the query parameters that are
//    truthy (a 0, false or '' is left out: markers start at 1 here), header `Authorization: <token>`,
//    JSON bodies. Any status but 200 becomes a MaxError(status, {code, message}); a 401 always
//    reads as verify.token, whatever the body says.
//  - bot.js start(): GET /me, GET /subscriptions and DELETE /subscriptions?url= for each, then the
//    loop of core/network/polling.js: GET /updates?marker=<the last marker> (no timeout or limit, so
//    MAX's defaults, 30 s and 100), with an AbortSignal that stopPolling() fires. On 429 or 5xx it
//    waits 5 s (doubling up to 60 s) and polls again.
//  - the routes: api.js and core/network/api/modules/*/api.js; the shapes: core/network/api/types/*.d.ts.
//
// MAX's documented limits (dev.max.ru/docs-api): text up to 4000 characters; 30 requests a second
// (enforceRate); an inline keyboard of up to 210 buttons in up to 30 rows of up to 7 (3 in a row
// holding a link, request_contact or request_geo_location button); a button's text up to 128
// characters, a callback payload up to 1024. "With an active subscription long polling does not
// work" (POST /subscriptions): pushed updates then go only to the webhook. A webhook secret of 5..256
// of A-Z a-z 0-9 _ - is the rule as third-party tools state it. Error codes other than the ones the
// client's own code names (verify.token, attachment.not.ready) are the fake's best reading of MAX.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Awaited, waitFor } from './wait.js';

export interface MaxUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  /** Added: the phone a request_contact press shares (pushContact's default). */
  phone?: string;
}
export interface MaxButton {
  type: string;
  text: string;
  payload?: string;
  url?: string;
  [k: string]: unknown;
}
/** A message the bot sent, in its current (edited, deleted) state: the objects stay live. */
export interface MaxSentMessage {
  mid: string;
  chatId: number;
  chatType: 'dialog' | 'chat';
  /** The person, for a dialog. */
  userId?: number;
  text: string;
  /** As the bot sent them (or last edited them). */
  // biome-ignore lint/suspicious/noExplicitAny: attachments are whatever JSON the bot sends; tests dig into them freely
  attachments: any[];
  /** The inline_keyboard attachment's buttons, if any. */
  keyboard?: MaxButton[][];
  format?: string;
  notify?: boolean;
  /** Added: the body's `link` (a reply to or forward of another message), if the bot gave one. */
  link?: { type: string; mid: string };
  edits: number;
  deleted: boolean;
  timestamp: number;
}
export interface MaxApiCall {
  /** 'POST' */
  method: string;
  /** '/messages', '/chats/-70000000001' */
  path: string;
  /** Added: the route the path matched, as the client names it ('/chats/{chat_id}'); absent for an unknown one. */
  route?: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
  time: number;
}
export interface MaxCallbackAnswer {
  callbackId: string;
  userId: number;
  notification?: string;
  message?: unknown;
  time: number;
}
export interface MaxError {
  status: number;
  code: string;
  message: string;
}
export interface MaxUpdate {
  update_type: string;
  timestamp: number;
  [k: string]: unknown;
}
export interface MaxWebhookDelivery {
  url: string;
  /** The webhook's HTTP status, or 'error' when it could not be reached (or took over 5 s). */
  status: number | 'error';
  update: MaxUpdate;
}

/** A person's private chat with the bot (a "dialog") has its own chat id; the fake makes it from the user id. */
export const DIALOG_ID_OFFSET = 1_000_000_000;
export const MAX_TEXT_LENGTH = 4000;
export const MAX_KEYBOARD_ROWS = 30;
export const MAX_KEYBOARD_BUTTONS = 210;
export const MAX_ROW_BUTTONS = 7;
/** A row with one of these buttons holds at most 3. */
const WIDE_BUTTONS = new Set(['link', 'request_contact', 'request_geo_location']);
const BUTTON_TYPES = new Set(['callback', 'link', 'request_contact', 'request_geo_location', 'message', 'open_app', 'clipboard']);
const SENDER_ACTIONS = new Set(['typing_on', 'sending_photo', 'sending_video', 'sending_audio', 'sending_file', 'mark_seen']);
/** What a bot that is an admin may do when the test does not say (ChatPermissions of the client's types). */
const ADMIN_PERMISSIONS = ['read_all_messages', 'add_remove_members', 'add_admins', 'change_chat_info', 'pin_message', 'write', 'edit', 'delete'];
const SUBSCRIPTION_VERSION = '0.0.1';
const WEBHOOK_TIMEOUT_MS = 5000;
/** Long polls are held at most this long by default (MAX holds them `timeout` seconds, 30 by default). */
const DEFAULT_LONG_POLL_MAX_MS = 1000;

/** Attachments that name a file MAX keeps, by its token (the client's types: PhotoAttachment, AudioAttachment, ...). */
export type MaxMediaType = 'image' | 'audio' | 'video' | 'file';
const MEDIA_TYPES = new Set<string>(['image', 'audio', 'video', 'file']);
/** An attachment the fake issued in a person's message, and its token, which a bot sends back to send the file on. */
export interface MaxIssuedMedia {
  type: MaxMediaType;
  token: string;
  /** The attachment as the person's message carries it. */
  attachment: { type: MaxMediaType; payload: { url: string; token: string; photo_id?: number }; [k: string]: unknown };
}

/** MAX's refusal to write where the bot may not: a group it is not in, a person who blocked it. */
export const CHAT_DENIED = (why: string): MaxError => ({ status: 403, code: 'chat.denied', message: why });

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
/** MAX answers a malformed or over-limit request with 400 proto.payload. */
const badPayload = (message: string) => new ApiError(400, 'proto.payload', message);
const notFound = (message: string) => new ApiError(404, 'not.found', message);
const chatNotFound = (chatId: number | string) => new ApiError(404, 'chat.not.found', `Chat ${chatId} not found`);
const denied = (why: string) => new ApiError(403, 'chat.denied', why);

type Json = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: a test's matcher reads the body as it likes
type CallMatch = (call: { query: Record<string, string>; body: any }) => boolean;
/** `chat`: set by refuseWritesTo, for allowWritesTo. */
type FaultRule = { route: string; match: CallMatch; times?: number; chat?: number } & MaxError;
interface RouteCall {
  query: Record<string, string>;
  body: Json;
  params: Record<string, string>;
}
interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handle: (c: RouteCall) => unknown;
}
interface ChatState {
  chatId: number;
  type: 'dialog' | 'chat';
  title: string | null;
  /** The person, for a dialog. */
  userId?: number;
  /** Whether the bot is in the group (always true for a dialog). */
  botMember: boolean;
  botIsAdmin: boolean;
  botPermissions: string[] | null;
  botJoinTime: number;
  /** user id → join time */
  members: Map<number, number>;
  admins: Set<number>;
  lastEventTime: number;
}
interface Subscription {
  url: string;
  secret?: string;
  update_types?: string[];
  time: number;
}

export class MaxApiFake {
  readonly token: string;
  readonly botId: number;
  readonly botName: string;
  readonly botUsername: string;
  /** Every API call except GET /updates (the long polls), with its status and response. */
  readonly calls: MaxApiCall[] = [];
  /** Long polls answered so far. */
  pollCount = 0;
  /** Requests refused with 429 by enforceRate. */
  tooManyRequests = 0;

  private server?: http.Server;
  private port = 0;
  private readonly longPollMaxMs: number;
  private readonly routes: Route[];
  private readonly users = new Map<number, MaxUser>();
  private readonly chats = new Map<number, ChatState>();
  private readonly blockedBy = new Set<number>();
  private readonly sent: MaxSentMessage[] = [];
  private readonly byMid = new Map<string, MaxSentMessage>();
  private readonly seqOf = new Map<string, number>();
  /** People's messages, as delivered, for GET /messages/{message_id}. */
  private readonly incoming = new Map<string, Json>();
  private readonly answers: MaxCallbackAnswer[] = [];
  /** Callbacks not answered yet: callback_id → who pressed, on which of the bot's messages. */
  private readonly openCallbacks = new Map<string, { userId: number; mid?: string }>();
  private seq = 0;
  private lastTimestamp = 0;
  /** Updates kept for long polling; updates[i] is at marker firstMarker + i. */
  private readonly updates: MaxUpdate[] = [];
  private readonly firstMarker = 1;
  /** Where a poll without a marker starts: after everything already handed out. */
  private cursor = 1;
  private faults: FaultRule[] = [];
  private ratePerSecond?: number;
  private readonly requestTimes: number[] = [];
  private botCommands: { name: string; description?: string }[] = [];
  private subs: Subscription[] = [];
  private readonly deliveries: MaxWebhookDelivery[] = [];
  /** Per webhook url, the last delivery queued: each url gets its updates one at a time, in order. */
  private readonly deliveryQueues = new Map<string, Promise<void>>();
  private readonly pendingDeliveries = new Set<http.ClientRequest>();
  private readonly waiters = new Set<() => void>();
  /** Held long polls, each with the function that answers it now. */
  private readonly heldPolls = new Map<http.ServerResponse, () => void>();
  private closing = false;
  /** Files of people's messages, by token. */
  private readonly media = new Map<string, MaxIssuedMedia>();
  private photoId = 9_000_000_000;

  constructor(opts: { token: string; botId?: number; botName?: string; botUsername?: string; longPollMaxMs?: number }) {
    this.token = opts.token;
    this.botId = opts.botId ?? 5000;
    this.botName = opts.botName ?? 'Test bot';
    this.botUsername = opts.botUsername ?? `test_bot_${this.botId}`;
    this.longPollMaxMs = opts.longPollMaxMs ?? DEFAULT_LONG_POLL_MAX_MS;
    this.routes = this.buildRoutes();
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }
  /** Long polls being held open right now. */
  get heldPollCount() {
    return this.heldPolls.size;
  }
  /** Added: the marker after the last update kept for polling (what a poll that has seen them all sends). */
  get marker() {
    return this.firstMarker + this.updates.length;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.handleRequest(req, res).catch((error: unknown) => this.send(res, 500, { code: 'internal.error', message: String(error) }));
    });
    await new Promise<void>((ok, ko) => this.server!.listen(0, '127.0.0.1').once('listening', ok).once('error', ko));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /**
   * Answers held long polls with no updates, waits (briefly) for webhook deliveries under way, then
   * closes every socket. Stop the bots first (`bot.stopPolling()`): a running client's loop retries.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    this.closing = true;
    const closed = new Promise<void>((ok) => server.close(() => ok())); // stops accepting, drops idle keep-alive sockets
    // Held polls get their answer with `connection: close`, so a client still waiting ends its request
    // normally instead of seeing its socket reset (a reset poll is retried after 5 s, not ended).
    const held = [...this.heldPolls.keys()].map((res) => new Promise((ok) => res.socket?.once('close', ok) ?? ok(undefined)));
    this.releaseHeldPolls();
    await withGrace(Promise.all([...held, ...this.deliveryQueues.values()]), 500);
    for (const req of this.pendingDeliveries) req.destroy();
    server.closeAllConnections();
    await closed;
  }

  /**
   * Answers every held long poll now, with nothing (a held poll has nothing pending, or it would not
   * be held). Call it after stopping one bot and before pushing updates meant for the next.
   *
   * Why: the client's stopPolling() aborts its poll, but the fake learns of it only when the closed
   * socket's event comes round; an update pushed before that would be handed to a request nobody
   * reads any more, and a bot started next without a marker (as every Bot starts) would never get
   * it. A client that does not abort (its own loop, say) would go on and handle it. Released, such a
   * poll ends now with no updates, and the next update waits for the next poll.
   */
  releaseHeldPolls(): void {
    for (const answerNow of [...this.heldPolls.values()]) answerNow();
  }

  // ---- set-up ----
  /** A person the bot may write to (their dialog exists from now on). */
  addUser(user: MaxUser): void {
    this.users.set(user.id, { ...user });
    this.ensureDialog(user.id);
  }
  dialogIdOf(userId: number): number {
    return userId + DIALOG_ID_OFFSET;
  }
  /**
   * A group chat (negative id) with the bot in it from the start. Added: `admins`, members that
   * GET /chats/{id}/members reports as admins.
   */
  addChat(chat: { chatId: number; title: string; botIsAdmin?: boolean; botPermissions?: string[]; members?: number[]; admins?: number[] }): void {
    if (chat.chatId >= 0) throw new Error(`group chats have negative ids in MAX (got ${chat.chatId})`);
    const now = Date.now();
    const state: ChatState = {
      chatId: chat.chatId,
      type: 'chat',
      title: chat.title,
      botMember: true,
      botIsAdmin: chat.botIsAdmin ?? false,
      botPermissions: chat.botPermissions ?? (chat.botIsAdmin ? [...ADMIN_PERMISSIONS] : null),
      botJoinTime: now,
      members: new Map(),
      admins: new Set(chat.admins ?? []),
      lastEventTime: now,
    };
    for (const id of [...(chat.members ?? []), ...(chat.admins ?? [])]) {
      this.ensureUser(id);
      state.members.set(id, now);
    }
    this.chats.set(chat.chatId, state);
  }
  /** The bot's rights in a group, as GET /chats/{id}/members/me tells them (default permissions: all an admin has, or none). */
  setBotRights(chatId: number, rights: { admin: boolean; permissions?: string[] }): void {
    const chat = this.groupOrThrow(chatId);
    chat.botIsAdmin = rights.admin;
    chat.botPermissions = rights.permissions ?? (rights.admin ? [...ADMIN_PERMISSIONS] : null);
  }
  /** The person blocks the bot: writes to them (user_id or their dialog: send, edit, delete) get 403 chat.denied until unblockBotBy or pushBotStarted. */
  blockBotBy(userId: number): void {
    this.ensureUser(userId);
    this.blockedBy.add(userId);
  }
  unblockBotBy(userId: number): void {
    this.blockedBy.delete(userId);
  }
  /**
   * Answers calls of `route` ('POST /messages', or the client's template: 'GET /chats/{chat_id}')
   * with `error` while `match` holds, `times` times or for ever. '*' is every route but GET /updates,
   * which fails only when named.
   */
  fail(route: string | '*', match: CallMatch, error: MaxError & { times?: number }): void {
    this.faults.push({ route, match, ...error });
  }
  /** POST and PUT /messages for this chat (a dialog id, or a group) fail with `error` (403 chat.denied by default), `times` times each or until allowWritesTo. */
  refuseWritesTo(chatId: number, error: MaxError & { times?: number } = CHAT_DENIED(`Writing to chat ${chatId} is not allowed`)): void {
    for (const route of ['POST /messages', 'PUT /messages'])
      this.faults.push({ route, match: (c) => this.writeTarget(route, c.query) === chatId, chat: chatId, ...error });
  }
  allowWritesTo(chatId: number): void {
    this.faults = this.faults.filter((f) => f.chat !== chatId);
  }
  /** Refuses requests past `perSecond` within any second with 429 too.many.requests (MAX allows 30). Long polls are not counted. */
  enforceRate(perSecond: number): void {
    this.ratePerSecond = perSecond;
  }

  // ---- what people do: each builds the update, delivers it (to polling or the webhook) and returns it ----
  /** A person writes, in their dialog or (chatId) in a group the bot is in. */
  pushMessage(m: { fromId: number; chatId?: number; text?: string; attachments?: unknown[] }): MaxUpdate {
    this.ensureUser(m.fromId);
    const chat = m.chatId === undefined ? this.chats.get(this.dialogIdOf(m.fromId))! : this.chatWithBot(m.chatId, 'a message');
    if (chat.type === 'chat' && !chat.members.has(m.fromId)) chat.members.set(m.fromId, Date.now());
    const timestamp = this.now();
    const mid = this.newMid();
    const message: Json = {
      sender: this.userJson(m.fromId),
      recipient: { chat_id: chat.chatId, chat_type: chat.type, user_id: chat.type === 'dialog' ? this.botId : null },
      timestamp,
      body: { mid, seq: this.seqOf.get(mid), text: m.text ?? '', attachments: structuredClone(m.attachments ?? []) },
    };
    this.incoming.set(mid, message);
    chat.lastEventTime = timestamp;
    return this.deliver({ update_type: 'message_created', timestamp, message, user_locale: 'ru' });
  }
  /**
   * What a request_contact press sends: a message with no text and a 'contact' attachment (vcf_info
   * and max_info, the person). The phone is `contact.phone`, else the user's `phone` (MaxUser.phone);
   * with neither it throws. The name defaults to the user's full name.
   */
  pushContact(fromId: number, contact?: { phone: string; name?: string }): MaxUpdate {
    this.ensureUser(fromId);
    const user = this.users.get(fromId)!;
    const phone = contact?.phone ?? user.phone;
    if (!phone) throw new Error(`pushContact: no phone for user ${fromId}: pass one, or give MaxUser.phone in addUser`);
    const name = contact?.name ?? fullName(user);
    const vcf = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${name}\r\nTEL;TYPE=cell:${phone}\r\nEND:VCARD\r\n`;
    return this.pushMessage({ fromId, text: '', attachments: [{ type: 'contact', payload: { vcf_info: vcf, max_info: this.userJson(fromId) } }] });
  }
  pushSticker(fromId: number, chatId?: number): MaxUpdate {
    const sticker = { type: 'sticker', payload: { url: 'https://stickers.max.test/set-1/1.webp', code: 'test-sticker-1' }, width: 128, height: 128 };
    return this.pushMessage({ fromId, chatId, text: '', attachments: [sticker] });
  }
  // ---- files in people's messages: issued with a token the bot may send them on by ----
  private issue(type: MaxMediaType, fields: (token: string) => Omit<MaxIssuedMedia['attachment'], 'type'>): MaxIssuedMedia {
    const token = randomBytes(33).toString('base64url');
    const issued: MaxIssuedMedia = { type, token, attachment: { ...fields(token), type } as MaxIssuedMedia['attachment'] };
    this.media.set(token, issued);
    return issued;
  }
  /** A photo (an 'image' attachment: photo_id, token, url). */
  issueImage(): MaxIssuedMedia {
    const photoId = ++this.photoId;
    return this.issue('image', (token) => ({ payload: { photo_id: photoId, token, url: `https://i.oneme.ru/i?r=${photoId}` } }));
  }
  /** A voice message (an 'audio' attachment). */
  issueAudio(): MaxIssuedMedia {
    return this.issue('audio', (token) => ({ payload: { url: `https://vd.oneme.ru/audio/${token.slice(0, 12)}.ogg`, token } }));
  }
  /** A video (a 'video' attachment: its thumbnail, size and duration in seconds). */
  issueVideo(opts: { durationSec?: number } = {}): MaxIssuedMedia {
    return this.issue('video', (token) => ({
      payload: { url: `https://vd.oneme.ru/video/${token.slice(0, 12)}.mp4`, token },
      thumbnail: `https://i.oneme.ru/videothumb/${token.slice(0, 12)}.jpg`,
      width: 1280,
      height: 720,
      duration: opts.durationSec ?? 12,
    }));
  }
  /** A file (a 'file' attachment: filename, size in bytes). */
  issueFile(opts: { sizeBytes: number; name?: string }): MaxIssuedMedia {
    return this.issue('file', (token) => ({
      payload: { url: `https://fd.oneme.ru/file/${token.slice(0, 12)}`, token },
      filename: opts.name ?? 'document.pdf',
      size: opts.sizeBytes,
    }));
  }
  /** The issued file of a token, if any. */
  mediaOf(token: string): MaxIssuedMedia | undefined {
    return this.media.get(token);
  }
  /** A person's message with files (and `text`, their caption), in their dialog or (chatId) a group; returns the update and the files' tokens. */
  pushMedia(m: { fromId: number; chatId?: number; text?: string; media: MaxIssuedMedia[] }): { update: MaxUpdate; tokens: string[] } {
    const update = this.pushMessage({ fromId: m.fromId, chatId: m.chatId, text: m.text ?? '', attachments: m.media.map((i) => i.attachment) });
    return { update, tokens: m.media.map((i) => i.token) };
  }
  /** A person shares a location: a message with no text and a 'location' attachment. */
  pushLocation(fromId: number, location: { latitude: number; longitude: number }, chatId?: number): MaxUpdate {
    return this.pushMessage({ fromId, chatId, text: '', attachments: [{ type: 'location', latitude: location.latitude, longitude: location.longitude }] });
  }
  /** The person presses Start (from a deep link when `payload`): bot_started in their dialog. It lifts blockBotBy, as restarting a blocked bot does. */
  pushBotStarted(userId: number, payload?: string): MaxUpdate {
    this.ensureUser(userId);
    this.blockedBy.delete(userId);
    return this.deliver({
      update_type: 'bot_started',
      timestamp: this.now(),
      chat_id: this.dialogIdOf(userId),
      user: this.userJson(userId),
      payload: payload ?? null,
      user_locale: 'ru',
    });
  }
  /**
   * The person presses the button of `message` (as it is now) whose text contains `label` (or
   * matches it): a callback button gives message_callback with a fresh callback_id and its payload;
   * request_contact shares their contact (pushContact: needs MaxUser.phone); request_geo_location
   * shares `location`; a message button writes its text. Throws, listing the buttons, when none matches.
   */
  press(userId: number, message: MaxSentMessage, label: string | RegExp, location?: { latitude: number; longitude: number }): MaxUpdate {
    const current = this.byMid.get(message.mid) ?? message;
    if (current.deleted) throw new Error(`message ${current.mid} was deleted: there is nothing to press`);
    const buttons = (current.keyboard ?? []).flat();
    const button = buttons.find((b) => (typeof label === 'string' ? b.text.includes(label) : label.test(b.text)));
    if (!button) {
      const list = buttons.map((b) => `${b.type} "${b.text}"`).join(', ') || 'none';
      throw new Error(`no button ${String(label)} in message ${current.mid} in chat ${current.chatId}; its buttons: ${list}`);
    }
    switch (button.type) {
      case 'callback':
        return this.pushCallback({ userId, payload: button.payload ?? '', message: current });
      case 'request_contact':
        return this.pushContact(userId);
      case 'request_geo_location':
        if (!location) throw new Error(`button "${button.text}" shares a location: pass the one the person shares`);
        return this.pushLocation(userId, location, current.chatType === 'chat' ? current.chatId : undefined);
      case 'message':
        return this.pushMessage({ fromId: userId, chatId: current.chatType === 'chat' ? current.chatId : undefined, text: button.text });
      default:
        throw new Error(`the fake cannot press a ${button.type} button ("${button.text}")`);
    }
  }
  /**
   * A press built by the test (a forged or stale payload): on `message` if given, else on a message
   * the bot never sent (a fresh mid, no text) in `chatId` (default the person's dialog).
   */
  pushCallback(c: { userId: number; payload: string; message?: MaxSentMessage; chatId?: number }): MaxUpdate {
    this.ensureUser(c.userId);
    const callbackId = randomBytes(24).toString('base64url');
    const pressed = c.message ? (this.byMid.get(c.message.mid) ?? c.message) : undefined;
    const message = pressed ? this.toApiMessage(pressed) : this.unknownBotMessage(c.chatId ?? this.dialogIdOf(c.userId), c.userId);
    this.openCallbacks.set(callbackId, { userId: c.userId, ...(pressed ? { mid: pressed.mid } : {}) });
    const timestamp = this.now();
    return this.deliver({
      update_type: 'message_callback',
      timestamp,
      callback: { timestamp, callback_id: callbackId, payload: c.payload, user: this.userJson(c.userId) },
      message,
      user_locale: 'ru',
    });
  }
  /** `byUserId` removes the bot from a group: bot_removed, and from then on writes there get 403 chat.denied (until addBot). */
  removeBot(chatId: number, byUserId: number): MaxUpdate {
    const chat = this.groupOrThrow(chatId);
    this.ensureUser(byUserId);
    chat.botMember = false;
    return this.deliver({ update_type: 'bot_removed', timestamp: this.now(), chat_id: chatId, user: this.userJson(byUserId), is_channel: false });
  }
  /** `byUserId` adds the bot to a group (creating it, titled `title`, if new): bot_added, and the bot may write there. */
  addBot(chatId: number, byUserId: number, title?: string): MaxUpdate {
    if (!this.chats.has(chatId)) this.addChat({ chatId, title: title ?? `Chat ${chatId}` });
    const chat = this.groupOrThrow(chatId);
    if (title !== undefined) chat.title = title;
    this.ensureUser(byUserId);
    chat.botMember = true;
    chat.botJoinTime = Date.now();
    if (!chat.members.has(byUserId)) chat.members.set(byUserId, Date.now());
    return this.deliver({ update_type: 'bot_added', timestamp: this.now(), chat_id: chatId, user: this.userJson(byUserId), is_channel: false });
  }
  /** Added: `userId` joins a group the bot is in (added by `byUserId`, or by link when absent): user_added. */
  addMember(chatId: number, userId: number, byUserId?: number): MaxUpdate {
    const chat = this.chatWithBot(chatId, 'user_added');
    this.ensureUser(userId);
    chat.members.set(userId, Date.now());
    return this.deliver({
      update_type: 'user_added',
      timestamp: this.now(),
      chat_id: chatId,
      user: this.userJson(userId),
      inviter_id: byUserId ?? null,
      is_channel: false,
    });
  }
  /** Added: `userId` leaves a group the bot is in (removed by `byUserId`, or of their own accord when absent): user_removed. */
  removeMember(chatId: number, userId: number, byUserId?: number): MaxUpdate {
    const chat = this.chatWithBot(chatId, 'user_removed');
    this.ensureUser(userId);
    chat.members.delete(userId);
    chat.admins.delete(userId);
    return this.deliver({
      update_type: 'user_removed',
      timestamp: this.now(),
      chat_id: chatId,
      user: this.userJson(userId),
      admin_id: byUserId ?? null,
      is_channel: false,
    });
  }
  /** Added: `byUserId` renames a group the bot is in: chat_title_changed. */
  renameChat(chatId: number, title: string, byUserId: number): MaxUpdate {
    const chat = this.chatWithBot(chatId, 'chat_title_changed');
    this.ensureUser(byUserId);
    chat.title = title;
    return this.deliver({ update_type: 'chat_title_changed', timestamp: this.now(), chat_id: chatId, user: this.userJson(byUserId), title });
  }
  /** Delivers any update as given. */
  push(update: MaxUpdate): MaxUpdate {
    return this.deliver(update);
  }

  // ---- reading ----
  /** The bot's messages in that person's dialog, in order, in their current state; deleted ones stay, with deleted: true. */
  messagesToUser(userId: number): MaxSentMessage[] {
    return this.messagesToChat(this.dialogIdOf(userId));
  }
  /** The bot's messages in a chat (a group, or a dialog id), in order, deleted ones included (deleted: true). */
  messagesToChat(chatId: number): MaxSentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }
  allMessages(): MaxSentMessage[] {
    return [...this.sent];
  }
  message(mid: string): MaxSentMessage | undefined {
    return this.byMid.get(mid);
  }
  /** POST /answers calls that succeeded. */
  callbackAnswers(): MaxCallbackAnswer[] {
    return [...this.answers];
  }
  /** Calls of `method` on `path`: the exact path ('/chats/-7') or the route ('/chats/{chat_id}'). */
  callsOf(method: string, path: string): MaxApiCall[] {
    return this.calls.filter((c) => c.method === method && (c.path === path || c.route === path));
  }
  commands(): { name: string; description?: string }[] {
    return this.botCommands.map((c) => ({ ...c }));
  }
  subscriptions(): { url: string; secret?: string; update_types?: string[] }[] {
    return this.subs.map(({ url, secret, update_types }) => ({ url, ...(secret !== undefined ? { secret } : {}), ...(update_types ? { update_types } : {}) }));
  }
  /** Webhook deliveries that have ended (answered or failed), in the order they ended. */
  webhookDeliveries(): MaxWebhookDelivery[] {
    return [...this.deliveries];
  }
  /** Polls until `fn` returns something truthy (see ./wait.ts). */
  waitFor<T>(fn: () => T | undefined | false | null, timeoutMs?: number, what?: Awaited, stepMs?: number): Promise<T> {
    return waitFor(fn, timeoutMs, what, stepMs);
  }

  // ---- HTTP ----
  private buildRoutes(): Route[] {
    const r = (method: string, template: string, handle: (c: RouteCall) => unknown): Route => {
      const names: string[] = [];
      const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { method, template, pattern: new RegExp(`^${source}$`), names, handle };
    };
    return [
      r('GET', '/me', () => this.botInfo()),
      r('PATCH', '/me/commands', (c) => this.setCommands(c.body)),
      r('GET', '/chats', () => ({
        chats: [...this.chats.values()].filter((c) => c.type === 'chat' && c.botMember).map((c) => this.chatJson(c)),
        marker: null,
      })),
      r('GET', '/chats/{chat_id}', (c) => this.chatJson(this.readableChat(c.params.chat_id!))),
      r('GET', '/chats/{chat_id}/members/me', (c) => this.botMembership(this.readableChat(c.params.chat_id!))),
      r('DELETE', '/chats/{chat_id}/members/me', (c) => this.leaveChat(this.readableChat(c.params.chat_id!))),
      r('GET', '/chats/{chat_id}/members/admins', (c) => this.chatMembers(this.readableChat(c.params.chat_id!), undefined, true)),
      r('GET', '/chats/{chat_id}/members', (c) => this.chatMembers(this.readableChat(c.params.chat_id!), c.query.user_ids)),
      r('POST', '/chats/{chat_id}/actions', (c) => this.sendAction(this.readableChat(c.params.chat_id!), c.body)),
      r('POST', '/messages', (c) => this.sendMessage(c.query, c.body)),
      r('PUT', '/messages', (c) => this.editMessage(c.query, c.body)),
      r('DELETE', '/messages', (c) => this.deleteMessage(c.query)),
      r('GET', '/messages/{message_id}', (c) => this.getMessage(c.params.message_id!)),
      r('POST', '/answers', (c) => this.answerCallback(c.query, c.body)),
      r('GET', '/subscriptions', () => ({
        subscriptions: this.subs.map((s) => ({ url: s.url, time: s.time, update_types: s.update_types ?? [], version: SUBSCRIPTION_VERSION })),
      })),
      r('POST', '/subscriptions', (c) => this.subscribe(c.body)),
      r('DELETE', '/subscriptions', (c) => this.unsubscribe(c.query)),
    ];
  }

  private async handleRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    if (method === 'GET' && url.pathname === '/updates') return this.longPoll(req, query, res);

    const call: MaxApiCall = { method, path: url.pathname, query, body: undefined, status: 0, response: undefined, time: Date.now() };
    this.calls.push(call);
    let status = 200;
    let response: unknown;
    try {
      response = this.apiCall(call, raw, req.headers.authorization);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.status;
      response = { code: error.code, message: error.message };
    }
    call.status = status;
    call.response = response;
    this.send(res, status, response);
  }

  /** Authorization, the rate, the faults the test set, then the route. */
  private apiCall(call: MaxApiCall, raw: string, authorization: string | undefined): unknown {
    const found = this.findRoute(call.method, call.path);
    if (found) call.route = found.route.template;
    try {
      call.body = raw ? JSON.parse(raw) : undefined;
    } catch {
      throw badPayload('the request body is not valid JSON');
    }
    if (authorization !== this.token) throw new ApiError(401, 'verify.token', 'Invalid access_token');
    if (this.overRate(call.time)) {
      this.tooManyRequests += 1;
      throw new ApiError(429, 'too.many.requests', `Too many requests: at most ${this.ratePerSecond} a second`);
    }
    if (!found) throw notFound(`Path ${call.path} not found (${call.method})`);
    this.applyFaults(call.route!, call);
    const body = isObject(call.body) ? call.body : {};
    return found.route.handle({ query: call.query, body, params: found.params });
  }

  private findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m) return { route, params: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    }
    return undefined;
  }

  private applyFaults(route: string, call: { method: string; path: string; query: Record<string, string>; body: unknown }) {
    const names = [`${call.method} ${call.path}`, `${call.method} ${route}`];
    const isPoll = route === '/updates';
    const rule = this.faults.find((f) => (names.includes(f.route) || (f.route === '*' && !isPoll)) && f.match({ query: call.query, body: call.body }));
    if (!rule) return;
    if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
    throw new ApiError(rule.status, rule.code, rule.message);
  }

  private overRate(now: number): boolean {
    if (this.ratePerSecond === undefined) return false;
    while (this.requestTimes.length > 0 && now - this.requestTimes[0]! >= 1000) this.requestTimes.shift();
    if (this.requestTimes.length >= this.ratePerSecond) return true;
    this.requestTimes.push(now);
    return false;
  }

  private send(res: http.ServerResponse, status: number, body: unknown) {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(this.closing ? { connection: 'close' } : {}) }).end(JSON.stringify(body));
  }

  // ---- long polling ----
  private longPoll(req: http.IncomingMessage, query: Record<string, string>, res: http.ServerResponse) {
    if (req.headers.authorization !== this.token) return this.send(res, 401, { code: 'verify.token', message: 'Invalid access_token' });
    try {
      this.applyFaults('/updates', { method: 'GET', path: '/updates', query, body: undefined });
    } catch (error) {
      const e = error as ApiError;
      return this.send(res, e.status, { code: e.code, message: e.message });
    }
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    const timeout = query.timeout === undefined ? 30 : Number(query.timeout);
    const from = query.marker === undefined ? this.cursor : Number(query.marker);
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) return this.send(res, 400, { code: 'proto.payload', message: 'limit must be 1..1000' });
    if (!(Number.isInteger(timeout) && timeout >= 0 && timeout <= 90)) return this.send(res, 400, { code: 'proto.payload', message: 'timeout must be 0..90' });
    if (!Number.isInteger(from)) return this.send(res, 400, { code: 'proto.payload', message: 'marker must be an integer' });
    const types = (query.types ?? '').split(',').filter(Boolean);
    const take = () => this.pendingFrom(from, types, limit);
    const answer = () => {
      // A client that went away (its close event not handled yet) consumes nothing.
      if (res.destroyed || req.socket.destroyed) return;
      const { updates, next } = take();
      this.pollCount += 1;
      this.cursor = Math.max(this.cursor, next);
      this.send(res, 200, { updates, marker: next });
    };
    if (take().updates.length > 0) return answer();
    const waitMs = Math.min(timeout * 1000, this.longPollMaxMs);
    if (!(waitMs > 0)) return answer();

    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      this.waiters.delete(wake);
      this.heldPolls.delete(res);
    };
    const answerNow = () => {
      done();
      answer();
    };
    // An update of a type this poll does not ask for leaves it held.
    const wake = () => {
      if (take().updates.length > 0) answerNow();
    };
    timer = setTimeout(answerNow, waitMs);
    this.waiters.add(wake);
    this.heldPolls.set(res, answerNow);
    res.on('close', done); // the client gave up (stopPolling aborts): nothing is consumed
  }

  /** Up to `limit` kept updates of `types` (all when empty) from marker `from` on, and the marker after the last one looked at. */
  private pendingFrom(from: number, types: string[], limit: number): { updates: MaxUpdate[]; next: number } {
    const updates: MaxUpdate[] = [];
    let i = Math.min(Math.max(from, this.firstMarker), this.marker) - this.firstMarker;
    for (; i < this.updates.length && updates.length < limit; i++) {
      const update = this.updates[i]!;
      if (types.length === 0 || types.includes(update.update_type)) updates.push(update);
    }
    return { updates, next: this.firstMarker + i };
  }

  /** With a subscription, to its webhook (not kept for polling, as MAX does); without, kept for polling. */
  private deliver(update: MaxUpdate): MaxUpdate {
    if (this.subs.length > 0) {
      for (const sub of this.subs) if (!sub.update_types?.length || sub.update_types.includes(update.update_type)) this.queueDelivery(sub, update);
      return update;
    }
    this.updates.push(update);
    for (const wake of [...this.waiters]) wake();
    return update;
  }

  // ---- webhook ----
  private queueDelivery(sub: Subscription, update: MaxUpdate) {
    const previous = this.deliveryQueues.get(sub.url) ?? Promise.resolve();
    const next = previous.then(() => this.postUpdate(sub, update));
    this.deliveryQueues.set(sub.url, next);
    void next.then(() => {
      if (this.deliveryQueues.get(sub.url) === next) this.deliveryQueues.delete(sub.url);
    });
  }

  /** One POST of the update as JSON, with X-Max-Bot-Api-Secret when the subscription has a secret; a fresh connection each time. */
  private postUpdate(sub: Subscription, update: MaxUpdate): Promise<void> {
    return new Promise((resolve) => {
      let ended = false;
      const end = (status: number | 'error') => {
        if (ended) return;
        ended = true;
        this.pendingDeliveries.delete(req);
        this.deliveries.push({ url: sub.url, status, update });
        resolve();
      };
      const body = JSON.stringify(update);
      const target = new URL(sub.url);
      const request = target.protocol === 'https:' ? https.request : http.request;
      const req = request(target, {
        method: 'POST',
        agent: false,
        timeout: WEBHOOK_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          ...(sub.secret !== undefined ? { 'x-max-bot-api-secret': sub.secret } : {}),
        },
      });
      this.pendingDeliveries.add(req);
      req.on('response', (res) => {
        res.resume();
        res.on('close', () => end(res.complete ? (res.statusCode ?? 'error') : 'error'));
      });
      req.on('timeout', () => req.destroy(new Error('webhook timeout')));
      req.on('error', () => end('error'));
      req.end(body);
    });
  }

  private subscribe(body: Json): unknown {
    const { url, secret, update_types: types } = body;
    if (typeof url !== 'string' || !URL.canParse(url)) throw badPayload('url: a webhook URL is required');
    if (secret !== undefined && secret !== null && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{5,256}$/.test(secret)))
      throw badPayload('secret: 5..256 characters of A-Z, a-z, 0-9, _ and -');
    if (types !== undefined && types !== null && (!Array.isArray(types) || types.some((t) => typeof t !== 'string')))
      throw badPayload('update_types: a list of update types');
    this.subs = this.subs.filter((s) => s.url !== url); // the same url again replaces it
    this.subs.push({
      url,
      time: Date.now(),
      ...(typeof secret === 'string' ? { secret } : {}),
      ...(Array.isArray(types) && types.length > 0 ? { update_types: types as string[] } : {}),
    });
    return { success: true };
  }

  private unsubscribe(query: Record<string, string>): unknown {
    if (!query.url) throw badPayload('url is required');
    this.subs = this.subs.filter((s) => s.url !== query.url);
    return { success: true };
  }

  // ---- the bot ----
  private botUser() {
    return { user_id: this.botId, name: this.botName, first_name: this.botName, username: this.botUsername, is_bot: true, last_activity_time: Date.now() };
  }

  private botInfo() {
    return { ...this.botUser(), description: null, ...(this.botCommands.length > 0 ? { commands: this.commands() } : {}) };
  }

  private setCommands(body: Json): unknown {
    const list = body.commands;
    if (!Array.isArray(list)) throw badPayload('commands: a list is required');
    const commands = list.map((c: unknown, i) => {
      if (!isObject(c) || typeof c.name !== 'string' || c.name.length === 0) throw badPayload(`commands[${i}].name is required`);
      return { name: c.name, ...(typeof c.description === 'string' ? { description: c.description } : {}) };
    });
    this.botCommands = commands;
    return this.botInfo();
  }

  // ---- chats ----
  private ensureUser(userId: number) {
    if (!this.users.has(userId)) this.users.set(userId, { id: userId, firstName: `User${userId}` });
    this.ensureDialog(userId);
  }

  private ensureDialog(userId: number) {
    const chatId = this.dialogIdOf(userId);
    if (this.chats.has(chatId)) return;
    const now = Date.now();
    this.chats.set(chatId, {
      chatId,
      type: 'dialog',
      title: null,
      userId,
      botMember: true,
      botIsAdmin: false,
      botPermissions: null,
      botJoinTime: now,
      members: new Map([[userId, now]]),
      admins: new Set(),
      lastEventTime: now,
    });
  }

  private groupOrThrow(chatId: number): ChatState {
    const chat = this.chats.get(chatId);
    if (chat?.type !== 'chat') throw new Error(`no group chat ${chatId}: addChat (or addBot) first`);
    return chat;
  }

  /** A group the bot is in, for an update from it (the bot gets nothing from a chat it is not in). */
  private chatWithBot(chatId: number, what: string): ChatState {
    const chat = this.groupOrThrow(chatId);
    if (!chat.botMember) throw new Error(`the bot is not in chat ${chatId}, so it would get no ${what} there: addBot first`);
    return chat;
  }

  /** A chat by the id in a path, for reading it: 404 if never known, 403 if the bot has left it. */
  private readableChat(rawId: string): ChatState {
    const chatId = Number(rawId);
    if (!Number.isInteger(chatId)) throw badPayload(`chat_id: ${rawId} is not a number`);
    const chat = this.chats.get(chatId);
    if (!chat) throw chatNotFound(chatId);
    if (!chat.botMember) throw denied(`The bot is not a member of chat ${chatId}`);
    return chat;
  }

  /** Whether the bot may write to the chat: 403 chat.denied for a group it is not in and a person who blocked it. */
  private assertCanWrite(chat: ChatState) {
    if (chat.type === 'chat' && !chat.botMember) throw denied(`The bot is not a member of chat ${chat.chatId}`);
    if (chat.type === 'dialog' && this.blockedBy.has(chat.userId!)) throw denied(`User ${chat.userId} has blocked the bot`);
  }

  /** The chat POST /messages writes to: ?user_id= is that person's dialog, ?chat_id= a dialog or a group. */
  private chatToWrite(query: Record<string, string>): ChatState {
    if (query.user_id !== undefined) {
      const userId = Number(query.user_id);
      if (!this.users.has(userId)) throw new ApiError(404, 'chat.not.found', `Chat with user ${query.user_id} not found`);
      return this.chats.get(this.dialogIdOf(userId))!;
    }
    if (query.chat_id !== undefined) {
      const chat = this.chats.get(Number(query.chat_id));
      if (!chat) throw chatNotFound(query.chat_id);
      return chat;
    }
    throw badPayload('chat_id or user_id is required');
  }

  /** For refuseWritesTo: the chat a POST or PUT /messages concerns. */
  private writeTarget(route: string, query: Record<string, string>): number | undefined {
    if (route === 'PUT /messages') return this.byMid.get(query.message_id ?? '')?.chatId;
    if (query.user_id !== undefined) return this.dialogIdOf(Number(query.user_id));
    return query.chat_id !== undefined ? Number(query.chat_id) : undefined;
  }

  private chatJson(chat: ChatState) {
    if (chat.type === 'dialog') {
      return {
        chat_id: chat.chatId,
        type: 'dialog',
        status: 'active',
        title: null,
        participants_count: 2,
        is_public: false,
        last_event_time: chat.lastEventTime,
        icon: null,
        dialog_with_user: this.userJson(chat.userId!),
      };
    }
    return {
      chat_id: chat.chatId,
      type: 'chat',
      status: 'active',
      title: chat.title,
      participants_count: chat.members.size + 1,
      is_public: false,
      last_event_time: chat.lastEventTime,
      icon: null,
    };
  }

  private botMembership(chat: ChatState) {
    return {
      ...this.botUser(),
      last_access_time: Date.now(),
      is_owner: false,
      is_admin: chat.botIsAdmin,
      join_time: chat.botJoinTime,
      permissions: chat.botPermissions ? [...chat.botPermissions] : null,
    };
  }

  private memberJson(chat: ChatState, userId: number) {
    const admin = chat.admins.has(userId);
    return {
      ...this.userJson(userId),
      last_access_time: Date.now(),
      is_owner: false,
      is_admin: admin,
      join_time: chat.members.get(userId) ?? chat.lastEventTime,
      permissions: admin ? [...ADMIN_PERMISSIONS] : null,
    };
  }

  /** The members asked for (user_ids), or all, the bot included; admins only for /members/admins. */
  private chatMembers(chat: ChatState, userIds: string | undefined, adminsOnly = false) {
    const wanted = userIds ? userIds.split(',').filter(Boolean).map(Number) : undefined;
    const ids = [...chat.members.keys()].filter((id) => (!wanted || wanted.includes(id)) && (!adminsOnly || chat.admins.has(id)));
    const members: unknown[] = ids.map((id) => this.memberJson(chat, id));
    if ((!wanted || wanted.includes(this.botId)) && (!adminsOnly || chat.botIsAdmin)) members.push(this.botMembership(chat));
    return { members, marker: null };
  }

  private sendAction(chat: ChatState, body: Json) {
    if (typeof body.action !== 'string' || !SENDER_ACTIONS.has(body.action)) throw badPayload(`action: one of ${[...SENDER_ACTIONS].join(', ')}`);
    this.assertCanWrite(chat);
    return { success: true };
  }

  private leaveChat(chat: ChatState) {
    if (chat.type !== 'chat') throw badPayload('the bot can leave group chats only');
    chat.botMember = false;
    return { success: true };
  }

  // ---- messages ----
  private sendMessage(query: Record<string, string>, body: Json): unknown {
    const chat = this.chatToWrite(query);
    this.assertCanWrite(chat);
    checkContent(body);
    this.checkMedia(body);
    if (!body.text && !(Array.isArray(body.attachments) && body.attachments.length > 0)) throw badPayload('text or attachments: the message is empty');
    const mid = this.newMid();
    const attachments = structuredClone(Array.isArray(body.attachments) ? body.attachments : []);
    const keyboard = keyboardOf(attachments);
    const link = isObject(body.link) && typeof body.link.mid === 'string' ? { type: String(body.link.type), mid: body.link.mid } : undefined;
    const msg: MaxSentMessage = {
      mid,
      chatId: chat.chatId,
      chatType: chat.type,
      ...(chat.type === 'dialog' ? { userId: chat.userId } : {}),
      text: typeof body.text === 'string' ? body.text : '',
      attachments,
      ...(keyboard ? { keyboard } : {}),
      ...(typeof body.format === 'string' ? { format: body.format } : {}),
      ...(typeof body.notify === 'boolean' ? { notify: body.notify } : {}),
      ...(link ? { link } : {}),
      edits: 0,
      deleted: false,
      timestamp: Date.now(),
    };
    this.sent.push(msg);
    this.byMid.set(mid, msg);
    chat.lastEventTime = msg.timestamp;
    return { message: this.toApiMessage(msg) };
  }

  /**
   * Files and locations of a message the bot sends: a file by the token of one the fake issued (an
   * image may come by url or photos instead, which MAX fetches itself), a location in range. MAX
   * answers a file without a token "Missing `token` in ... attachment" (400 proto.payload); its
   * answer to a token it does not know, or one of another type, is the fake's reading.
   */
  private checkMedia(body: Json) {
    if (!Array.isArray(body.attachments)) return;
    for (const [i, a] of (body.attachments as Json[]).entries()) {
      if (a.type === 'location') {
        const { latitude, longitude } = a;
        if (typeof latitude !== 'number' || typeof longitude !== 'number' || !(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180))
          throw badPayload(`attachments[${i}]: a location needs latitude -90..90 and longitude -180..180`);
        continue;
      }
      if (!MEDIA_TYPES.has(String(a.type))) continue;
      const payload = isObject(a.payload) ? a.payload : {};
      if (a.type === 'image' && payload.token == null && (payload.url != null || payload.photos != null)) continue;
      if (typeof payload.token !== 'string' || payload.token === '') throw badPayload(`Missing \`token\` in ${String(a.type)} attachment`);
      const issued = this.media.get(payload.token);
      if (!issued) throw badPayload(`Invalid \`token\` in ${String(a.type)} attachment: no such file`);
      if (issued.type !== a.type) throw badPayload(`Invalid \`token\` in ${String(a.type)} attachment: it names a file of type ${issued.type}`);
    }
  }

  /** Attachments as MAX gives them back: a file sent by its token in full (url, photo_id, filename, ...). */
  private expandMedia(attachments: unknown[]): unknown[] {
    return attachments.map((a) => {
      const token = isObject(a) && isObject(a.payload) ? a.payload.token : undefined;
      const issued = typeof token === 'string' ? this.media.get(token) : undefined;
      return structuredClone(issued && issued.type === (a as Json).type ? issued.attachment : a);
    });
  }

  /** The bot's own message, not deleted: 404 not.found otherwise. */
  private ownMessage(mid: string | undefined): MaxSentMessage {
    const msg = this.byMid.get(mid ?? '');
    if (!msg || msg.deleted) throw notFound(`Message ${mid ?? '(none)'} not found`);
    return msg;
  }

  private editMessage(query: Record<string, string>, body: Json): unknown {
    const msg = this.ownMessage(query.message_id);
    this.assertCanWrite(this.chats.get(msg.chatId)!);
    checkContent(body);
    this.checkMedia(body);
    if (body.text == null && body.attachments == null) throw badPayload('text or attachments: nothing to edit');
    this.applyEdit(msg, body);
    return { success: true };
  }

  /**
   * An edit as MAX applies it: text given replaces the text (and its format); `attachments` absent
   * (or null) keeps the old ones, `[]` removes them all (how a bot takes a keyboard away), a list
   * replaces them.
   */
  private applyEdit(msg: MaxSentMessage, body: Json) {
    if (typeof body.text === 'string') {
      msg.text = body.text;
      if (typeof body.format === 'string') msg.format = body.format;
      else delete msg.format;
    }
    if (Array.isArray(body.attachments)) {
      msg.attachments = structuredClone(body.attachments);
      const keyboard = keyboardOf(msg.attachments);
      if (keyboard) msg.keyboard = keyboard;
      else delete msg.keyboard;
    }
    if (typeof body.notify === 'boolean') msg.notify = body.notify;
    msg.edits += 1;
  }

  private deleteMessage(query: Record<string, string>): unknown {
    const msg = this.ownMessage(query.message_id);
    this.assertCanWrite(this.chats.get(msg.chatId)!);
    msg.deleted = true;
    return { success: true };
  }

  private getMessage(mid: string): unknown {
    const theirs = this.incoming.get(mid);
    if (theirs) return structuredClone(theirs);
    return this.toApiMessage(this.ownMessage(mid));
  }

  /** POST /answers: once per callback_id; with `message`, the pressed message becomes it (an edit). */
  private answerCallback(query: Record<string, string>, body: Json): unknown {
    const callbackId = query.callback_id ?? '';
    const open = this.openCallbacks.get(callbackId);
    if (!open) throw badPayload(`callback_id ${callbackId || '(none)'} is unknown or already answered`);
    const { notification, message } = body;
    if (notification == null && message == null) throw badPayload('notification or message is required');
    if (notification != null && typeof notification !== 'string') throw badPayload('notification must be a string');
    if (message != null) {
      if (!isObject(message)) throw badPayload('message must be an object');
      checkContent(message);
      this.checkMedia(message);
      const pressed = open.mid ? this.byMid.get(open.mid) : undefined;
      if (pressed && !pressed.deleted) {
        this.assertCanWrite(this.chats.get(pressed.chatId)!);
        this.applyEdit(pressed, message);
      }
    }
    this.openCallbacks.delete(callbackId);
    this.answers.push({
      callbackId,
      userId: open.userId,
      ...(typeof notification === 'string' ? { notification } : {}),
      ...(message != null ? { message: structuredClone(message) } : {}),
      time: Date.now(),
    });
    return { success: true };
  }

  private toApiMessage(m: MaxSentMessage) {
    return {
      sender: this.botUser(),
      recipient: { chat_id: m.chatId, chat_type: m.chatType, user_id: m.userId ?? null },
      timestamp: m.timestamp,
      body: { mid: m.mid, seq: this.seqOf.get(m.mid) ?? 0, text: m.text, attachments: this.expandMedia(m.attachments) },
    };
  }

  /** What pushCallback puts in a press on a message the bot never sent. */
  private unknownBotMessage(chatId: number, userId: number) {
    const dialog = chatId > 0;
    const mid = this.newMid();
    return {
      sender: this.botUser(),
      recipient: { chat_id: chatId, chat_type: dialog ? 'dialog' : 'chat', user_id: dialog ? userId : null },
      timestamp: Date.now(),
      body: { mid, seq: this.seqOf.get(mid), text: '', attachments: [] },
    };
  }

  private userJson(userId: number) {
    const user = this.users.get(userId) ?? { id: userId, firstName: `User${userId}` };
    return {
      user_id: userId,
      name: fullName(user),
      first_name: user.firstName,
      last_name: user.lastName ?? '',
      username: user.username ?? null,
      is_bot: false,
      last_activity_time: Date.now(),
    };
  }

  /** 'mid.' and 16 hex digits, unique; each message also gets the next seq. */
  private newMid(): string {
    let mid: string;
    do mid = `mid.${randomBytes(8).toString('hex')}`;
    while (this.seqOf.has(mid));
    this.seq += 1;
    this.seqOf.set(mid, this.seq);
    return mid;
  }

  /**
   * An update's timestamp (ms): strictly increasing, so no two updates share (update_type,
   * timestamp), which the client uses as an update's name and a bot may use to drop duplicates.
   */
  private now(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const fullName = (u: MaxUser) => (u.lastName ? `${u.firstName} ${u.lastName}` : u.firstName);

/** The first inline_keyboard attachment's buttons. */
function keyboardOf(attachments: unknown[]): MaxButton[][] | undefined {
  const kb = attachments.find((a): a is { type: string; payload: { buttons: MaxButton[][] } } => isObject(a) && a.type === 'inline_keyboard');
  return kb ? structuredClone(kb.payload.buttons) : undefined;
}

/** A new message body's (or an edit's) text, format, notify and attachments, checked as MAX does: 400 proto.payload. */
function checkContent(body: Json) {
  const { text, attachments, format, notify } = body;
  if (text != null && typeof text !== 'string') throw badPayload('text must be a string');
  // String length, as MAX's (JVM) backend counts it, presumably: UTF-16 code units.
  if (typeof text === 'string' && text.length > MAX_TEXT_LENGTH)
    throw badPayload(`text: size must be between 0 and ${MAX_TEXT_LENGTH}, and it is ${text.length}`);
  if (format != null && format !== 'markdown' && format !== 'html') throw badPayload('format: markdown or html');
  if (notify != null && typeof notify !== 'boolean') throw badPayload('notify must be a boolean');
  if (attachments == null) return;
  if (!Array.isArray(attachments)) throw badPayload('attachments must be a list');
  for (const [i, a] of attachments.entries()) {
    if (!isObject(a) || typeof a.type !== 'string') throw badPayload(`attachments[${i}].type is required`);
    if (a.type === 'inline_keyboard') checkKeyboard(a.payload);
  }
}

/** An inline keyboard within MAX's limits: 30 rows, 7 a row (3 with a wide button), 210 in all, texts 1..128, callback payloads 1..1024. */
function checkKeyboard(payload: unknown) {
  const bad = (why: string) => badPayload(`Invalid inline keyboard: ${why}`);
  const rows = isObject(payload) ? payload.buttons : undefined;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) throw bad('payload.buttons must be a list of rows');
  if (rows.length > MAX_KEYBOARD_ROWS) throw bad(`at most ${MAX_KEYBOARD_ROWS} rows, and there are ${rows.length}`);
  const total = rows.reduce((n: number, row: unknown[]) => n + row.length, 0);
  if (total > MAX_KEYBOARD_BUTTONS) throw bad(`at most ${MAX_KEYBOARD_BUTTONS} buttons, and there are ${total}`);
  for (const [r, row] of (rows as unknown[][]).entries()) {
    const wide = row.some((b) => isObject(b) && WIDE_BUTTONS.has(String(b.type)));
    const limit = wide ? 3 : MAX_ROW_BUTTONS;
    if (row.length > limit)
      throw bad(`row ${r + 1} has ${row.length} buttons, at most ${limit}${wide ? ' with a link, request_contact or request_geo_location button' : ''}`);
    for (const [c, b] of row.entries()) {
      const where = `button ${c + 1} of row ${r + 1}`;
      if (!isObject(b) || typeof b.type !== 'string' || !BUTTON_TYPES.has(b.type)) throw bad(`${where}: unknown type ${isObject(b) ? String(b.type) : ''}`);
      if (typeof b.text !== 'string' || b.text.length === 0 || b.text.length > 128) throw bad(`${where}: text must be 1..128 characters`);
      if (b.type === 'callback' && (typeof b.payload !== 'string' || b.payload.length === 0 || b.payload.length > 1024))
        throw bad(`${where}: payload must be 1..1024 characters`);
      if (b.type === 'link' && (typeof b.url !== 'string' || b.url.length === 0)) throw bad(`${where}: url is required`);
    }
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Waits for `promise`, but not longer than `ms`. */
async function withGrace(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise((ok) => {
      timer = setTimeout(ok, ms);
    }),
  ]);
  clearTimeout(timer);
}
