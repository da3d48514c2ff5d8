import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxBot, rateLimitedFetch } from '../../../bots/max/client.js';
import { createMaxMessenger } from '../../../bots/max/messenger.js';
import { MAX_LIMITS } from '../../../bots/max/payload.js';
import { ChatLostError, RecipientUnreachableError } from '../../../src/domain/errors.js';
import { toPublicView } from '../../../src/domain/request.js';
import { createRequestTexts } from '../../../src/messages/request-texts.js';
import { PermanentDeliveryError } from '../../../src/services/outbox/permanent-delivery-error.js';
import { FakeRequestRepository, makeDraft } from '../../support/fakes.js';
import { MaxApiFake } from '../../support/max-api-fake.js';
import { catalogs, helpScenario } from '../../support/scenario-fixtures.js';

const TOKEN = 'max-bot-token-for-the-messenger-test';
const PERSON = 4242;
const GROUP = -70000000500;

let fake: MaxApiFake;
let messenger: ReturnType<typeof createMaxMessenger>;
beforeAll(async () => {
  fake = new MaxApiFake({ token: TOKEN });
  await fake.start();
  fake.addUser({ id: PERSON, firstName: 'Вера' });
  fake.addChat({ chatId: GROUP, title: 'Волонтёры' });
  const bot = createMaxBot({ token: TOKEN, baseUrl: fake.baseUrl, perSecond: 1000 });
  messenger = createMaxMessenger(bot.api, createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario), catalogs.ru);
});
afterAll(async () => {
  await fake?.stop();
});

const aView = async () => toPublicView(await new FakeRequestRepository().create({ draft: makeDraft(), channel: 'max', at: new Date() }));

describe('what the MAX messenger sends', () => {
  it('writes to a person by user id, to a group by its negative id, and silently when asked', async () => {
    await messenger.sendText(String(PERSON), 'Заявку №7 взял волонтёр.', { silent: true });
    const messageId = await messenger.postRequest(String(GROUP), await aView(), false);
    expect(fake.messagesToUser(PERSON).map((m) => [m.text, m.notify])).toEqual([['Заявку №7 взял волонтёр.', false]]);
    const [post] = fake.messagesToChat(GROUP);
    expect(post!.mid).toBe(messageId);
    expect(post!.keyboard?.flat().map((b) => [b.type, b.text])).toEqual([['callback', '✋ Взять заявку']]);
    expect(messenger.isGroupChat(String(GROUP))).toBe(true);
    expect(messenger.isGroupChat(String(PERSON))).toBe(false);
  });

  it('takes the claim button away when the post is brought up to date with a claimed request', async () => {
    const view = await aView();
    const messageId = await messenger.postRequest(String(GROUP), view, false);
    await messenger.updatePost(
      { platform: 'max', chatId: String(GROUP), messageId, viaHeadquarters: false, round: 0 },
      { ...view, status: 'claimed', volunteerName: 'Олег' },
    );
    const edited = fake.message(messageId)!;
    expect(edited.edits).toBe(1);
    expect(edited.keyboard ?? []).toEqual([]);
  });

  it('cuts a text over MAX’s 4000 characters instead of having it refused', async () => {
    await messenger.sendText(String(PERSON), 'я'.repeat(5000));
    const last = fake.messagesToUser(PERSON).at(-1)!;
    expect([...last.text]).toHaveLength(MAX_LIMITS.text);
    expect(last.text.endsWith('…')).toBe(true);
  });
});

describe('refusals, as the outbox reads them', () => {
  let nextChat = GROUP - 1;

  it('a post to a group the bot was removed from is a lost chat, and one to a chat that is gone too', async () => {
    const removed = nextChat--;
    fake.addChat({ chatId: removed, title: 'Бывший чат' });
    fake.removeBot(removed, PERSON);
    const lost = await messenger.postRequest(String(removed), await aView(), false).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(ChatLostError);
    expect(lost).toMatchObject({ platform: 'max', reason: 'removed' });
    const gone = await messenger.postRequest(String(nextChat--), await aView(), false).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ChatLostError);
    expect(gone).toMatchObject({ reason: 'gone' });
  });

  it('a person who blocked the bot is unreachable, not a lost chat', async () => {
    const blocked = 4343;
    fake.addUser({ id: blocked, firstName: 'Пётр' });
    fake.blockBotBy(blocked);
    const error = await messenger.sendText(String(blocked), 'Заявку №7 взял волонтёр.').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientUnreachableError);
  });

  it('a message MAX will never take is final; 429 and 5xx are tried again, 429 after a second', { timeout: 15_000 }, async () => {
    fake.fail('POST /messages', () => true, { status: 400, code: 'proto.payload', message: 'bad keyboard', times: 1 });
    const refused = await messenger.sendText(String(PERSON), 'x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect(refused).toMatchObject({ reason: expect.stringMatching(/^400 proto\.payload/) });

    // The client itself sends a 429 again twice; refused a third time, it is the outbox's to retry.
    fake.fail('POST /messages', () => true, { status: 429, code: 'too.many.requests', message: 'slow down', times: 3 });
    const busy = await messenger.sendText(String(PERSON), 'x').catch((e: unknown) => e);
    expect(busy).not.toBeInstanceOf(PermanentDeliveryError);
    expect(messenger.describeFailure(busy)).toMatchObject({ reason: expect.stringMatching(/^429 /), retryAfterMs: 1000 });

    fake.fail('POST /messages', () => true, { status: 503, code: 'service.unavailable', message: 'later', times: 1 });
    const down = await messenger.sendText(String(PERSON), 'x').catch((e: unknown) => e);
    expect(down).not.toBeInstanceOf(PermanentDeliveryError);
    expect(messenger.describeFailure(down)).toEqual({ reason: expect.stringMatching(/^503 /) });
  });
});

describe('the rate the client keeps', () => {
  const recording = (answer: (call: number) => number = () => 200) => {
    const started: number[] = [];
    const fetchFn = (async () => {
      started.push(performance.now());
      return new Response('{}', { status: answer(started.length) });
    }) as typeof fetch;
    return { started, fetchFn };
  };

  it('starts at most perSecond requests in any 1.1 s, in the order they were asked for', async () => {
    const { started, fetchFn } = recording();
    const limited = rateLimitedFetch(5, fetchFn);
    const begun = performance.now();
    await Promise.all(Array.from({ length: 12 }, () => limited('http://127.0.0.1/')));
    expect(started).toHaveLength(12);
    // The first five at once; each later one no sooner than 1.1 s after the one five before it (a timer may fire a millisecond early).
    expect(started.slice(0, 5).every((at) => at - begun < 1000)).toBe(true);
    const gaps = started.slice(5).map((at, i) => at - started[i]!);
    expect(
      gaps.every((ms) => ms >= 1099),
      gaps.map((ms) => ms.toFixed(0)).join(' '),
    ).toBe(true);
  });

  it('sends a request MAX refused for the rate again a second later, and gives up after two more tries', async () => {
    const once = recording((call) => (call === 1 ? 429 : 200));
    expect((await rateLimitedFetch(30, once.fetchFn)('http://127.0.0.1/')).status).toBe(200);
    expect(once.started).toHaveLength(2);
    expect(once.started[1]! - once.started[0]!).toBeGreaterThanOrEqual(999);

    const always = recording(() => 429);
    expect((await rateLimitedFetch(30, always.fetchFn)('http://127.0.0.1/')).status).toBe(429);
    expect(always.started).toHaveLength(3);
  });
});
