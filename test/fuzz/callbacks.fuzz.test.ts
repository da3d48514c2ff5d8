import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCallback, encodeCallback, type CallbackAction } from '../../bots/telegram/callback-data.js';
import { decodeAction, parsePayload } from '../../bots/vk/payload.js';
import { catalogs } from '../support/scenario-fixtures.js';
import { describeInput, hostileCallbackData, hostileOf, hostileString, hostileVkPayload, Rng, type HostileCategory } from '../support/fuzz-inputs.js';
import { COORDINATOR_ID, fileRequest, fileVkRequest, SystemHarness, VK_COORDINATOR_ID } from '../support/harness.js';
import { PEER_CHAT_OFFSET } from '../support/vk-api-fake.js';

/**
 * Forged and replayed button data. First the decoders alone (thousands of strings and payloads),
 * then the running system: a request is filed in a bound district, hundreds of forged presses and
 * hostile texts arrive on Telegram and VK, and the request must stay untouched, every press be
 * answered, nothing be sent with a parse mode, and the bot still take a normal request afterwards.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_303);
const DECODER_RUNS = Number(process.env.FUZZ_RUNS ?? 5000);

describe('callback data and VK payloads, decoded alone', () => {
  it('decodeCallback never throws and decodes only canonical, in-range data', () => {
    const rng = new Rng(SEED);
    const counts = { tried: 0, decoded: 0, answer: 0, back: 0, menu: 0, claim: 0, task: 0, release: 0, noComment: 0, withdraw: 0, keep: 0, rate: 0, forget: 0 };
    const outOfRange: string[] = [];
    const nonCanonical = new Map<string, CallbackAction>();
    for (let i = 0; i < DECODER_RUNS; i++) {
      const data = hostileCallbackData(rng);
      counts.tried++;
      let action: CallbackAction | null;
      try {
        action = decodeCallback(data);
      } catch (error) {
        throw new Error(`decodeCallback threw on ${JSON.stringify(data)}: ${(error as Error).message}`);
      }
      if (!action) continue;
      counts.decoded++;
      counts[action.kind]++;
      const numbers =
        action.kind === 'answer'
          ? [action.seq, action.index]
          : action.kind === 'back'
            ? [action.seq]
            : action.kind === 'claim' || action.kind === 'task' || action.kind === 'withdraw' || action.kind === 'keep'
              ? [action.number]
              : action.kind === 'release'
                ? [action.number, action.reason]
                : action.kind === 'rate'
                  ? [action.number, action.rating]
                  : [];
      if (numbers.some((n) => !Number.isSafeInteger(n) || n < 0 || n > 1e9)) outOfRange.push(data);
      // Well-formed means: exactly what encodeCallback would have written for this action (so "b:",
      // "a:+1:0x10" or "b:-0" are not).
      if (encodeCallback(action) !== data) nonCanonical.set(data, action);
    }
    console.log(
      `[fuzz callbacks] decodeCallback: tried ${counts.tried}, decoded ${counts.decoded} (answer ${counts.answer}, back ${counts.back}, menu ${counts.menu}, claim ${counts.claim}, task ${counts.task}, release ${counts.release}, noComment ${counts.noComment}, withdraw ${counts.withdraw}, rate ${counts.rate}), ` +
        `refused ${counts.tried - counts.decoded}; out of range ${outOfRange.length}; non-canonical accepted ${nonCanonical.size}`,
    );
    for (const [data, action] of [...nonCanonical].slice(0, 10))
      console.log(`[fuzz callbacks]   accepted ${JSON.stringify(data)} as ${JSON.stringify(action)}`);
    expect(outOfRange).toEqual([]);
    expect(counts.decoded).toBeGreaterThan(100);
    expect([...nonCanonical.keys()]).toEqual([]);
  });

  it('parsePayload never throws and takes only payloads of the exact shapes the bot writes', () => {
    const rng = new Rng(SEED + 1);
    const counts = { tried: 0, parsed: 0 };
    const wrong: string[] = [];
    for (let i = 0; i < DECODER_RUNS; i++) {
      const raw = hostileVkPayload(rng);
      counts.tried++;
      let parsed: ReturnType<typeof parsePayload>;
      try {
        parsed = parsePayload(raw);
      } catch (error) {
        throw new Error(`parsePayload threw on ${describeInput(String(raw))}: ${(error as Error).message}`);
      }
      if (!parsed) continue;
      counts.parsed++;
      let original: unknown = raw;
      if (typeof raw === 'string') original = JSON.parse(raw);
      const ints = Object.values(parsed).filter((v) => typeof v === 'number');
      const exact = isDeepStrictEqual({ ...(original as object) }, { ...parsed }) && Object.getPrototypeOf(parsed) === Object.prototype;
      if (!exact || ints.length > 0 || ('d' in parsed && (typeof parsed.d !== 'string' || parsed.d.length > 64)))
        wrong.push(describeInput(JSON.stringify(raw)));
    }
    console.log(
      `[fuzz callbacks] parsePayload: tried ${counts.tried}, parsed ${counts.parsed}, refused ${counts.tried - counts.parsed}; wrongly accepted ${wrong.length}`,
    );
    expect(wrong).toEqual([]);
    expect(counts.parsed).toBeGreaterThan(100);
  });
});

// ---- the running system ---------------------------------------------------------------------------

const LENINSKY_TG = { id: -1001501, title: 'Волонтёры Ленинского (fuzz)' };
const CENTRAL_TG = { id: -1001502, title: 'Волонтёры Центрального (fuzz)' };
const LENINSKY_VK = PEER_CHAT_OFFSET + 51;
const CENTRAL_VK = PEER_CHAT_OFFSET + 52;
const GENERIC_ERROR = catalogs.ru.t('bot.errors.generic');
const FORGED_PRESSES = 200;
const HOSTILE_TEXTS = 200;

let h: SystemHarness;
let number = 0;
beforeAll(async () => {
  h = await SystemHarness.start({}, { vk: true });
  await h.person(COORDINATOR_ID, 'Координатор', LENINSKY_TG).ask('/bind Ленинский');
  await h.vkPerson(VK_COORDINATOR_ID, 'Координатор', LENINSKY_VK).ask('/bind Ленинский');
  number = await fileRequest(h.person(701, 'Заявитель'), 'Ленинский');
  await h.emulator.waitFor(() => h.messagesTo(LENINSKY_TG.id).find((m) => m.message.text.includes(`№${number}`)));
  await h.vk.waitFor(() => h.vk.messagesTo(LENINSKY_VK).find((m) => m.text.includes(`№${number}`)));
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function expectUntouched(): Promise<void> {
  const stored = await h.database.db.repositories.requests.findByNumber(number);
  expect(stored?.status).toBe('new');
  expect(stored?.volunteer).toBeUndefined();
  expect(stored?.feedback).toBeUndefined();
  expect(stored?.history.map((e) => e.type)).toEqual(['created', 'posted', 'posted']);
  // Nobody but the people who filed requests (their own summary) saw the phone: no contact card, no
  // message or VK message carrying it to anyone else.
  const phone = stored!.personal.phone;
  const filers = new Set((await h.database.db.connection.collection('requests').find({}).toArray()).map((r) => String(r.requester?.chatId)));
  expect(h.emulator.callsOf('sendContact')).toEqual([]);
  expect(h.emulator.callsOf('sendMessage').filter((c) => String(c.payload.text).includes(phone) && !filers.has(String(c.payload.chat_id)))).toEqual([]);
  expect(h.vk.allMessages().filter((m) => m.text.includes(phone) && !filers.has(String(m.peerId)))).toEqual([]);
}

/** Forged Telegram data for the press number `i`: never a genuine claim of the request from its own group. */
function forgedTelegramPress(rng: Rng, i: number): { where: 'bound' | 'other' | 'private'; data: string } {
  const kinds: (() => { where: 'bound' | 'other' | 'private'; data: string })[] = [
    () => ({ where: 'bound', data: hostileCallbackData(rng) }),
    () => ({ where: 'bound', data: `claim:${rng.pick([number + 1, number + 1000, 999_999_999, 0])}` }),
    () => ({ where: 'other', data: `claim:${number}` }),
    () => ({ where: 'private', data: `claim:${number}` }),
    () => ({
      where: 'bound',
      data: rng.pick([
        'claim:-1',
        `claim:-${number}`,
        'claim:99999999999999999999',
        'claim:1e3',
        `claim:${number}.0`,
        `claim: ${number}`,
        `claim:0x${number.toString(16)}`,
      ]),
    }),
    () => ({ where: rng.pick(['bound', 'other'] as const), data: rng.pick(['m:new', 'm:my', `a:${rng.int(0, 30)}:${rng.int(0, 9)}`, `b:${rng.int(0, 30)}`]) }),
    () => ({ where: 'private', data: hostileCallbackData(rng) }),
    () => ({ where: 'bound', data: hostileString(rng).text.slice(0, 64) }),
    // A stranger pressing the request's own volunteer and requester buttons: done, contact, cancel, rate.
    () => ({
      where: 'private',
      data: rng.pick([`t:done:${number}`, `t:contact:${number}`, `t:card:${number}`, `r:${number}:0`, `wy:${number}`, `fb:${number}:1`]),
    }),
  ];
  const press = kinds[i % kinds.length]!();
  const decoded = decodeCallback(press.data);
  // A real claim of the request from the group it was posted to would be a genuine press, not a forgery.
  if (press.where === 'bound' && decoded?.kind === 'claim' && decoded.number === number) return { where: 'bound', data: `claim:${number + 7}` };
  return press;
}

describe('forged presses and hostile texts against the running bots', () => {
  it('answers every forged Telegram press and VK event and changes nothing', async () => {
    const rng = new Rng(SEED + 2);
    const started = Date.now();
    const post = h.messagesTo(LENINSKY_TG.id).find((m) => m.message.text.includes(`№${number}`))!;
    const vkPost = h.vk.messagesTo(LENINSKY_VK).find((m) => m.text.includes(`№${number}`))!;
    const tgBefore = h.callbackAnswers().length;
    const vkBefore = h.vk.eventAnswers().length;
    const where = { bound: 0, other: 0, private: 0 };

    // Telegram: presses in batches (group presses run side by side in the bot, as in real life).
    const presses = Array.from({ length: FORGED_PRESSES }, (_, i) => forgedTelegramPress(rng, i));
    for (let i = 0; i < presses.length; i += 25) {
      await Promise.all(
        presses.slice(i, i + 25).map((p, k) => {
          where[p.where]++;
          const userId = 20_000 + i + k;
          const person =
            p.where === 'private' ? h.person(userId, `Подделка${k}`) : h.person(userId, `Подделка${k}`, p.where === 'bound' ? LENINSKY_TG : CENTRAL_TG);
          return person.pressData(post, p.data);
        }),
      );
    }
    // VK: events with forged payloads from the bound conversation, another one and private chats.
    const vkWhere = { bound: 0, other: 0, private: 0 };
    for (let i = 0; i < FORGED_PRESSES; i++) {
      let payload = rng.pick<() => unknown>([
        () => hostileVkPayload(rng),
        () => ({ d: `claim:${rng.pick<unknown>([number + 1, 999_999_999, -1, 0, 1.5, Number.MAX_SAFE_INTEGER + 2, `0${number}`])}` }),
        () => ({ d: `claim:${number}` }),
        // The shape payloads had before they carried the text form: refused like any other.
        () => ({ claim: number }),
        () => ({ d: `a:${rng.int(0, 30)}:${rng.int(0, 9)}` }),
        () => ({ d: 'm:new' }),
        () => ({ d: rng.pick([`t:done:${number}`, `t:contact:${number}`, `t:card:${number}`, `r:${number}:0`, `wy:${number}`, `fb:${number}:1`]) }),
      ])();
      const place = rng.pick(['bound', 'other', 'private'] as const);
      const parsed = parsePayload(payload);
      const decoded = parsed && decodeAction(parsed);
      if (place === 'bound' && decoded?.kind === 'claim' && decoded.number === number) payload = { d: `claim:${number + 7}` };
      vkWhere[place]++;
      const userId = 30_000 + i;
      h.vk.addUser({ id: userId, firstName: `Подделка${i}`, lastName: 'Тестова' });
      h.vk.pushMessageEvent({
        userId,
        peerId: place === 'bound' ? LENINSKY_VK : place === 'other' ? CENTRAL_VK : userId,
        conversationMessageId: place === 'bound' ? vkPost.conversationMessageId : rng.int(1, 5),
        // The fake JSON-parses a string payload, as VK hands payloads over as JSON values.
        payload: typeof payload === 'string' ? JSON.stringify(payload) : payload,
      });
    }

    const tgAnswers = await h.emulator.waitFor(() => {
      const all = h.callbackAnswers().slice(tgBefore);
      return all.length >= FORGED_PRESSES ? all : undefined;
    }, 15_000);
    const vkAnswers = await h.vk.waitFor(() => {
      const all = h.vk.eventAnswers().slice(vkBefore);
      return all.length >= FORGED_PRESSES ? all : undefined;
    }, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const tally = (texts: string[]) =>
      [...texts.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<string, number>())].map(([t, n]) => `${n}× «${t}»`).join(', ');
    console.log(
      `[fuzz callbacks] Telegram: ${FORGED_PRESSES} forged presses (bound group ${where.bound}, other group ${where.other}, private ${where.private}) → ${h.callbackAnswers().length - tgBefore} answers: ${tally(tgAnswers.map((a) => String(a.text ?? '(no text)')))}`,
    );
    console.log(
      `[fuzz callbacks] VK: ${FORGED_PRESSES} forged events (bound conversation ${vkWhere.bound}, other ${vkWhere.other}, private ${vkWhere.private}) → ${h.vk.eventAnswers().length - vkBefore} answers: ${tally(vkAnswers.map((a) => String(a.eventData?.text ?? '(no text)')))}; ${Date.now() - started} ms`,
    );
    // Exactly one answer per press: none left spinning, none answered twice.
    expect(h.callbackAnswers().length - tgBefore).toBe(FORGED_PRESSES);
    expect(h.vk.eventAnswers().length - vkBefore).toBe(FORGED_PRESSES);
    for (const a of [...tgAnswers.map((x) => x.text), ...vkAnswers.map((x) => x.eventData?.text)]) {
      expect(a).not.toBe(GENERIC_ERROR);
      expect(String(a)).not.toMatch(/ваша|Вы взяли/);
    }
    await expectUntouched();
    // The group posts are as they were: nobody took it, the button is still there.
    const tgPost = h.messagesTo(LENINSKY_TG.id).find((m) => m.messageId === post.messageId)!;
    expect(tgPost.message.text).toBe(post.message.text);
    expect(h.vk.messagesTo(LENINSKY_VK).find((m) => m.conversationMessageId === vkPost.conversationMessageId)?.edits).toBe(0);
  });

  it('answers every hostile text mid-questionnaire on Telegram and VK, and still takes a normal request', async () => {
    const rng = new Rng(SEED + 3);
    const started = Date.now();
    // Telegram: a person half-way through the questionnaire.
    const tg = h.person(801, 'Хакер');
    let m = await tg.ask('/start');
    m = await tg.choose(m, 'Оставить заявку');
    m = await tg.choose(m, 'Да');
    const categories = new Map<string, number>();
    let tgReplies = 0;
    for (let i = 0; i < HOSTILE_TEXTS; i++) {
      const before = h.messagesTo(tg.chatId).length;
      const roll = i % 10;
      if (roll === 0) await tg.sendSticker();
      else if (roll === 1) await tg.shareContact(rng.pick(['+1 555 0100', '79131234567', 'abc', '']));
      else {
        const category = rng.pick<HostileCategory>([
          'long',
          'html',
          'markdown',
          'bidi',
          'zero-width',
          'emoji',
          'combining',
          'control',
          'whitespace',
          'number-junk',
          'phone-junk',
          'injection',
          'json',
          'mixed',
          'decorated-valid',
        ]);
        let text = hostileOf(rng, category, { valid: ['Пенсионеру', '1', '81', 'Ленинский', 'Назад'] });
        // Telegram delivers no empty messages and no commands that cancel; /cancel is tried separately below.
        if (text.trim() === '' || /^\/cancel/i.test(text)) text = `${text}…`;
        categories.set(category, (categories.get(category) ?? 0) + 1);
        await tg.say(text);
      }
      await h.emulator.waitFor(() => h.messagesTo(tg.chatId).length > before);
      tgReplies++;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tgReplies).toBe(HOSTILE_TEXTS);
    // Afterwards: cancel, and file a normal request as if nothing happened.
    tg.skipAll();
    await tg.ask('/cancel');
    tg.skipAll();
    const tgNumber = await fileRequest(tg, 'Центральный');

    // VK: the same.
    const vk = h.vkPerson(6801, 'Хакер');
    let v = await vk.ask('Здравствуйте');
    v = await vk.choose(v, 'Оставить заявку');
    v = await vk.choose(v, 'Да');
    let vkReplies = 0;
    for (let i = 0; i < HOSTILE_TEXTS; i++) {
      const before = h.vk.messagesTo(vk.peerId).length;
      if (i % 10 === 0) vk.sendSticker();
      else {
        let text = hostileString(rng, { valid: ['Пенсионеру', '1', '81'] }).text;
        if (/^\s*\/cancel/i.test(text)) text = `…${text}`;
        vk.say(text);
      }
      await h.vk.waitFor(() => h.vk.messagesTo(vk.peerId).length > before);
      vkReplies++;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(vkReplies).toBe(HOSTILE_TEXTS);
    vk.skipAll();
    await vk.ask('/cancel');
    vk.skipAll();
    const vkNumber = await fileVkRequest(vk, 'Центральный');

    const tgTexts = h.messagesTo(tg.chatId).map((x) => x.message.text);
    const vkTexts = h.vk.messagesTo(vk.peerId).map((x) => x.text);
    console.log(
      `[fuzz callbacks] hostile texts: Telegram ${HOSTILE_TEXTS} (incl. ${HOSTILE_TEXTS / 10} stickers, ${HOSTILE_TEXTS / 10} contacts; ${[...categories].map(([c, n]) => `${c} ${n}`).join(', ')}) → ${tgTexts.length} bot messages; ` +
        `VK ${HOSTILE_TEXTS} (incl. ${HOSTILE_TEXTS / 10} stickers) → ${vkTexts.length} messages; then requests №${tgNumber} (Telegram) and №${vkNumber} (VK) filed normally; ${Date.now() - started} ms`,
    );
    expect(tgTexts).not.toContain(GENERIC_ERROR);
    expect(vkTexts).not.toContain(GENERIC_ERROR);
    await expectUntouched();
  });

  it('sent nothing with a parse mode, and never an error reply', () => {
    const sends = h.emulator.callsOf('sendMessage');
    const edits = h.emulator.callsOf('editMessageText');
    const withParseMode = [...sends, ...edits].filter((c) => c.payload.parse_mode !== undefined || c.payload.entities !== undefined);
    const generic = [...sends.filter((c) => c.payload.text === GENERIC_ERROR), ...h.callbackAnswers().filter((a) => a.text === GENERIC_ERROR)];
    const vkGeneric = h.vk.allMessages().filter((x) => x.text === GENERIC_ERROR);
    const vkFormatted = h.vk.callsOf('messages.send').filter((c) => c.params.format_data !== undefined);
    console.log(
      `[fuzz callbacks] Telegram: ${sends.length} sendMessage and ${edits.length} editMessageText calls, ${withParseMode.length} with parse_mode/entities, ${generic.length} error replies; ` +
        `VK: ${h.vk.callsOf('messages.send').length} messages.send calls, ${vkFormatted.length} with format_data, ${vkGeneric.length} error replies`,
    );
    expect(sends.length).toBeGreaterThan(HOSTILE_TEXTS);
    expect(withParseMode).toEqual([]);
    expect(generic).toEqual([]);
    expect(vkGeneric).toEqual([]);
    expect(vkFormatted).toEqual([]);
  });
});
