import { z } from 'zod';
import { idList } from '../../src/config-schemas.js';

/** Telegram's part of the environment; .env.example documents each variable. */
export const telegramConfigShape = {
  BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-DEF… (from @BotFather)')
    .optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_URL: z.url().optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  COORDINATOR_TELEGRAM_IDS: idList,
  HQ_TELEGRAM_CHAT_ID: z
    .string()
    .regex(/^-?\d+$/, 'must be a numeric chat id')
    .optional(),
  OPERATOR_TELEGRAM_IDS: idList,
};

export type TelegramConfig = z.infer<z.ZodObject<typeof telegramConfigShape>>;

export function telegramConfigProblems(c: TelegramConfig): [string, string][] {
  return c.TELEGRAM_MODE === 'polling' || (c.TELEGRAM_WEBHOOK_URL && c.TELEGRAM_WEBHOOK_SECRET)
    ? []
    : [['TELEGRAM_MODE', 'TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET']];
}
