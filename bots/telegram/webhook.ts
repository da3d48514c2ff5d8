import { webhookCallback, type Bot } from 'grammy';
import type { RouteHandlerMethod } from 'fastify';
import type { BotContext } from './context.js';

/** The path Telegram posts updates to. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

/**
 * The fastify handler for Telegram's webhook. grammY checks the X-Telegram-Bot-Api-Secret-Token
 * header against the secret given to setWebhook and answers 401 when it does not match.
 */
export function createTelegramWebhookHandler(bot: Bot<BotContext>, secretToken: string): RouteHandlerMethod {
  return webhookCallback(bot, 'fastify', { secretToken }) as unknown as RouteHandlerMethod;
}
