import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startSystem, type RunningSystem } from '../../src/main.js';
import { startTestDatabase, type TestDatabase } from './database.js';
import { dayNow } from './quiet-hours.js';
import { WAIT_MS, waitForAsync, type Awaited } from './wait.js';
import { TgEmulator } from './telegram-emulator.js';
import { VkApiFake, type VkSentMessage } from './vk-api-fake.js';
import { MaxApiFake } from './max-api-fake.js';
import { MaxPerson } from './max-person.js';

export const BOT_TOKEN = '123456:TEST-token_for-the-emulator';
export const COORDINATOR_ID = 900;
export const HQ_CHAT_ID = -1009000;
export const DISTRICTS = ['Центральный', 'Ленинский', 'Октябрьский'];
export const VK_TOKEN = 'vk1.a.community-token-for-the-fake';
export const VK_GROUP_ID = 222333;
export const VK_COORDINATOR_ID = 9900;
export const MAX_TOKEN = 'max-bot-token-for-the-fake-0123456789';
export const MAX_COORDINATOR_ID = 7700;
/** The headquarters' zone the harness configures unless a test names another. */
export const HARNESS_TIME_ZONE = 'Europe/Moscow';

export type StoredBotMessage = {
  messageId: number;
  message: { chat_id: number | string; text: string; reply_markup?: ReplyMarkup; disable_notification?: boolean };
};
type ReplyMarkup = {
  inline_keyboard?: { text: string; callback_data?: string }[][];
  keyboard?: { text: string; request_contact?: boolean }[][];
  remove_keyboard?: boolean;
};

/**
 * The whole system, started as main starts it (config from environment-like values), talking to the
 * Bot API emulator (and, with `{ vk: true }` and `{ max: true }`, the VK and MAX API fakes) over HTTP,
 * on a database of its own. Tests act as people through `person()` (Telegram), `vkPerson()` and
 * `maxPerson()`.
 */
export class SystemHarness {
  system: RunningSystem | undefined;

  private constructor(
    readonly emulator: TgEmulator,
    readonly database: TestDatabase,
    private readonly env: Record<string, string>,
    private readonly vkFake: VkApiFake | undefined,
    private readonly maxFake: MaxApiFake | undefined,
  ) {}

  /** `outages`: the database sits behind a proxy the test can cut (see TestDatabase.cutNetwork). */
  static async start(env: Record<string, string> = {}, options: { vk?: boolean; max?: boolean; outages?: boolean } = {}): Promise<SystemHarness> {
    const emulator = new TgEmulator();
    await emulator.start();
    let vk: VkApiFake | undefined;
    if (options.vk) {
      vk = new VkApiFake({ token: VK_TOKEN, groupId: VK_GROUP_ID });
      await vk.start();
    }
    let max: MaxApiFake | undefined;
    if (options.max) {
      max = new MaxApiFake({ token: MAX_TOKEN });
      await max.start();
    }
    const database = await startTestDatabase({ outages: options.outages ?? false });
    const harness = new SystemHarness(emulator, database, env, vk, max);
    await harness.startBot();
    return harness;
  }

  /** The VK API fake; only for a harness started with `{ vk: true }`. */
  get vk(): VkApiFake {
    if (!this.vkFake) throw new Error('this harness runs without VK');
    return this.vkFake;
  }

  /** The MAX API fake; only for a harness started with `{ max: true }`. */
  get max(): MaxApiFake {
    if (!this.maxFake) throw new Error('this harness runs without MAX');
    return this.maxFake;
  }

  /** Starts a bot process (again); the database and the emulator stay. */
  async startBot(): Promise<void> {
    const config = loadConfig({
      BOT_TOKEN,
      TELEGRAM_API_ROOT: this.emulator.apiRoot,
      MONGODB_URI: this.database.uri,
      COORDINATOR_TELEGRAM_IDS: String(COORDINATOR_ID),
      HQ_TELEGRAM_CHAT_ID: String(HQ_CHAT_ID),
      DISTRICTS: DISTRICTS.join(','),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      // A free port each: test files run side by side. It stays on 127.0.0.1, its default.
      METRICS_PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      // The system's day, whatever the machine's clock and time zone say: quiet hours begin hours
      // from now. A test of the night passes a window around now (nightNow) instead.
      TIME_ZONE: HARNESS_TIME_ZONE,
      QUIET_HOURS: dayNow(this.env.TIME_ZONE ?? HARNESS_TIME_ZONE),
      // Telegram's limits (a group: one message every 3 s) sped up a hundredfold, ratios kept.
      SEND_LIMITS_SCALE: '100',
      // Test persons write far faster than people; the flood limit has a test of its own.
      FLOOD_MESSAGES: '10000',
      // Test persons file request after request; the requester limits have a test of their own.
      MAX_OPEN_REQUESTS_PER_REQUESTER: '1000',
      SUBMISSION_COOLDOWN: '1ms',
      // Most tests are about what follows a claim, pressed by group members who never applied;
      // applying and approval have tests of their own, which turn this back on.
      CLAIM_REQUIRES_APPROVAL: 'false',
      ...(this.vkFake
        ? {
            VK_TOKEN,
            VK_GROUP_ID: String(VK_GROUP_ID),
            VK_API_BASE_URL: this.vkFake.apiBaseUrl,
            // The fake has no rate limit; vk-io's pacing at VK's real 20 a second would only slow tests.
            VK_API_RATE_LIMIT: '500',
            COORDINATOR_VK_IDS: String(VK_COORDINATOR_ID),
          }
        : {}),
      ...(this.maxFake
        ? {
            MAX_TOKEN,
            MAX_API_BASE_URL: this.maxFake.baseUrl,
            // The fake has no rate limit unless a test sets one; pacing at MAX's 30 a second would only slow tests.
            MAX_API_RATE_LIMIT: '1000',
            COORDINATOR_MAX_IDS: String(MAX_COORDINATOR_ID),
          }
        : {}),
      ...this.env,
    });
    this.system = await startSystem(config, { logger: createLogger(config.LOG_LEVEL) });
  }

  async stopBot(): Promise<void> {
    await this.system?.stop();
    this.system = undefined;
    // vk-io's stop does not end a long poll in progress: answer it, so no event goes to the old bot.
    this.vkFake?.releaseHeldPolls();
    this.maxFake?.releaseHeldPolls();
  }

  async stop(): Promise<void> {
    await this.stopBot();
    await this.emulator.stop();
    await this.vkFake?.stop();
    await this.maxFake?.stop();
    await this.database.stop();
  }

  /** A person writing to the VK community, or in a VK conversation when `peerId` is given. */
  vkPerson(userId: number, firstName: string, peerId?: number): VkPerson {
    this.vk.addUser({ id: userId, firstName, lastName: 'Тестова' });
    return new VkPerson(this.vk, userId, peerId ?? userId);
  }

  /** A person writing to the MAX bot, or in a MAX group chat when `chatId` is given. */
  maxPerson(userId: number, firstName: string, chatId?: number): MaxPerson {
    this.max.addUser({ id: userId, firstName, lastName: 'Тестова', phone: '79137654321' });
    return new MaxPerson(this.max, userId, chatId);
  }

  /** A person writing to the bot in a private chat, or in a group when `group` is given. */
  person(userId: number, firstName: string, group?: GroupPlace): Person {
    return new Person(this, userId, firstName, group);
  }

  /** Everything the bot sent to a chat, in order, in its current (possibly edited) state. */
  messagesTo(chatId: number): StoredBotMessage[] {
    return this.emulator.sentTo(BOT_TOKEN, chatId) as unknown as StoredBotMessage[];
  }

  /** Waits until the bot has sent a chat more than `count` messages, and returns the new ones. */
  async waitForMessages(chatId: number, count: number, timeoutMs = WAIT_MS): Promise<StoredBotMessage[]> {
    return this.emulator.waitFor(
      () => {
        const all = this.messagesTo(chatId);
        return all.length > count ? all.slice(count) : undefined;
      },
      timeoutMs,
      () => `message ${count + 1} from the bot to chat ${chatId}${lastText(this.messagesTo(chatId).map((m) => m.message.text))}`,
    );
  }

  /** Answers the bot gave to button presses (the emulator does not keep them; our front records them). */
  callbackAnswers(): { callback_query_id: string; text?: string; show_alert?: boolean | string; url?: string }[] {
    return this.emulator.callsOf('answerCallbackQuery').map((c) => c.payload as never);
  }
}

/** One person's side of a chat: says things, presses buttons, reads the bot's replies in order. */
/** A group chat to write in, and the topic of a forum supergroup where one is given. */
export interface GroupPlace {
  id: number;
  title: string;
  topic?: { id: number; name: string };
}

export class Person {
  private seen = 0;
  readonly chatId: number;
  private readonly client;
  /** What Telegram adds to a message written in a forum topic (https://core.telegram.org/bots/api#message). */
  private readonly inTopic: Record<string, unknown>;

  constructor(
    private readonly harness: SystemHarness,
    readonly userId: number,
    readonly firstName: string,
    group?: GroupPlace,
  ) {
    const topic = group?.topic;
    this.inTopic = topic
      ? {
          message_thread_id: topic.id,
          is_topic_message: true,
          reply_to_message: {
            message_id: topic.id,
            date: 0,
            chat: { id: group.id, type: 'supergroup' },
            forum_topic_created: { name: topic.name, icon_color: 0 },
          },
        }
      : {};
    this.chatId = group?.id ?? userId;
    this.client = harness.emulator.server.getClient(BOT_TOKEN, {
      userId,
      chatId: this.chatId,
      firstName,
      userName: `user${userId}`,
      ...(group ? { type: 'supergroup', chatTitle: group.title } : { type: 'private' }),
    } as never);
    // In a group the earlier messages of the chat are not this person's news.
    this.seen = harness.messagesTo(this.chatId).length;
  }

  async say(text: string): Promise<void> {
    if (text.startsWith('/')) await this.client.sendCommand(this.client.makeCommand(text, this.inTopic as never));
    else await this.client.sendMessage(this.client.makeMessage(text, this.inTopic as never));
  }

  async shareContact(phone: string): Promise<void> {
    await this.client.sendMessage(
      this.client.makeMessage(undefined as never, { contact: { phone_number: phone, first_name: this.firstName, user_id: this.userId } } as never),
    );
  }

  async sendSticker(): Promise<void> {
    await this.client.sendMessage(
      this.client.makeMessage(
        undefined as never,
        { sticker: { file_id: 'x', file_unique_id: 'x', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } } as never,
      ),
    );
  }

  /**
   * Sends a photo, or with `count` > 1 an album: that many messages (updates of their own) sharing a
   * media_group_id, the caption on the first only. Returns each photo's largest size's file_id, the
   * one a bot would send on.
   */
  async sendPhoto(opts: { caption?: string; count?: number } = {}): Promise<string[]> {
    const count = opts.count ?? 1;
    const mediaGroupId = count > 1 ? String(Date.now() * 1000 + Math.floor(Math.random() * 1000)) : undefined;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const photo = this.harness.emulator.issuePhoto();
      ids.push(photo.at(-1)!.file_id);
      const caption = i === 0 && opts.caption !== undefined ? { caption: opts.caption } : {};
      await this.sendContent({ photo, ...caption, ...(mediaGroupId ? { media_group_id: mediaGroupId } : {}) });
    }
    return ids;
  }

  /** Sends a voice note; returns its file_id. */
  async sendVoice(opts: { durationSec?: number; caption?: string } = {}): Promise<string> {
    const voice = this.harness.emulator.issueVoice(opts);
    await this.sendContent({ voice, ...(opts.caption !== undefined ? { caption: opts.caption } : {}) });
    return voice.file_id;
  }

  /** Sends a video; returns its file_id. */
  async sendVideo(opts: { durationSec?: number; caption?: string } = {}): Promise<string> {
    const video = this.harness.emulator.issueVideo(opts);
    await this.sendContent({ video, ...(opts.caption !== undefined ? { caption: opts.caption } : {}) });
    return video.file_id;
  }

  /** Sends a document of `sizeBytes` (a file, as Telegram calls it); returns its file_id. */
  async sendDocument(opts: { sizeBytes: number; name?: string; mimeType?: string; caption?: string }): Promise<string> {
    const document = this.harness.emulator.issueDocument(opts);
    await this.sendContent({ document, ...(opts.caption !== undefined ? { caption: opts.caption } : {}) });
    return document.file_id;
  }

  /** Sends a location (as the attachment menu or a request_location button does). */
  async sendLocation(latitude: number, longitude: number): Promise<void> {
    await this.sendContent({ location: { latitude, longitude } });
  }

  /** A message without text: the content given, in this person's chat (and topic). */
  private async sendContent(content: Record<string, unknown>): Promise<void> {
    await this.client.sendMessage(this.client.makeMessage(undefined as never, { ...this.inTopic, ...content } as never));
  }

  /** Presses the button whose label contains `label` on the given message. */
  async press(message: StoredBotMessage, label: string): Promise<void> {
    const buttons = message.message.reply_markup?.inline_keyboard?.flat() ?? [];
    const button = buttons.find((b) => b.text.includes(label));
    if (!button?.callback_data) throw new Error(`no button "${label}" on: ${message.message.text}\nbuttons: ${buttons.map((b) => b.text).join(' | ')}`);
    await this.pressData(message, button.callback_data);
  }

  /** Sends callback data as if a button with it were pressed (also forged data). */
  async pressData(message: StoredBotMessage, data: string): Promise<void> {
    const topic = this.inTopic.message_thread_id === undefined ? {} : { message_thread_id: this.inTopic.message_thread_id, is_topic_message: true };
    const callback = this.client.makeCallbackQuery(data, { message: { message_id: message.messageId, text: message.message.text, ...topic } } as never);
    await this.client.sendCallback(callback);
  }

  /** The next message from the bot in this chat not read yet. */
  async reply(timeoutMs = WAIT_MS): Promise<StoredBotMessage> {
    const [next] = await this.harness.waitForMessages(this.chatId, this.seen, timeoutMs);
    this.seen++;
    return next!;
  }

  /** Says something and returns the bot's next message. */
  async ask(text: string, timeoutMs?: number): Promise<StoredBotMessage> {
    await this.say(text);
    return this.reply(timeoutMs);
  }

  /** Presses a button and returns the bot's next message. */
  async choose(message: StoredBotMessage, label: string): Promise<StoredBotMessage> {
    await this.press(message, label);
    return this.reply();
  }

  /** Marks everything sent so far as read. */
  skipAll(): void {
    this.seen = this.harness.messagesTo(this.chatId).length;
  }
}

/** Answers the whole questionnaire for a district and returns the request number the bot gave. */
export async function fileRequest(person: Person, district: string, helpKind = 'Доставка продуктов'): Promise<number> {
  const m = await answerQuestionnaire(person, district, helpKind);
  const number = /№(\d+)/.exec(m.message.text)?.[1];
  if (!number) throw new Error(`no request number in: ${m.message.text}`);
  return Number(number);
}

/**
 * Answers the whole questionnaire, presses «Отправить», and returns the bot's first answer to it; the
 * code word that follows a stored request is read too, so the person's next reply is a new one.
 */
export async function answerQuestionnaire(person: Person, district: string, helpKind = 'Доставка продуктов'): Promise<StoredBotMessage> {
  let m = await person.ask('/start');
  m = await person.choose(m, 'Оставить заявку');
  m = await person.choose(m, 'Да');
  m = await person.choose(m, 'Для меня');
  m = await person.choose(m, 'Пенсионеру');
  m = await person.ask('81');
  m = await person.choose(m, district);
  m = await person.choose(m, helpKind);
  if (/рецепт/.test(m.message.text)) m = await person.choose(m, 'Рецепт не нужен');
  m = await person.ask('Хлеб, молоко, гречка, яблоки');
  m = await person.ask('Зинаида Петровна');
  m = await person.ask('ул. Садовая, д. 7, кв. 12');
  // «Номер записан» takes the phone's keyboard away; the summary follows it.
  await person.ask('8 913 765-43-21');
  m = await person.reply();
  const answer = await person.choose(m, 'Отправить');
  if (/№\d+ принята/.test(answer.message.text)) await readCodeWord(() => person.reply());
  return answer;
}

/** The message after a stored request's confirmation: its code word. */
async function readCodeWord(next: () => Promise<{ message: { text: string } } | { text: string }>): Promise<void> {
  const message = await next();
  const text = 'message' in message ? message.message.text : message.text;
  if (!/Кодовое слово/.test(text)) throw new Error(`expected the code word after the confirmation, got: ${text}`);
}

/** Polls an async check until it holds: state written after a reply is sent lands a moment later. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = WAIT_MS, what?: Awaited): Promise<void> {
  await waitForAsync(check, timeoutMs, what);
}

/** ": it had sent N, the last «…»" for a wait's failure, or that it sent nothing. */
export function lastText(texts: string[]): string {
  const last = texts.at(-1);
  return last === undefined ? ' (it had sent none)' : ` (it had sent ${texts.length}, the last «${last.slice(0, 200)}»)`;
}

/** One person's side of a VK chat: writes, presses buttons, reads the community's replies in order. */
export class VkPerson {
  private seen: number;

  constructor(
    private readonly fake: VkApiFake,
    readonly userId: number,
    readonly peerId: number,
  ) {
    this.seen = fake.messagesTo(peerId).length;
  }

  say(text: string): void {
    this.fake.pushMessage({ fromId: this.userId, peerId: this.peerId, text });
  }

  sendSticker(): void {
    this.fake.pushSticker(this.userId, this.peerId);
  }

  /** Sends `count` photos (up to 10) in one message, with `caption` as its text; returns each as messages.send takes it back (photo…_access key). */
  sendPhoto(opts: { caption?: string; count?: number } = {}): string[] {
    const photos = Array.from({ length: opts.count ?? 1 }, () => this.fake.issuePhoto(this.userId));
    return this.fake.pushMedia({ fromId: this.userId, peerId: this.peerId, text: opts.caption, media: photos }).attachments;
  }

  /** Sends a voice message; returns it as messages.send takes it back (a doc…). */
  sendVoice(opts: { durationSec?: number } = {}): string {
    const voice = this.fake.issueAudioMessage(this.userId, opts.durationSec);
    return this.fake.pushMedia({ fromId: this.userId, peerId: this.peerId, media: [voice] }).attachments[0]!;
  }

  /** Sends a video; returns it as messages.send takes it back (video…). */
  sendVideo(opts: { durationSec?: number; caption?: string } = {}): string {
    const video = this.fake.issueVideo(this.userId, opts.durationSec);
    return this.fake.pushMedia({ fromId: this.userId, peerId: this.peerId, text: opts.caption, media: [video] }).attachments[0]!;
  }

  /** Sends a document of `sizeBytes`; returns it as messages.send takes it back (doc…). */
  sendDocument(opts: { sizeBytes: number; name?: string; caption?: string }): string {
    const doc = this.fake.issueDoc(this.userId, opts);
    return this.fake.pushMedia({ fromId: this.userId, peerId: this.peerId, text: opts.caption, media: [doc] }).attachments[0]!;
  }

  /** Sends a location: a message with no text and its geo. */
  sendLocation(latitude: number, longitude: number): void {
    this.fake.pushMedia({ fromId: this.userId, peerId: this.peerId, media: [], geo: { latitude, longitude } });
  }

  /** Presses the button whose label contains `label` (labels may be cut at 40 characters). */
  press(message: VkSentMessage, label: string): void {
    const button = message.keyboard?.buttons.flat().find((b) => b.action.label?.includes(label));
    if (!button?.action.label) {
      throw new Error(
        `no button "${label}" on: ${message.text}\nbuttons: ${message.keyboard?.buttons
          .flat()
          .map((b) => b.action.label)
          .join(' | ')}`,
      );
    }
    this.fake.press(this.userId, message, button.action.label);
  }

  async reply(timeoutMs = WAIT_MS): Promise<VkSentMessage> {
    const next = await this.fake.waitFor(
      () => this.fake.messagesTo(this.peerId)[this.seen],
      timeoutMs,
      () => `message ${this.seen + 1} from the community to VK peer ${this.peerId}${lastText(this.fake.messagesTo(this.peerId).map((m) => m.text))}`,
    );
    this.seen++;
    return next;
  }

  async ask(text: string): Promise<VkSentMessage> {
    this.say(text);
    return this.reply();
  }

  async choose(message: VkSentMessage, label: string): Promise<VkSentMessage> {
    this.press(message, label);
    return this.reply();
  }

  skipAll(): void {
    this.seen = this.fake.messagesTo(this.peerId).length;
  }
}

/** A person's side of a chat where every answer is a message the bot reads back (VK's, MAX's). */
export interface ChatSide<M extends { text: string }> {
  ask(text: string): Promise<M>;
  choose(message: M, label: string): Promise<M>;
  reply(): Promise<M>;
}

/** Answers the whole questionnaire (the phone typed) and returns the request number; the code word that follows is read too. */
export async function fileRequestAs<M extends { text: string }>(person: ChatSide<M>, district: string): Promise<number> {
  // /start, not a greeting in words: words from someone with a request open are passed on to its helpers.
  let m = await person.ask('/start');
  m = await person.choose(m, 'Оставить заявку');
  m = await person.choose(m, 'Да');
  m = await person.choose(m, 'Для меня');
  m = await person.choose(m, 'Пенсионеру');
  m = await person.ask('81');
  m = await person.choose(m, district);
  m = await person.choose(m, 'Доставка продуктов');
  m = await person.ask('Хлеб, молоко, гречка, яблоки');
  m = await person.ask('Зинаида Петровна');
  m = await person.ask('ул. Садовая, д. 7, кв. 12');
  m = await person.ask('8 913 765-43-21');
  m = await person.choose(m, 'Отправить');
  const number = /№(\d+)/.exec(m.text)?.[1];
  if (!number) throw new Error(`no request number in: ${m.text}`);
  await readCodeWord(() => person.reply());
  return Number(number);
}

/** Answers the whole questionnaire in VK and returns the request number. */
export const fileVkRequest = (person: VkPerson, district: string): Promise<number> => fileRequestAs(person, district);

/** A Telegram update carrying /start from a person in their private chat, as a webhook receives it. */
export function startCommandUpdate(updateId: number, userId: number, firstName = 'Вебхук') {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: firstName },
      from: { id: userId, is_bot: false, first_name: firstName },
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  };
}

/** Posts a body to the running system's Telegram webhook, with the secret header when given. */
export function postTelegramWebhook(h: SystemHarness, body: unknown, secret?: string): Promise<Response> {
  return fetch(`${h.system!.httpUrl}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(body),
  });
}
