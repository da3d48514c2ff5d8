import { z } from 'zod';
import { quietHoursSchema } from './domain/quiet-hours.js';
import { API_SOURCE_PATTERN, HELP_KINDS } from './domain/request.js';
import { PLATFORM_MODULES } from './platforms.js';

/** "112=key,hotline=key": the partner lines allowed to file requests through the API, each with its key. */
const partnerKeys = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        return { source: at < 0 ? pair : pair.slice(0, at).trim(), key: at < 0 ? '' : pair.slice(at + 1).trim() };
      }),
  )
  .pipe(
    z
      .array(
        z.object({
          source: z.string().regex(API_SOURCE_PATTERN, 'each line is source=key; a source is lowercase letters, digits, _ and -'),
          // A key is guessed by no one only if it is long: 24 characters at least (openssl rand -hex 24 gives 48).
          key: z.string().min(24, 'each key must be at least 24 characters (source=key)'),
        }),
      )
      .refine((list) => new Set(list.map((k) => k.source)).size === list.length, 'each source may appear once'),
  );

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30m", "2h", "90d", "500ms" → milliseconds; tests move the clock by setting these short. */
/** A yes/no setting: true/false, yes/no, on/off, 1/0. */
const yesNo = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const word = value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(word)) return true;
  if (['false', 'no', 'off', '0'].includes(word)) return false;
  ctx.addIssue({ code: 'custom', message: 'must be true or false' });
  return z.NEVER;
});

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a number with a unit: 500ms, 30s, 30m, 2h or 90d')
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text)!;
    return Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  })
  .pipe(z.number().int().positive('must be longer than zero'));

/** "30/1m": at most 30 in any minute, a limit on abuse of the HTTP side; the count must be at least 1. */
const rateLimit = z
  .string()
  .regex(/^[1-9]\d{0,6}\/\d+(ms|s|m|h|d)$/, 'must be a count per duration, such as 30/1m')
  .transform((text, ctx) => {
    const [max, window] = text.split('/') as [string, string];
    const windowMs = duration.safeParse(window);
    if (!windowMs.success) {
      ctx.addIssue({ code: 'custom', message: 'must be a count per duration, such as 30/1m (the duration longer than zero)' });
      return z.NEVER;
    }
    return { max: Number(max), windowMs: windowMs.data };
  });

/**
 * Which proxies in front may name the caller's address (X-Forwarded-For), for the limits per address:
 * off (none: the connection's address counts), a number of hops, or addresses and CIDR ranges.
 */
const trustProxy = z
  .string()
  .default('off')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .join(','),
  )
  .refine(
    (s) => s === 'off' || /^\d{1,2}$/.test(s) || s.split(',').every((x) => /^[\d.:a-fA-F]+(\/\d{1,3})?$/.test(x)),
    'must be off, a number of proxies, or their addresses (10.0.0.1, 10.0.0.0/8) separated by commas',
  )
  .transform((s): false | number | string => (s === 'off' ? false : /^\d+$/.test(s) ? Number(s) : s));

/** "medicine=15m/1h,legal=4h/1d": escalation times per kind of help (reminder / coordinators). */
const escalationOverrides = z
  .string()
  .default('medicine=15m/1h')
  .transform((text, ctx) => {
    const out: Record<string, { remindMs: number; alertMs: number }> = {};
    for (const item of text
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const match = /^(\w+)=([^/]+)\/(.+)$/.exec(item);
      const remind = match && duration.safeParse(match[2]);
      const alert = match && duration.safeParse(match[3]);
      if (!match || !remind?.success || !alert?.success || !(HELP_KINDS as readonly string[]).includes(match[1]!)) {
        ctx.addIssue({ code: 'custom', message: `"${item}" must look like medicine=15m/1h, with a kind of help from: ${HELP_KINDS.join(', ')}` });
        return z.NEVER;
      }
      out[match[1]!] = { remindMs: remind.data, alertMs: alert.data };
    }
    return out;
  });

const DEFAULT_DISTRICTS = 'Центральный,Железнодорожный,Заельцовский,Калининский,Кировский,Ленинский,Октябрьский,Первомайский,Советский,Дзержинский';

/** The core's settings; each platform adds its own part (bots/<platform>/config.ts). */
const coreShape = {
  SEND_LIMITS_SCALE: z.coerce
    .number()
    .positive()
    .max(10_000)
    .default(1)
    .describe("speeds the platforms' sending limits up (tests, benchmarks) keeping their ratios; 1 in production"),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  EMBEDDED_MONGO_PORT: z.coerce.number().int().min(0).max(65535).default(27018),
  DISTRICTS: z
    .string()
    .default(DEFAULT_DISTRICTS)
    // «Ленинский;Советский» would otherwise be one district named with a semicolon.
    .refine((s) => !s.includes(';'), 'separate the districts with commas, not semicolons: Ленинский,Советский')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    // VK shows at most 40 buttons; a longer list would not fit a keyboard.
    .pipe(
      z
        .array(z.string().max(60, 'a district name may have at most 60 characters'))
        .min(1, 'needs at least one district')
        .max(40, 'at most 40 districts')
        .superRefine((names, ctx) => {
          // Coordinators type district names in any case, and «е» for «ё»: two such names could not be told apart.
          const seen = new Map<string, string>();
          for (const name of names) {
            const folded = name.toLowerCase().replace(/ё/g, 'е');
            const earlier = seen.get(folded);
            if (earlier !== undefined) ctx.addIssue({ code: 'custom', message: `«${earlier}» and «${name}» are the same district: name each once` });
            seen.set(folded, name);
          }
        }),
    ),
  LOCALE: z.enum(['ru', 'en']).default('ru'),
  TIME_ZONE: z
    .string()
    .default('Europe/Moscow')
    .refine((tz) => isTimeZone(tz), 'must be an IANA time zone such as Asia/Novosibirsk'),
  // A requester in a messenger may have this many requests open at once, and file one per cooldown.
  MAX_OPEN_REQUESTS_PER_REQUESTER: z.coerce.number().int().min(1).max(1_000).default(3),
  SUBMISSION_COOLDOWN: duration.default(60_000),
  // A volunteer may hold this many requests at once; a press beyond it leaves the request to others.
  MAX_OPEN_CLAIMS_PER_VOLUNTEER: z.coerce.number().int().min(1).max(1_000).default(3),
  // A volunteer taking more than CLAIM_BURST requests within CLAIM_BURST_WINDOW is reported to the HQ chats.
  CLAIM_BURST: z.coerce.number().int().min(1).max(1_000).default(5),
  CLAIM_BURST_WINDOW: duration.default(10 * 60_000),
  // Only volunteers the HQ approved (and coordinators) may take requests; off: anyone in a district chat.
  CLAIM_REQUIRES_APPROVAL: yesNo.default(true),
  // A requester's words outside a questionnaire are about their open request, or one closed this recently.
  CONVERSATION_AFTER_CLOSE: duration.default(7 * 86_400_000),
  // A private chat sending more than FLOOD_MESSAGES within FLOOD_WINDOW is told once to slow down
  // and then ignored for FLOOD_PAUSE; the person's place in the questionnaire is kept.
  FLOOD_MESSAGES: z.coerce.number().int().min(1).max(10_000).default(20),
  FLOOD_WINDOW: duration.default(10_000),
  FLOOD_PAUSE: duration.default(30_000),
  // Quiet hours for requesters on TIME_ZONE's wall clock: what each message does then is the night policy (domain/night-policy.ts).
  QUIET_HOURS: z.string().default('21:00-09:00').pipe(quietHoursSchema),
  // How often each process asks the jobs collection for due jobs: a job runs at most this late.
  JOBS_PROCESS_EVERY_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  // A job whose process died mid-run is run again by another process after this long.
  JOBS_LOCK_LIFETIME_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  // An unclaimed request is raised again in its volunteer chat after this long, and the coordinators
  // are told after the second; ESCALATION_BY_HELP_KIND sets both per kind of help.
  ESCALATION_REMIND_AFTER: duration.default(30 * 60_000),
  ESCALATION_ALERT_AFTER: duration.default(2 * 3_600_000),
  ESCALATION_BY_HELP_KIND: escalationOverrides,
  // A claim not done after this long nudges its volunteer; after the second, the coordinators are told.
  STALE_CLAIM_NUDGE_AFTER: duration.default(24 * 3_600_000),
  STALE_CLAIM_ALERT_AFTER: duration.default(48 * 3_600_000),
  // The requester is asked how it went this long after the request is done; one reminder after the second.
  FEEDBACK_AFTER: duration.default(24 * 3_600_000),
  FEEDBACK_REMINDER_AFTER: duration.default(24 * 3_600_000),
  // The daily report goes to the HQ chats at this time of TIME_ZONE; "off" sends none.
  DAILY_REPORT_TIME: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'must be a time such as 09:00, or off')
    .default('09:00'),
  // Personal data of a closed request is erased this long after it closed.
  RETENTION_PERIOD: duration.default(90 * 86_400_000),
  // A request withdrawn by its requester is erased this long after: they said they need nothing.
  WITHDRAWN_RETENTION_PERIOD: duration.default(30 * 86_400_000),
  // A request open this long is closed as expired (its people are told), then erased like any closed one.
  OPEN_REQUEST_LIMIT: duration.default(30 * 86_400_000),
  // A questionnaire left half-way this long is forgotten with what was typed into it.
  ABANDONED_CONVERSATION_AFTER: duration.default(7 * 86_400_000),
  // Someone without a role the bot has not seen for this long is forgotten by the people registry.
  PEOPLE_RETENTION: duration.default(180 * 86_400_000),
  SCENARIO_FILE: z.string().default('scenarios/request-help.yaml'),
  // The application to volunteer (/volunteer), on the same engine and locale files.
  VOLUNTEER_SCENARIO_FILE: z.string().default('scenarios/volunteer.yaml'),
  LOCALES_DIR: z.string().default('scenarios/locales'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // /metrics has a listener of its own, on this machine only unless told otherwise: the counts say
  // how busy the headquarters is, and each scrape queries the database. 0 picks a free port; off, none.
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z
    .string()
    .default('9464')
    .refine((v) => v === 'off' || /^\d{1,5}$/.test(v), 'must be a port (0 picks a free one) or off')
    .transform((v) => (v === 'off' ? ('off' as const) : Number(v)))
    .pipe(z.union([z.literal('off'), z.number().int().min(0).max(65535, 'must be a port (0 picks a free one) or off')])),
  // Where people open the web console (the bot's /console links start with it); its scheme decides
  // whether cookies are marked Secure. Unset: links point where the server listens (development).
  PUBLIC_URL: z
    .url()
    .refine((u) => /^https?:\/\/[^/]+\/?$/.test(u), 'must be the address the console is opened at, like https://hq.example.org (no path)')
    .optional(),
  // Read only to ask for PUBLIC_URL in production (the Docker image sets NODE_ENV=production).
  NODE_ENV: z.string().optional(),
  PARTNER_API_KEYS: partnerKeys,
  // Limits on abuse of the public side (each "count/duration"); a refusal is 429 with Retry-After.
  // Requests filed through one partner key, from wherever they come: a line's busiest hour is far below.
  PARTNER_API_LIMIT_PER_KEY: rateLimit.default({ max: 30, windowMs: 60_000 }),
  // Calls to the partner API from one address, whatever their key.
  PARTNER_API_LIMIT_PER_ADDRESS: rateLimit.default({ max: 60, windowMs: 60_000 }),
  // Calls with a wrong or missing key from one address, before the rest of its wrong ones get 429.
  PARTNER_API_WRONG_KEYS_PER_ADDRESS: rateLimit.default({ max: 10, windowMs: 15 * 60_000 }),
  // Sign-in attempts on the web console from one address (a whole office may share one).
  CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS: rateLimit.default({ max: 20, windowMs: 15 * 60_000 }),
  HTTP_TRUST_PROXY: trustProxy,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

type PlatformShapes = UnionToIntersection<(typeof PLATFORM_MODULES)[number]['configShape']>;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every setting the system reads from the environment; .env.example documents each one. */
export const configSchema = z
  .object({ ...coreShape, ...(Object.assign({}, ...PLATFORM_MODULES.map((m) => m.configShape)) as PlatformShapes) })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const [first] = PLATFORM_MODULES;
    if (!PLATFORM_MODULES.some((m) => c[m.enabledBy])) {
      const each = PLATFORM_MODULES.map((m) => `${m.enabledBy} (${m.label})`).join(' or ');
      issue(first.enabledBy, `set ${each}, or several`);
    }
    for (const m of PLATFORM_MODULES) for (const [path, message] of m.configProblems(c as never)) issue(path, message);
    if (c.METRICS_PORT !== 'off' && c.METRICS_PORT !== 0 && c.METRICS_PORT === c.HTTP_PORT)
      issue('METRICS_PORT', 'must differ from HTTP_PORT: /metrics has a listener of its own');
    // Without PUBLIC_URL the bot's /console links point at the server's own address, which no one
    // outside reaches: in production that is a console nobody can sign in to, so it is refused.
    if (c.NODE_ENV === 'production' && !c.PUBLIC_URL) {
      issue(
        'PUBLIC_URL',
        'must be set when NODE_ENV=production: the address people open the console at, like https://hq.example.org (with docker-compose.yml: set DOMAIN in .env)',
      );
    }
  });

export type Config = z.infer<typeof configSchema>;

/** A configuration that cannot be used; the message names every variable at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; empty variables count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        // The variable's name, and which item of a list: «DISTRICTS.0» would name a piece of the parser.
        const name = issue.path.length > 0 ? String(issue.path[0]) : 'configuration';
        const item = typeof issue.path[1] === 'number' ? `, item ${issue.path[1] + 1}` : '';
        return issue.code === 'invalid_type' && present[name] === undefined ? `${name} is required but not set` : `${name}${item}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
