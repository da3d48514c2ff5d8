import { z } from 'zod';
import { quietHoursSchema } from './domain/quiet-hours.js';

const idList = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^-?\d+$/, 'must be numeric ids separated by commas')));

const DEFAULT_DISTRICTS = 'Центральный,Железнодорожный,Заельцовский,Калининский,Кировский,Ленинский,Октябрьский,Первомайский,Советский,Дзержинский';

/** Every setting the system reads from the environment; .env.example documents each one. */
export const configSchema = z
  .object({
    BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-DEF… (from @BotFather)').optional(),
    TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
    TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
    TELEGRAM_WEBHOOK_URL: z.url().optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
    VK_TOKEN: z.string().min(20, 'must be a community access token (Manage community → API usage)').optional(),
    VK_GROUP_ID: z.coerce.number().int().positive('must be the community id, a positive number').optional(),
    VK_API_BASE_URL: z.url().default('https://api.vk.ru/method'),
    VK_MODE: z.enum(['polling', 'callback']).default('polling'),
    VK_CALLBACK_SECRET: z.string().min(8, 'must be at least 8 characters').max(50).optional(),
    VK_CALLBACK_CONFIRMATION: z.string().min(1).optional(),
    VK_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(20),
    COORDINATOR_VK_IDS: idList,
    HQ_VK_PEER_ID: z.coerce.number().int().min(2_000_000_001, 'must be a conversation peer id (2000000001 or more)').optional(),
    SEND_LIMITS_SCALE: z.coerce
      .number()
      .positive()
      .max(10_000)
      .default(1)
      .describe('speeds the platforms\' sending limits up (tests, benchmarks) keeping their ratios; 1 in production'),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
    EMBEDDED_MONGO_PORT: z.coerce.number().int().min(0).max(65535).default(27018),
    COORDINATOR_TELEGRAM_IDS: idList,
    HQ_TELEGRAM_CHAT_ID: z.string().regex(/^-?\d+$/, 'must be a numeric chat id').optional(),
    DISTRICTS: z
      .string()
      .default(DEFAULT_DISTRICTS)
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      // VK shows at most 40 buttons; a longer list would not fit a keyboard.
      .pipe(z.array(z.string().max(60)).min(1, 'needs at least one district').max(40, 'at most 40 districts')),
    LOCALE: z.enum(['ru', 'en']).default('ru'),
    TIME_ZONE: z
      .string()
      .default('Europe/Moscow')
      .refine((tz) => isTimeZone(tz), 'must be an IANA time zone such as Asia/Novosibirsk'),
    // Requesters are not written to in this window of TIME_ZONE's wall clock; their messages wait for its end.
    QUIET_HOURS: z.string().default('21:00-09:00').pipe(quietHoursSchema),
    // How often each process asks the jobs collection for due jobs: a job runs at most this late.
    JOBS_PROCESS_EVERY_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    // A job whose process died mid-run is run again by another process after this long.
    JOBS_LOCK_LIFETIME_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
    SCENARIO_FILE: z.string().default('scenarios/request-help.yaml'),
    LOCALES_DIR: z.string().default('scenarios/locales'),
    HTTP_HOST: z.string().default('0.0.0.0'),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => c.BOT_TOKEN || c.VK_TOKEN, {
    message: 'set BOT_TOKEN (Telegram) or VK_TOKEN (VK), or both',
    path: ['BOT_TOKEN'],
  })
  .refine((c) => !c.VK_TOKEN || c.VK_GROUP_ID, { message: 'VK_TOKEN needs VK_GROUP_ID, the community id', path: ['VK_GROUP_ID'] })
  .refine((c) => c.VK_MODE === 'polling' || (c.VK_CALLBACK_SECRET && c.VK_CALLBACK_CONFIRMATION), {
    message: 'VK_MODE=callback needs VK_CALLBACK_SECRET and VK_CALLBACK_CONFIRMATION',
    path: ['VK_MODE'],
  })
  .refine((c) => c.TELEGRAM_MODE === 'polling' || (c.TELEGRAM_WEBHOOK_URL && c.TELEGRAM_WEBHOOK_SECRET), {
    message: 'TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET',
    path: ['TELEGRAM_MODE'],
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
        const name = issue.path.join('.') || 'configuration';
        return issue.code === 'invalid_type' && present[name] === undefined ? `${name} is required but not set` : `${name}: ${issue.message}`;
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
