import { fileRequestAs, lastText } from './harness.js';
import type { MaxApiFake, MaxSentMessage } from './max-api-fake.js';
import { WAIT_MS } from './wait.js';

/** One person's side of a MAX chat (their dialogue with the bot, or a group chat): writes, presses, reads the bot's messages in order. */
export class MaxPerson {
  private seen: number;

  constructor(
    private readonly fake: MaxApiFake,
    readonly userId: number,
    /** A group chat to write in; absent: the person's dialogue with the bot. */
    readonly chatId?: number,
  ) {
    this.seen = this.messages().length;
  }

  /** The bot's messages where this person reads, in their current (possibly edited) state. */
  messages(): MaxSentMessage[] {
    return this.chatId === undefined ? this.fake.messagesToUser(this.userId) : this.fake.messagesToChat(this.chatId);
  }

  say(text: string): void {
    this.fake.pushMessage({ fromId: this.userId, ...(this.chatId === undefined ? {} : { chatId: this.chatId }), text });
  }

  /** MAX's «Начать» of a new dialogue. */
  start(): void {
    this.fake.pushBotStarted(this.userId);
  }

  sendSticker(): void {
    this.fake.pushSticker(this.userId, this.chatId);
  }

  /** Sends `count` photos in one message, `caption` its text; returns their tokens (what a bot sends them on by). */
  sendPhoto(opts: { caption?: string; count?: number } = {}): string[] {
    const photos = Array.from({ length: opts.count ?? 1 }, () => this.fake.issueImage());
    return this.fake.pushMedia({ fromId: this.userId, chatId: this.chatId, text: opts.caption, media: photos }).tokens;
  }

  /** Sends a voice message (an audio attachment); returns its token. */
  sendVoice(): string {
    return this.fake.pushMedia({ fromId: this.userId, chatId: this.chatId, media: [this.fake.issueAudio()] }).tokens[0]!;
  }

  /** Sends a video; returns its token. */
  sendVideo(opts: { durationSec?: number; caption?: string } = {}): string {
    return this.fake.pushMedia({ fromId: this.userId, chatId: this.chatId, text: opts.caption, media: [this.fake.issueVideo(opts)] }).tokens[0]!;
  }

  /** Sends a file of `sizeBytes`; returns its token. */
  sendDocument(opts: { sizeBytes: number; name?: string; caption?: string }): string {
    return this.fake.pushMedia({ fromId: this.userId, chatId: this.chatId, text: opts.caption, media: [this.fake.issueFile(opts)] }).tokens[0]!;
  }

  /** Shares a location (a location attachment, no text). */
  sendLocation(latitude: number, longitude: number): void {
    this.fake.pushLocation(this.userId, { latitude, longitude }, this.chatId);
  }

  /** Presses a request_geo_location button, sharing this location. */
  shareLocation(message: MaxSentMessage, label: string, latitude: number, longitude: number): void {
    this.fake.press(this.userId, message, label, { latitude, longitude });
  }

  /** Presses the button whose label contains `label` (a share-contact button sends the person's own phone). */
  press(message: MaxSentMessage, label: string): void {
    this.fake.press(this.userId, message, label);
  }

  async reply(timeoutMs = WAIT_MS): Promise<MaxSentMessage> {
    const next = await this.fake.waitFor(
      () => this.messages()[this.seen],
      timeoutMs,
      () =>
        `message ${this.seen + 1} from the MAX bot ${this.chatId === undefined ? `to user ${this.userId}` : `in chat ${this.chatId}`}${lastText(this.messages().map((m) => m.text))}`,
    );
    this.seen++;
    return next;
  }

  async ask(text: string): Promise<MaxSentMessage> {
    this.say(text);
    return this.reply();
  }

  async choose(message: MaxSentMessage, label: string): Promise<MaxSentMessage> {
    this.press(message, label);
    return this.reply();
  }

  skipAll(): void {
    this.seen = this.messages().length;
  }
}

/** Answers the whole questionnaire in MAX (the phone typed; the share button has tests of its own) and returns the request number. */
export const fileMaxRequest = (person: MaxPerson, district: string): Promise<number> => fileRequestAs(person, district);
