// Test harness around telegram-test-api 4.2.1: a front express app that
// (a) intercepts/records Bot API calls, (b) injects errors (403/429/...),
// (c) stubs unsupported methods (and keeps contact cards, which it lacks), (d) long-polls getUpdates, and
// (e) forwards everything else to the emulator's own express app (used as a sub-app).
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
  private tooFast(method: string, payload: Record<string, any>): boolean {
    if (!['sendMessage', 'editMessageText', 'editMessageReplyMarkup'].includes(method)) return false;
    const chat = String(payload.chat_id);
    if (this.rates) {
      const { count, windowMs } = chat.startsWith('-') ? this.rates.group : this.rates.private;
      const now = Date.now();
      const recent = (this.recentSends.get(chat) ?? []).filter((t) => now - t < windowMs);
      if (count > 0 && recent.length >= count) return true;
      this.recentSends.set(chat, [...recent, now]);
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
    if (this.tooFast(method, payload)) {
      this.limitViolations++;
      res.status(429).json({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
      return;
    }
    if (method in this.stubs) {
      res.json({ ok: true, result: this.stubs[method] });
      return;
    }
    if (method === 'answerCallbackQuery') {
      res.json({ ok: true, result: true });
      return;
    } // recorded in this.calls
    if (method === 'sendDocument' || method === 'sendPhoto') {
      res.json({ ok: true, result: this.documentMessage(payload) });
      return;
    } // the emulator has no files; recorded in this.calls
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
    const file = (payload.document ?? payload.photo) as UploadedFile | string;
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
