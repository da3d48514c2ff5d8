// Test harness around telegram-test-api 4.2.1: a front express app that
// (a) intercepts/records Bot API calls, (b) injects errors (403/429/...),
// (c) stubs unsupported methods (and keeps contact cards, which it lacks), (d) long-polls getUpdates,
// (e) keeps the files people send (photos, voice notes, videos, documents) by file_id and answers a
// bot that sends them on by reference, and (f) forwards everything else to the emulator's own express
// app (used as a sub-app).
//
// Files by reference follow the official Bot API server (tdlib/telegram-bot-api, Client.cpp) and
// TDLib (td/telegram): its error texts are TDLib's, with the first letter lowered and "Bad Request: "
// before them, as Client::fail_query_with_error writes them.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js'; // typed named export (default import mis-types under NodeNext)
import { waitFor, type Awaited } from './wait.js';

export interface BotCall {
  method: string;
  token: string;
  payload: Record<string, any>;
  time: number;
}
export interface Fault {
  error_code: number;
  description: string;
  parameters?: Record<string, unknown>;
  times?: number;
}
type FaultRule = { method: string; match: (p: Record<string, any>) => boolean } & Fault;

const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'] as const;

/** What a file_id stands for; a file_id sends only a file of its own kind. */
export type TgFileKind = 'photo' | 'voice' | 'video' | 'document' | 'audio';
/** A PhotoSize of the Bot API: each size of a photo is a file of its own. */
export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size: number;
}
/** A file sent on by the bot (by file_id, or uploaded), as filesSentTo lists it. */
export interface TgSentFile {
  method: string;
  kind: TgFileKind;
  fileId: string;
  caption?: string;
  messageId: number;
  /** Set for each item of an album (sendMediaGroup of two or more). */
  mediaGroupId?: string;
}
/** A location the bot sent (sendLocation). */
export interface TgSentLocation {
  latitude: number;
  longitude: number;
  messageId: number;
}
/** The Bot API's method for each kind of file, and its parameter. */
const FILE_METHODS: Record<string, TgFileKind> = { sendPhoto: 'photo', sendVoice: 'voice', sendVideo: 'video', sendDocument: 'document', sendAudio: 'audio' };
/** Sends that are messages, and so count toward a chat's limits (an album counts as its items). */
const PACED_METHODS = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup', ...Object.keys(FILE_METHODS), 'sendMediaGroup', 'sendLocation']);
/** TDLib's names of file types, as its "can't use file of type" error names them (FileType.cpp). */
const TDLIB_FILE_TYPE: Record<TgFileKind, string> = { photo: 'Photo', voice: 'VoiceNote', video: 'Video', document: 'Document', audio: 'Audio' };
/** How Telegram's file ids begin for each kind (they are opaque; the prefix only makes logs readable). */
const FILE_ID_PREFIX: Record<TgFileKind, string> = {
  photo: 'AgACAgIAAxkBAAI',
  voice: 'AwACAgIAAxkBAAI',
  video: 'BAACAgIAAxkBAAI',
  document: 'BQACAgIAAxkBAAI',
  audio: 'CQACAgIAAxkBAAI',
};
/** TDLib's limit of items in an album (MessageContent.cpp, check_message_group_message_contents). */
const MAX_ALBUM_ITEMS = 10;
/** A Bot API refusal, answered as the server does. */
class TgRefusal extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
  ) {
    super(description);
  }
}
const badRequest = (what: string) => new TgRefusal(400, `Bad Request: ${what}`);
const WRONG_FILE_ID = badRequest('wrong file identifier/HTTP URL specified');
// Methods the emulator doesn't know; answered with ok:true (result true unless given).
const DEFAULT_STUBS: Record<string, unknown> = {
  setMyCommands: true,
  deleteMyCommands: true,
  setChatMenuButton: true,
  setMyDescription: true,
  setMyShortDescription: true,
  sendChatAction: true,
  pinChatMessage: true,
  unpinChatMessage: true,
  // The bot's own membership and the group's permissions, asked at /bind: a member of a group where
  // members may write, unless a test says otherwise.
  getChatMember: { status: 'member', user: { id: 123456, is_bot: true, first_name: 'Bot', username: 'Bot' } },
  getChat: { id: -1, type: 'supergroup', title: 'Group', permissions: { can_send_messages: true } },
};

export class TgEmulator {
  readonly server: TelegramServer;
  readonly calls: BotCall[] = [];
  private faults: FaultRule[] = [];
  private stubs: Record<string, unknown> = { ...DEFAULT_STUBS };
  private http?: http.Server;
  private longPollMaxMs: number;
  private listenPort: number;

  constructor(opts: { port?: number; host?: string; longPollMaxMs?: number } = {}) {
    // storeTimeout is in seconds; cleanup daemon only runs if server.start() is called (we don't).
    this.listenPort = opts.port ?? 0; // emulator's normalizeConfig turns 0 into 9000, so we listen ourselves
    this.server = new TelegramServer({ port: this.listenPort || 9000, host: opts.host ?? '127.0.0.1', storeTimeout: 3600 });
    this.longPollMaxMs = opts.longPollMaxMs ?? 250;
  }

  get apiRoot() {
    return this.server.config.apiURL;
  }

  async start() {
    const app = express();
    app.use(express.json({ limit: '10mb' })); // inner app's parsers then skip (req._body set)
    app.use(express.urlencoded({ extended: true }));
    app.use((req, _res, next) => {
      if (req.is('multipart/form-data'))
        readMultipart(req).then((body) => {
          req.body = body;
          next();
        }, next);
      else next();
    });
    app.all('/bot:token/:method', (req, res, next) => this.handleBotCall(req, res, next));
    app.use((this.server as any).webServer); // emulator's express app as sub-app
    this.http = http.createServer(app);
    await new Promise<void>((ok, ko) => this.http!.listen(this.listenPort, this.server.config.host).once('listening', ok).once('error', ko));
    const port = (this.http.address() as AddressInfo).port;
    // keep client URLs (server.getClient) consistent with the real port
    Object.assign(this.server.config, { port, apiURL: `${this.server.config.protocol}://${this.server.config.host}:${port}` });
  }

  async stop() {
    this.server.removeAllListeners();
    await new Promise<void>((ok) => {
      this.http?.close(() => ok());
      this.http?.closeAllConnections();
    });
  }

  // ---- Telegram's limits ----
  private limits?: { groupMs: number; privateMs: number };
  private lastSentAt = new Map<string, number>();
  /** 429 answers the emulator gave because a chat was written to faster than its limit. */
  limitViolations = 0;
  /** Answers 429 (retry_after 1) to a message or edit that comes sooner than the chat's interval allows. */
  enforceChatIntervals(limits: { groupMs: number; privateMs: number }) {
    this.limits = limits;
  }
  // Telegram states its group limit as "20 messages a minute": a count in a sliding window, which
  // tolerates the jitter between a sender's clock and the server's that a strict gap would not.
  private rates?: { group: { count: number; windowMs: number }; private: { count: number; windowMs: number } };
  private recentSends = new Map<string, number[]>();
  /** Answers 429 (retry_after 1) to a message or edit beyond `count` in any `windowMs` for its chat. */
  enforceChatRates(rates: { group: { count: number; windowMs: number }; private: { count: number; windowMs: number } }) {
    this.rates = rates;
  }
  /** `messages`: how many messages the call sends (an album's items). */
  private tooFast(method: string, payload: Record<string, any>, messages = 1): boolean {
    if (!PACED_METHODS.has(method)) return false;
    const chat = String(payload.chat_id);
    if (this.rates) {
      const { count, windowMs } = chat.startsWith('-') ? this.rates.group : this.rates.private;
      const now = Date.now();
      const recent = (this.recentSends.get(chat) ?? []).filter((t) => now - t < windowMs);
      if (count > 0 && recent.length + messages > count) return true;
      this.recentSends.set(chat, [...recent, ...Array(messages).fill(now)]);
    }
    if (!this.limits) return false;
    const interval = chat.startsWith('-') ? this.limits.groupMs : this.limits.privateMs;
    const now = Date.now();
    const last = this.lastSentAt.get(chat);
    if (last !== undefined && now - last < interval) return true;
    this.lastSentAt.set(chat, now);
    return false;
  }

  // ---- fault injection / stubs ----
  fail(method: string, match: (payload: Record<string, any>) => boolean, fault: Fault) {
    this.faults.push({ method, match, ...fault });
  }
  forbidChat(chatId: number) {
    this.fail('*', (p) => String(p.chat_id) === String(chatId), { error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
  }
  rateLimit(method: string, retryAfter: number, times = 1) {
    this.fail(method, () => true, {
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
      times,
    });
  }
  stub(method: string, result: unknown = true) {
    this.stubs[method] = result;
  }

  // ---- assertions helpers ----
  callsOf(method: string) {
    return this.calls.filter((c) => c.method === method);
  }
  /** messages the bot sent to chatId, current (edited) state */
  sentTo(token: string, chatId: number) {
    return this.server.storage.botMessages.filter((m) => m.botToken === token && String((m.message as any).chat_id) === String(chatId));
  }
  /**
   * Hands the bot an update the emulator cannot make itself (my_chat_member, a service message such
   * as a group's migration), in turn with the others; `update` is all of it but the update_id.
   */
  pushUpdate(token: string, update: Record<string, unknown>) {
    const srv = this.server as unknown as { storage: { userMessages: any[] }; updateId: number; messageId: number; emit(event: string): void };
    srv.storage.userMessages.push({ time: Date.now(), botToken: token, updateId: srv.updateId++, messageId: srv.messageId++, isRead: false, raw: update });
    srv.emit('AddedUserMessage');
  }

  /** The unread updates of a bot, as getUpdates answers them: the emulator's own and those pushed. */
  private updatesFor(token: string) {
    const srv = this.server as unknown as { storage: { userMessages: any[] } };
    return srv.storage.userMessages
      .filter((u) => u.botToken === token && !u.isRead)
      .map((u) => {
        u.isRead = true;
        return u.raw ? { update_id: u.updateId, ...u.raw } : (TelegramServer as unknown as { formatUpdate(u: unknown): unknown }).formatUpdate(u);
      });
  }

  /** Polls until `fn` returns something truthy (see ./wait.ts). */
  waitFor<T>(fn: () => T | undefined | false | null, timeoutMs?: number, what?: Awaited, stepMs?: number): Promise<T> {
    return waitFor(fn, timeoutMs, what, stepMs);
  }

  private handleBotCall(req: express.Request, res: express.Response, next: express.NextFunction) {
    const token = req.params.token ?? '';
    const method = req.params.method ?? '';
    const payload = { ...(req.query as any), ...(req.body ?? {}) };
    if (method !== 'getUpdates') this.calls.push({ method, token, payload, time: Date.now() });

    const rule = this.faults.find((f) => (f.method === '*' || f.method === method) && f.match(payload));
    if (rule && method !== 'getUpdates' && method !== 'getMe') {
      if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
      res
        .status(rule.error_code)
        .json({ ok: false, error_code: rule.error_code, description: rule.description, ...(rule.parameters ? { parameters: rule.parameters } : {}) });
      return;
    }
    // Files and locations are checked first: a refused one is no message, so it does not count.
    if (method in FILE_METHODS || method === 'sendMediaGroup' || method === 'sendLocation') return this.sendMedia(method, payload, res);
    if (this.tooFast(method, payload)) return this.answerTooFast(res);
    if (method in this.stubs) {
      res.json({ ok: true, result: this.stubs[method] });
      return;
    }
    if (method === 'answerCallbackQuery') {
      res.json({ ok: true, result: true });
      return;
    } // recorded in this.calls
    if (method === 'sendContact') {
      res.json({ ok: true, result: this.contactMessage(payload) });
      return;
    } // the emulator has no contacts; kept in this.contacts
    if (method === 'deleteMessage' && this.contacts.has(Number(payload.message_id))) {
      // Telegram answers true, and "message to delete not found" for one deleted before.
      const contact = this.contacts.get(Number(payload.message_id))!;
      if (contact.deleted || String(contact.chatId) !== String(payload.chat_id))
        res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: message to delete not found' });
      else {
        contact.deleted = true;
        res.json({ ok: true, result: true });
      }
      return;
    }
    if (method === 'getUpdates') return this.longPoll(token, payload, res);
    next(); // -> emulator (sendMessage, editMessageText, getMe, deleteMessage, ...)
  }

  private answerTooFast(res: express.Response) {
    this.limitViolations++;
    res.status(429).json({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
  }

  // ---- files people send, and the bot sends on by reference ----
  private readonly files = new Map<string, { kind: TgFileKind; object: unknown }>();
  private readonly sentFiles: (TgSentFile & { chatId: string })[] = [];
  private readonly sentLocations: (TgSentLocation & { chatId: string })[] = [];

  private newFileIds(kind: TgFileKind) {
    return { file_id: `${FILE_ID_PREFIX[kind]}${randomBytes(24).toString('base64url')}`, file_unique_id: `AQAD${randomBytes(8).toString('base64url')}` };
  }

  /** A photo as Telegram hands it to a bot: three sizes, each with a file_id the emulator will take back as a photo. */
  issuePhoto(): TgPhotoSize[] {
    const sizes = [
      [90, 67, 1_310],
      [320, 240, 18_640],
      [1280, 960, 142_870],
    ].map(([width, height, file_size]) => ({ ...this.newFileIds('photo'), width: width!, height: height!, file_size: file_size! }));
    for (const size of sizes) this.files.set(size.file_id, { kind: 'photo', object: sizes });
    return sizes;
  }
  /** A voice note (Voice of the Bot API). */
  issueVoice(opts: { durationSec?: number } = {}) {
    const duration = opts.durationSec ?? 7;
    return this.issue('voice', { duration, mime_type: 'audio/ogg', file_size: duration * 2_000 });
  }
  /** A video (Video of the Bot API). */
  issueVideo(opts: { durationSec?: number } = {}) {
    const duration = opts.durationSec ?? 12;
    return this.issue('video', { width: 1280, height: 720, duration, mime_type: 'video/mp4', file_size: duration * 250_000 });
  }
  /** A document (Document of the Bot API) of `sizeBytes`. */
  issueDocument(opts: { sizeBytes: number; name?: string; mimeType?: string }) {
    return this.issue('document', { file_name: opts.name ?? 'document.pdf', mime_type: opts.mimeType ?? 'application/pdf', file_size: opts.sizeBytes });
  }
  /** An audio file (Audio of the Bot API): music, not a voice note. */
  issueAudio(opts: { durationSec?: number; title?: string } = {}) {
    const duration = opts.durationSec ?? 180;
    return this.issue('audio', { duration, title: opts.title ?? 'Track', mime_type: 'audio/mpeg', file_size: duration * 16_000 });
  }
  private issue<T extends Record<string, unknown>>(kind: TgFileKind, fields: T): { file_id: string; file_unique_id: string } & T {
    const object = { ...this.newFileIds(kind), ...fields };
    this.files.set(object.file_id, { kind, object });
    return object;
  }

  /** Files the bot sent to a chat (by reference or uploaded), in order. */
  filesSentTo(chatId: number | string): TgSentFile[] {
    return this.sentFiles.filter((f) => f.chatId === String(chatId)).map(({ chatId: _, ...file }) => file);
  }
  /** Locations the bot sent to a chat, in order. */
  locationsSentTo(chatId: number | string): TgSentLocation[] {
    return this.sentLocations.filter((l) => l.chatId === String(chatId)).map(({ chatId: _, ...location }) => location);
  }

  /** sendPhoto/Voice/Video/Document/Audio, sendMediaGroup and sendLocation: checked, paced, recorded, answered with Messages. */
  private sendMedia(method: string, payload: Record<string, any>, res: express.Response) {
    try {
      const commit =
        method === 'sendMediaGroup'
          ? this.prepareAlbum(payload)
          : method === 'sendLocation'
            ? this.prepareLocation(payload)
            : this.prepareFile(method, payload);
      if (this.tooFast(method, payload, commit.messages)) return this.answerTooFast(res);
      res.json({ ok: true, result: commit.send() });
    } catch (error) {
      if (!(error instanceof TgRefusal)) throw error;
      res.status(error.error_code).json({ ok: false, error_code: error.error_code, description: error.description });
    }
  }

  /** The stored file a file_id names, if it may be sent as `kind`. */
  private fileOf(fileId: string, kind: TgFileKind) {
    const file = this.files.get(fileId.trim());
    if (!file) throw WRONG_FILE_ID;
    // TDLib refuses a photo's file_id for other media and the reverse, and leaves document-class
    // files (voice, video, audio, document) to Telegram's servers; the emulator refuses every
    // mix-up, so that a bot's shows in tests.
    if (file.kind !== kind) throw badRequest(`can't use file of type ${TDLIB_FILE_TYPE[file.kind]} as ${TDLIB_FILE_TYPE[kind]}`);
    return file;
  }

  private prepareFile(method: string, payload: Record<string, any>) {
    const kind = FILE_METHODS[method]!;
    const field = kind;
    const file = payload[field] as UploadedFile | string | undefined;
    if (file === undefined || file === '') throw badRequest(`there is no ${field} in the request`);
    // An upload (or a URL, which the emulator cannot fetch) is answered as an uploaded document, as before.
    if (typeof file === 'object' || /^https?:\/\//i.test(file)) {
      return {
        messages: 1,
        send: () => {
          const message = this.documentMessage(payload);
          this.sentFiles.push({
            chatId: String(payload.chat_id),
            method,
            kind,
            fileId: message.document.file_id,
            ...captionOf(payload),
            messageId: message.message_id,
          });
          return message;
        },
      };
    }
    const stored = this.fileOf(file, kind);
    return {
      messages: 1,
      send: () => {
        const message = this.mediaMessage(payload.chat_id, kind, stored.object, payload.caption);
        this.sentFiles.push({ chatId: String(payload.chat_id), method, kind, fileId: file, ...captionOf(payload), messageId: message.message_id });
        return message;
      },
    };
  }

  /** sendMediaGroup: each item read, its file resolved, then the album checked, as TDLib does. */
  private prepareAlbum(payload: Record<string, any>) {
    let media: unknown = payload.media;
    if (media === undefined || media === '') throw badRequest('parameter "media" is required');
    if (typeof media === 'string') {
      try {
        media = JSON.parse(media);
      } catch {
        throw badRequest("can't parse media JSON object");
      }
    }
    if (!Array.isArray(media)) throw badRequest('expected an Array of InputMedia');
    const items = media.map((item: any) => {
      if (typeof item !== 'object' || item === null) throw badRequest("can't parse InputMedia: expected an Object");
      const kind = item.type as TgFileKind;
      if (!['photo', 'video', 'document', 'audio'].includes(kind)) throw badRequest(`can't parse InputMedia: type "${String(item.type)}" is unsupported`);
      if (typeof item.media !== 'string' || item.media === '') throw badRequest("can't parse InputMedia: media not found");
      const caption = typeof item.caption === 'string' && item.caption !== '' ? item.caption : undefined;
      // An item uploaded with the request names its part: attach://<name>.
      const upload = item.media.startsWith('attach://') ? payload[item.media.slice('attach://'.length)] : undefined;
      if (item.media.startsWith('attach://') && typeof upload !== 'object') throw badRequest("can't parse InputMedia: media not found");
      if (upload) {
        const uploaded = upload as UploadedFile;
        const object = kind === 'photo' ? this.issuePhoto() : this.issue(kind, { file_name: uploaded.filename, file_size: uploaded.content.length });
        return { kind, fileId: Array.isArray(object) ? object.at(-1)!.file_id : object.file_id, object, caption };
      }
      if (/^https?:\/\//i.test(item.media)) throw WRONG_FILE_ID; // the emulator fetches no URLs
      return { kind, fileId: item.media as string, object: this.fileOf(item.media, kind).object, caption };
    });
    if (items.length > MAX_ALBUM_ITEMS) throw badRequest('too many messages to send as an album');
    if (items.length === 0) throw badRequest('there are no messages to send');
    const kinds = new Set(items.map((i) => i.kind));
    const apart = items.find((i) => i.kind === 'document' || i.kind === 'audio');
    if (kinds.size > 1 && apart) throw badRequest(`${apart.kind} can't be mixed with other media types`);
    return {
      messages: items.length,
      send: () => {
        // A single item is sent as one message, outside any album (TDLib's send_message_group).
        const mediaGroupId = items.length > 1 ? String(BigInt(Date.now()) * 1000n + BigInt(this.albumsSent++ % 1000)) : undefined;
        return items.map((item) => {
          const message = {
            ...this.mediaMessage(payload.chat_id, item.kind, item.object, item.caption),
            ...(mediaGroupId ? { media_group_id: mediaGroupId } : {}),
          };
          this.sentFiles.push({
            chatId: String(payload.chat_id),
            method: 'sendMediaGroup',
            kind: item.kind,
            fileId: item.fileId,
            ...(item.caption ? { caption: item.caption } : {}),
            messageId: message.message_id,
            ...(mediaGroupId ? { mediaGroupId } : {}),
          });
          return message;
        });
      },
    };
  }
  private albumsSent = 0;

  /** sendLocation: the server's own "is empty" checks (Client::get_location), then TDLib's range (Location.cpp). */
  private prepareLocation(payload: Record<string, any>) {
    const latitude = String(payload.latitude ?? '').trim();
    const longitude = String(payload.longitude ?? '').trim();
    if (latitude === '') throw badRequest('latitude is empty');
    if (longitude === '') throw badRequest('longitude is empty');
    const location = { latitude: Number(latitude), longitude: Number(longitude) };
    if (!(Math.abs(location.latitude) <= 90 && Math.abs(location.longitude) <= 180)) throw badRequest('invalid location specified');
    return {
      messages: 1,
      send: () => {
        const message = { ...this.messageHead(payload.chat_id), location };
        this.sentLocations.push({ chatId: String(payload.chat_id), ...location, messageId: message.message_id });
        return message;
      },
    };
  }

  /** A new message's id, date and chat; ids come from the emulator's own count, so they stay in order with its text messages. */
  private messageHead(chatId: unknown) {
    const srv = this.server as unknown as { messageId: number };
    return {
      message_id: srv.messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'supergroup' : 'private' },
      from: { id: 123456, is_bot: true, first_name: 'Bot', username: 'Bot' },
    };
  }

  private mediaMessage(chatId: unknown, kind: TgFileKind, object: unknown, caption: unknown) {
    return { ...this.messageHead(chatId), [kind]: structuredClone(object), ...(typeof caption === 'string' && caption !== '' ? { caption } : {}) };
  }

  /** Contact cards the bot sent, by message id, and whether it deleted them since. */
  readonly contacts = new Map<number, { chatId: string; phone: string; name: string; deleted: boolean }>();
  private contactMessage(payload: Record<string, any>) {
    const messageId = 2_000_000 + this.contacts.size + 1;
    this.contacts.set(messageId, { chatId: String(payload.chat_id), phone: String(payload.phone_number), name: String(payload.first_name), deleted: false });
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(payload.chat_id), type: 'private' },
      contact: { phone_number: payload.phone_number, first_name: payload.first_name },
    };
  }

  private documentsSent = 0;
  /** A Message as Telegram answers sendDocument; the file itself stays in the recorded call's payload. */
  private documentMessage(payload: Record<string, any>) {
    const n = ++this.documentsSent;
    const file = (payload.document ?? payload.photo ?? payload.voice ?? payload.video ?? payload.audio) as UploadedFile | string;
    return {
      message_id: 1_000_000 + n,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(payload.chat_id), type: Number(payload.chat_id) < 0 ? 'supergroup' : 'private' },
      document: {
        file_id: `doc${n}`,
        file_unique_id: `doc${n}`,
        ...(typeof file === 'object' ? { file_name: file.filename, file_size: file.content.length } : {}),
      },
      ...(payload.caption ? { caption: payload.caption } : {}),
    };
  }

  /** emulator's getUpdates returns immediately -> grammY busy-loops; wait a bit for user updates. */
  private longPoll(token: string, payload: Record<string, any>, res: express.Response) {
    const waitMs = Math.min(Number(payload.timeout ?? 0) * 1000, this.longPollMaxMs);
    const srv = this.server;
    const hasPending = () => srv.storage.userMessages.some((u: any) => u.botToken === token && !u.isRead);
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const e of USER_EVENTS) srv.off(e, onEvent);
      if (res.destroyed || res.writableEnded) return; // client aborted (bot.stop): don't consume updates
      res.json({ ok: true, result: this.updatesFor(token) });
    };
    const onEvent = () => finish();
    if (hasPending() || waitMs <= 0) return finish();
    timer = setTimeout(finish, waitMs);
    for (const e of USER_EVENTS) srv.on(e, onEvent);
    res.on('close', () => {
      done = true;
      clearTimeout(timer);
      for (const e of USER_EVENTS) srv.off(e, onEvent);
    });
  }
}

const captionOf = (payload: Record<string, any>) => (typeof payload.caption === 'string' && payload.caption !== '' ? { caption: payload.caption } : {});

/** A file a bot uploaded (sendDocument with an InputFile), as the front records it. */
export interface UploadedFile {
  filename: string;
  content: Buffer;
}

/**
 * Reads a multipart/form-data body (how grammY uploads an InputFile) into a plain payload; a field
 * `attach://<name>` is replaced by the file sent under that name. Parsed by hand: grammY writes its
 * part headers tersely (`content-disposition:form-data;name="x";filename=y`), which Node's own
 * FormData parser refuses.
 */
async function readMultipart(req: express.Request): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const boundary = /boundary=("?)([^";]+)\1/i.exec(String(req.headers['content-type']))?.[2];
  if (!boundary) throw new Error('multipart body without a boundary');
  // latin1 maps bytes to characters one to one, so splitting as text keeps a file's bytes intact.
  const raw = Buffer.concat(chunks).toString('latin1');
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile> = {};
  for (const part of raw.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    const head = part.slice(0, split);
    const content = Buffer.from(part.slice(split + 4).replace(/\r\n$/, ''), 'latin1');
    const name = /name="?([^";\r\n]+)"?/i.exec(head)?.[1];
    const filename = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1];
    if (!name) continue;
    if (filename !== undefined) files[name] = { filename, content };
    else fields[name] = content.toString('utf8');
  }
  const body: Record<string, unknown> = { ...files };
  for (const [name, value] of Object.entries(fields)) body[name] = value.startsWith('attach://') ? (files[value.slice('attach://'.length)] ?? value) : value;
  return body;
}
