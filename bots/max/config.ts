import { z } from 'zod';
import { idList } from '../../src/config-schemas.js';

/** MAX's part of the environment; .env.example documents each variable. */
export const maxConfigShape = {
  MAX_TOKEN: z.string().min(20, 'must be the bot token MAX gave (business.max.ru → Chat-bots → Integration)').optional(),
  // The address the official client uses by default.
  MAX_API_BASE_URL: z.url().default('https://platform-api2.max.ru'),
  MAX_MODE: z.enum(['polling', 'webhook']).default('polling'),
  /** The system's public HTTPS address; MAX posts updates to <it>/max/webhook. */
  MAX_WEBHOOK_URL: z.url().optional(),
  // MAX sends it back in X-Max-Bot-Api-Secret with every update: the only proof an update is MAX's.
  MAX_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  // MAX allows a bot 30 requests a second.
  MAX_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(30),
  COORDINATOR_MAX_IDS: idList,
  // A MAX group chat's id is negative.
  HQ_MAX_CHAT_ID: z
    .string()
    .regex(/^-\d+$/, 'must be a group chat id, a negative number (send /id in the chat)')
    .optional(),
  OPERATOR_MAX_IDS: idList,
};

export type MaxConfig = z.infer<z.ZodObject<typeof maxConfigShape>>;

export function maxConfigProblems(c: MaxConfig): [string, string][] {
  return c.MAX_MODE === 'polling' || (c.MAX_WEBHOOK_URL && c.MAX_WEBHOOK_SECRET)
    ? []
    : [['MAX_MODE', 'MAX_MODE=webhook needs MAX_WEBHOOK_URL and MAX_WEBHOOK_SECRET']];
}
