import { lastText, readCodeWord } from './harness.js';
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

/** Answers the whole questionnaire in MAX, the phone by the share-contact button, and returns the request number. */
export async function fileMaxRequest(person: MaxPerson, district: string): Promise<number> {
  let m = await person.ask('Здравствуйте');
  m = await person.choose(m, 'Оставить заявку');
  m = await person.choose(m, 'Да');
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
