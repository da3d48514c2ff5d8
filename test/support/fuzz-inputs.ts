import { cleanText } from '../../src/scenario/parse-answer.js';
import type { Step } from '../../src/scenario/schema.js';

/**
 * Seeded, deterministic generators of hostile input for the fuzz tests: what people paste into a
 * chat bot by accident or on purpose. No dependency: a small PRNG (mulberry32) drives everything,
 * so a failing case is reproduced by its seed and index alone.
 */

/** mulberry32: a 32-bit PRNG, good enough to spread test inputs and fully reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random source with the helpers the generators need. */
export class Rng {
  private readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** `count` picks joined. */
  string(alphabet: readonly string[], count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += this.pick(alphabet);
    return out;
  }
}

// ---- alphabets ---------------------------------------------------------------------------------

export const HTML_METACHARACTERS = [
  '<b>',
  '</b>',
  '<i>',
  '</a>',
  '<a href="tg://user?id=1">',
  '<script>alert(1)</script>',
  '&amp;',
  '&lt;',
  '&#x202E;',
  '<',
  '>',
  '&',
  '"',
  "'",
  '<br/>',
  '<tg-spoiler>',
  '<pre>',
  '</code>',
];
export const MARKDOWN_METACHARACTERS = [
  '*',
  '_',
  '[',
  ']',
  '(',
  ')',
  '~',
  '`',
  '>',
  '#',
  '+',
  '-',
  '=',
  '|',
  '{',
  '}',
  '.',
  '!',
  '\\',
  '```',
  '**',
  '__',
  '[x](http://evil.example)',
  '||spoiler||',
  '*bold*',
  '_it_',
];
/** Marks and overrides that turn text around: LRM/RLM, embeddings/overrides, isolates, ALM. */
export const BIDI_CHARACTERS = ['\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u061C'];
export const ZERO_WIDTH_CHARACTERS = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E', '\u2061', '\u2062', '\u2063', '\u2064'];
export const EMOJI = [
  '😀',
  '👍',
  '👍🏽',
  '❤️',
  '🙏',
  '👵',
  '👴🏻',
  '✋',
  '⬅️',
  '🏳️‍🌈',
  '👨‍👩‍👧‍👦',
  '🧑🏽‍⚕️',
  '👩‍❤️‍💋‍👨',
  '🇷🇺',
  '🇺🇦',
  '🇺🇸',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '1️⃣',
  '#️⃣',
  '🫶',
  '🥲',
];
export const COMBINING_MARKS = ['\u0301', '\u0300', '\u0308', '\u0336', '\u0489', '\u20DD', '\u0338', '\u034F', '\u0332'];
export const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D'];
/** C0 controls, DEL and a few C1 controls; tab and newline are ordinary text. */
export const CONTROL_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u000E',
  '\u001B',
  '\u001F',
  '\u007F',
  '\u0085',
  '\u009B',
  '\r',
  '\r\n',
  '\t',
  '\n',
];
export const WHITESPACE = [' ', '\t', '\n', '\r\n', '\u00A0', '\u2002', '\u2003', '\u2009', '\u3000', '\u2028', '\u2029', '\u1680', '\u205F'];
const CYRILLIC = [...'абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ'];
const LATIN = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const DIGITS = [...'0123456789'];
const ARABIC_INDIC_DIGITS = [...'٠١٢٣٤٥٦٧٨٩'];
const FULLWIDTH_DIGITS = [...'０１２３４５６７８９'];
const OTHER_SCRIPTS = ['שלום', 'مرحبا', '你好', 'こんにちは', 'Ωμέγα', 'ﷺ', 'ﷻ', '𝕳𝖊𝖑𝖑𝖔', '𒐫', 'ᄀᄀᄀ', 'ㅤ', '⠀'];

export const NUMBER_JUNK = [
  '78 лет',
  'около 80',
  '-5',
  '+5',
  '1e3',
  '٧٨',
  '７８',
  '78.5',
  '78,5',
  '0',
  '00078',
  '121',
  '120',
  '1',
  '999999999999999999999999',
  '0x4E',
  'NaN',
  'Infinity',
  '-0',
  '7 8',
  '½',
  '⁷⁸',
  '78лет',
  'семьдесят восемь',
  '78-80',
  '=78',
  '<78>',
  '78 / 80',
  '80?',
  '#80',
];
export const PHONE_JUNK = [
  '8 (913) 123-45-67',
  '+7 913 123 45 67',
  '89131234567',
  '+79131234567',
  '9131234567',
  '79131234567',
  '+89131234567',
  '+1 555 123 4567',
  '8-913-123-45-6',
  '8913123456789',
  '+7 (913) 123-45-67 доб. 12',
  '８９１３１２３４５６７',
  '٨٩١٣١٢٣٤٥٦٧',
  '+7\u200B9131234567',
  '+7‎9131234567',
  '+7 913 123 45 67\u0000',
  '+++79131234567',
  '((((9131234567))))',
  '8.913.123.45.67',
  'tel:+79131234567',
  '+7 913 ONE 23 45',
  '0',
  '',
];
export const INJECTION_LOOKING = [
  '{"$gt":""}',
  '{"$ne":null}',
  '{"$where":"sleep(1000)"}',
  '$where',
  '{"__proto__":{"admin":true}}',
  'constructor',
  '__proto__',
  "'; DROP TABLE requests; --",
  '" OR 1=1 --',
  '$(rm -rf /)',
  '`id`',
  '${process.exit(1)}',
  '{{7*7}}',
  '%s%s%s%n',
  '../../../etc/passwd',
  'javascript:alert(1)',
  'claim:1',
  'a:1:0',
  'm:new',
  '/start',
  '/cancel',
  '/bind Ленинский',
  '@all',
  '{value}',
  '{number}',
  '$&',
  '$1',
  "$'",
];
export const JSON_FRAGMENTS = [
  '{',
  '}',
  '[]',
  '{"a":1,"i":0}',
  '{"claim":1}',
  '{"b":1}',
  'null',
  'true',
  '[{"x":',
  '"\\u0000"',
  '{"m":"new"}',
  '{"command":"start"}',
  '\\"',
  '\\u202e',
];

export const CATEGORIES = [
  'html',
  'markdown',
  'bidi',
  'zero-width',
  'emoji',
  'combining',
  'lone-surrogate',
  'control',
  'long',
  'whitespace',
  'number-junk',
  'phone-junk',
  'injection',
  'json',
  'other-scripts',
  'boundary-length',
  'decorated-valid',
  'mixed',
] as const;
export type HostileCategory = (typeof CATEGORIES)[number];

export interface Hostile {
  category: HostileCategory;
  text: string;
}

/** What the generator may aim at: a length window (boundary cases) and valid answers to decorate. */
export interface HostileHint {
  lengths?: { min: number; max: number };
  valid?: readonly string[];
}

const PLAIN = [...CYRILLIC, ...LATIN, ...DIGITS, ' '];
const ANY_PIECE = [
  ...HTML_METACHARACTERS,
  ...MARKDOWN_METACHARACTERS,
  ...BIDI_CHARACTERS,
  ...ZERO_WIDTH_CHARACTERS,
  ...EMOJI,
  ...COMBINING_MARKS,
  ...LONE_SURROGATES,
  ...CONTROL_CHARACTERS,
  ...WHITESPACE,
  ...CYRILLIC,
  ...LATIN,
  ...DIGITS,
  ...ARABIC_INDIC_DIGITS,
  ...FULLWIDTH_DIGITS,
  ...OTHER_SCRIPTS,
];

/** Up to `max` code points long, built of whole pieces (an emoji sequence is never cut). */
function buildUpTo(rng: Rng, pieces: readonly string[], codePoints: number): string {
  let out = '';
  let length = 0;
  for (let guard = 0; length < codePoints && guard < codePoints * 4; guard++) {
    const piece = rng.pick(pieces);
    const n = [...piece].length;
    if (length + n > codePoints) continue;
    out += piece;
    length += n;
  }
  return out;
}

/** One hostile string of the given category. */
export function hostileOf(rng: Rng, category: HostileCategory, hint: HostileHint = {}): string {
  const few = () => rng.int(1, 12);
  switch (category) {
    case 'html':
      return mix(rng, HTML_METACHARACTERS, few());
    case 'markdown':
      return mix(rng, MARKDOWN_METACHARACTERS, few());
    case 'bidi':
      return mix(rng, BIDI_CHARACTERS, few());
    case 'zero-width':
      return rng.bool(0.3) ? rng.string(ZERO_WIDTH_CHARACTERS, few()) : mix(rng, ZERO_WIDTH_CHARACTERS, few());
    case 'emoji':
      return rng.bool(0.3) ? rng.string(EMOJI, rng.int(1, 400)) : mix(rng, EMOJI, few());
    case 'combining':
      return rng.string(CYRILLIC, rng.int(1, 8)).replace(/./gu, (c) => c + rng.string(COMBINING_MARKS, rng.int(0, 30)));
    case 'lone-surrogate':
      return mix(rng, LONE_SURROGATES, few());
    case 'control':
      return rng.bool(0.3) ? rng.string(CONTROL_CHARACTERS, few()) : mix(rng, CONTROL_CHARACTERS, few());
    case 'long': {
      const length = rng.pick([1001, 1500, 4096, 4097, 9999, 10_000, rng.int(301, 10_000)]);
      const alphabet = rng.pick([PLAIN, ANY_PIECE, ['a'], ['Я'], ['\n'], EMOJI]);
      return buildUpTo(rng, alphabet, length);
    }
    case 'whitespace':
      return rng.string([...WHITESPACE, ...ZERO_WIDTH_CHARACTERS.slice(0, 3)], rng.int(0, 40));
    case 'number-junk':
      return rng.bool(0.7) ? rng.pick(NUMBER_JUNK) : `${rng.pick(NUMBER_JUNK)}${rng.pick(ANY_PIECE)}`;
    case 'phone-junk':
      return rng.bool(0.7) ? rng.pick(PHONE_JUNK) : `${rng.pick(PHONE_JUNK)}${rng.pick(ANY_PIECE)}`;
    case 'injection':
      return rng.pick(INJECTION_LOOKING);
    case 'json':
      return rng.bool(0.5)
        ? rng.pick(JSON_FRAGMENTS)
        : JSON.stringify({ [rng.pick(['$gt', 'a', 'claim', 'i', '__proto__'])]: rng.pick([1, -1, '', null, 1e308, 'x']) });
    case 'other-scripts':
      return mix(rng, OTHER_SCRIPTS, few());
    case 'boundary-length': {
      // Just inside and just outside the step's limits, in letters that are one or two UTF-16 units.
      const { min, max } = hint.lengths ?? { min: 1, max: 100 };
      const target = rng.pick([min - 1, min, min + 1, max - 1, max, max + 1].filter((n) => n >= 0));
      const alphabet = rng.pick([CYRILLIC, EMOJI.filter((e) => [...e].length === 1), ['👍🏽'], [...CYRILLIC, ...COMBINING_MARKS], ['<', '>', '&', '*', '_']]);
      const padded = buildUpTo(rng, alphabet, target);
      return rng.bool(0.3) ? rng.pick(ZERO_WIDTH_CHARACTERS) + padded + rng.pick(BIDI_CHARACTERS) : padded;
    }
    case 'decorated-valid': {
      // A valid answer with invisible, bidi or markup decorations around or inside it.
      const base = hint.valid && hint.valid.length > 0 ? rng.pick(hint.valid) : 'Ленинский';
      const deco = () => rng.pick([...BIDI_CHARACTERS, ...ZERO_WIDTH_CHARACTERS, ...WHITESPACE, '<b>', '*', '_', '\u0000', '😀']);
      const chars = [...base];
      if (chars.length > 1 && rng.bool(0.5)) chars.splice(rng.int(1, chars.length - 1), 0, deco());
      return (rng.bool(0.5) ? deco() : '') + chars.join('') + (rng.bool(0.5) ? deco() : '');
    }
    case 'mixed':
      return buildUpTo(rng, ANY_PIECE, rng.int(0, 200));
  }
}

/** Random pieces of `alphabet` interleaved with ordinary words. */
function mix(rng: Rng, alphabet: readonly string[], count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    out += rng.bool(0.6) ? rng.pick(alphabet) : rng.string(PLAIN, rng.int(1, 8));
  }
  return out;
}

/** One hostile string of a random category. */
export function hostileString(rng: Rng, hint: HostileHint = {}): Hostile {
  const category = rng.pick(CATEGORIES);
  return { category, text: hostileOf(rng, category, hint) };
}

// ---- button data ------------------------------------------------------------------------------

const NUMBERISH = [
  '0',
  '1',
  '2',
  '-1',
  '-0',
  '00',
  '007',
  '1.0',
  '1.5',
  '1e3',
  '0x10',
  ' 1',
  '1 ',
  '+1',
  '',
  '٣',
  '１',
  'NaN',
  'Infinity',
  '999999999',
  '1000000000',
  '1000000001',
  '9999999999',
  '9007199254740993',
  '1e308',
  '-999999999999',
];

/** Telegram callback data: well-formed actions, near misses and garbage (may exceed 64 bytes). */
export function hostileCallbackData(rng: Rng): string {
  const n = () => rng.pick(NUMBERISH);
  switch (rng.int(0, 11)) {
    case 10:
      // The buttons of a volunteer's card, a requester's cancel and rating, and their near misses.
      return rng.pick([
        `t:${rng.pick(['done', 'release', 'contact', 'card', 'DONE', 'x', ''])}:${n()}`,
        `r:${n()}:${n()}`,
        `fb:${n()}:${n()}`,
        `w:${n()}`,
        `wy:${n()}`,
        `wn:${n()}`,
        'nc',
        'nc:1',
      ]);
    case 11:
      return rng.pick(['t:done:1:2', 't::1', 'fb:1:6', 'fb:1:0', 'fb:1', 'r:1:', 'wy:', 'w:1:1', `fb:${rng.int(1, 5)}:${rng.int(1, 5)}`]);
    case 0:
      return `a:${n()}:${n()}`;
    case 1:
      return `b:${n()}`;
    case 2:
      return `claim:${n()}`;
    case 3:
      return `m:${rng.pick(['new', 'my', 'NEW', 'new ', '', 'admin', 'new:1', '__proto__'])}`;
    case 4:
      return `${rng.pick(['a', 'b', 'm', 'claim', 'CLAIM', 'c', '', 'a:1', 'claim:1'])}:${n()}:${n()}:${n()}`;
    case 5:
      return rng.pick(['', ':', '::', 'a', 'claim', 'claim:', 'a::', 'b:', 'm:', 'claim:1:2', ':claim:1', 'claim::1', 'claim:1\n', 'claim:1 ', 'claim:٣']);
    case 6:
      return hostileString(rng).text.slice(0, 100);
    case 7:
      return `claim:${rng.int(-10, 2_000_000_000)}`;
    case 8:
      return `a:${rng.int(0, 60)}:${rng.int(-2, 12)}`;
    default:
      return JSON.stringify({ claim: rng.int(0, 10) });
  }
}

/** VK payloads: objects of the right and wrong shapes, JSON strings, broken JSON, non-objects. */
export function hostileVkPayload(rng: Rng): unknown {
  const num = (): unknown =>
    rng.pick<unknown>([0, 1, 2, -1, 1.5, 1e9, 1e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, '1', null, true, [], {}, 'NaN']);
  const objects = (): Record<string, unknown> =>
    rng.pick<() => Record<string, unknown>>([
      () => ({ d: hostileCallbackData(rng) }),
      () => ({ d: hostileCallbackData(rng) }),
      () => ({ d: rng.pick<unknown>([num(), 'x'.repeat(65), `claim:${'1'.repeat(70)}`, '']) }),
      () => ({ d: 'claim:1', extra: 1 }),
      () => ({ a: num(), i: num() }),
      () => ({ b: num() }),
      () => ({ m: rng.pick(['new', 'my', 'admin', '', 1]) }),
      () => ({ command: rng.pick(['start', 'Start', 'stop', '']) }),
      () => ({ claim: num() }),
      () => ({ claim: num(), extra: 1 }),
      () => ({ t: rng.pick(['done', 'release', 'contact', 'card', 'x', 1]), r: num() }),
      () => ({ rr: num(), i: num() }),
      () => ({ fb: num(), r: num() }),
      () => ({ [rng.pick(['w', 'wy', 'wn', 'nc'])]: num() }),
      () => ({ a: num(), i: num(), b: num() }),
      () => ({ $gt: '' }),
      () => JSON.parse('{"__proto__":{"claim":1}}') as Record<string, unknown>,
      () => ({ constructor: { prototype: { claim: 1 } } }),
    ])();
  switch (rng.int(0, 5)) {
    case 0:
    case 1:
      return objects();
    case 2:
      return JSON.stringify(objects());
    case 3:
      return rng.pick([...JSON_FRAGMENTS, '', 'undefined', '{"a":1,"i":0', '{"claim":1}}', "{'claim':1}", '[1,2]', '"string"', '1']);
    case 4:
      return rng.pick<unknown>([null, undefined, 0, 1, true, [], [{ claim: 1 }], 'x', 'claim']);
    default:
      return hostileString(rng).text;
  }
}

// ---- what "clean" means -------------------------------------------------------------------------

/** The characters src/scenario/parse-answer.ts cleanText removes: invisible, bidi, and control ones. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: it names the control characters cleanText removes.
export const CLEANED_AWAY = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A one-line, bounded description of a string for logs: its length and an escaped beginning. */
export function describeInput(text: string, max = 60): string {
  const chars = [...text];
  const head = chars.slice(0, max).join('');
  return `${JSON.stringify(head)}${chars.length > max ? `…(${chars.length} code points)` : ''}`;
}

/**
 * Characters a person never means that cleanText lets through: the Arabic letter mark (a bidi
 * mark), the Mongolian vowel separator, C1 controls, line/paragraph separators,
 * blank-looking letters (Hangul filler, Braille blank). Counted and reported, not asserted.
 */
export const SUSPICIOUS_LEFT_IN =
  /[\u061C\u180E\u0080-\u009F\u2028\u2029\u3164\u2800\uFFA0]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a stored answer breaks its step's rules (see src/scenario/parse-answer.ts), or null. */
export function answerRuleBroken(step: Step, value: unknown, choices: readonly string[]): string | null {
  switch (step.type) {
    case 'choice':
    case 'consent':
      if (step.type === 'consent' && value !== 'yes') return `consent stored as ${JSON.stringify(value)}`;
      return typeof value === 'string' && choices.includes(value) ? null : `choice ${JSON.stringify(value)} is not one of ${choices.join(', ')}`;
    case 'multichoice': {
      if (!Array.isArray(value)) return `multichoice stored as ${JSON.stringify(value)}`;
      const unknown = value.find((v) => !choices.includes(v));
      if (unknown !== undefined) return `multichoice ${JSON.stringify(unknown)} is not one of ${choices.join(', ')}`;
      if (new Set(value).size !== value.length) return `multichoice ${JSON.stringify(value)} repeats a choice`;
      if (value.length < step.minPicks || (step.maxPicks !== undefined && value.length > step.maxPicks)) return `multichoice of ${value.length} picks`;
      return null;
    }
    case 'number':
      return typeof value === 'number' && Number.isInteger(value) && value >= step.min && value <= step.max
        ? null
        : `number ${String(value)} outside ${step.min}..${step.max}`;
    case 'text': {
      if (typeof value !== 'string') return `text stored as ${typeof value}`;
      if (CLEANED_AWAY.test(value)) return `text keeps invisible/bidi/control characters: ${describeInput(value)}`;
      if (cleanText(value) !== value) return `text is not clean: ${describeInput(value)}`;
      const length = [...value].length;
      if (length < step.minLength || length > step.maxLength) return `text of ${length} code points outside ${step.minLength}..${step.maxLength}`;
      return value.trim() === '' ? 'whitespace-only text accepted' : null;
    }
    case 'phone':
      return typeof value === 'string' && /^\+7\d{10}$/.test(value) ? null : `phone stored as ${JSON.stringify(value)}`;
    case 'summary':
      return 'the summary stores no answer';
  }
}
