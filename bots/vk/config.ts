import { z } from 'zod';
import { idList } from '../../src/config-schemas.js';

/** VK's part of the environment; .env.example documents each variable. */
export const vkConfigShape = {
  VK_TOKEN: z.string().min(20, 'must be a community access token (Manage community → API usage)').optional(),
  VK_GROUP_ID: z.coerce.number().int().positive('must be the community id, a positive number').optional(),
  VK_API_BASE_URL: z.url().default('https://api.vk.ru/method'),
  VK_MODE: z.enum(['polling', 'callback']).default('polling'),
  // The only thing between the internet and the bot in callback mode: short enough to guess, it is no secret.
  VK_CALLBACK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters (VK allows up to 50)')
    .max(50, 'must be at most 50 characters, as VK allows')
    .optional(),
  VK_CALLBACK_CONFIRMATION: z.string().min(1).optional(),
  VK_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(20),
  COORDINATOR_VK_IDS: idList,
  HQ_VK_PEER_ID: z.coerce.number().int().min(2_000_000_001, 'must be a conversation peer id (2000000001 or more)').optional(),
  OPERATOR_VK_IDS: idList,
};

export type VkConfig = z.infer<z.ZodObject<typeof vkConfigShape>>;

export function vkConfigProblems(c: VkConfig): [string, string][] {
  const problems: [string, string][] = [];
  if (c.VK_TOKEN && !c.VK_GROUP_ID) problems.push(['VK_GROUP_ID', 'VK_TOKEN needs VK_GROUP_ID, the community id']);
  if (c.VK_MODE !== 'polling' && !(c.VK_CALLBACK_SECRET && c.VK_CALLBACK_CONFIRMATION)) {
    problems.push(['VK_MODE', 'VK_MODE=callback needs VK_CALLBACK_SECRET and VK_CALLBACK_CONFIRMATION']);
  }
  return problems;
}
