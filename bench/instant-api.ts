import type { ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

/** A Bot API call as the bot made it, with when (performance.now()). */
export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

/**
 * A Telegram Bot API answered in process, at once and always successfully, put in as the clients'
 * fetch: grammY still builds and serialises each call as it would for Telegram, and the
 * conversations plugin still records each answer in its replay log, so what is measured is the bot's
 * own cost and no network's. Nothing is kept: a listener sees each call (a long soak must not grow
 * the bench's own heap).
 */
export function createInstantApi(botInfo: UserFromGetMe) {
  let nextMessageId = 1;
  let listener: ((call: ApiCall) => void) | undefined;
  const counts = new Map<string, number>();

  const fetch = (async (url: unknown, init?: { body?: unknown }) => {
    const method = String(url).slice(String(url).lastIndexOf('/') + 1);
    const payload = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    counts.set(method, (counts.get(method) ?? 0) + 1);
    listener?.({ method, payload, at: performance.now() });
    const body = { ok: true, result: resultOf(method, payload) };
    return { ok: true, status: 200, json: async () => body };
  }) as unknown as NonNullable<ApiClientOptions['fetch']>;

  /** What Telegram answers, in the shape it does (a sent message echoes its text and buttons). */
  function resultOf(method: string, payload: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return botInfo;
      case 'sendMessage':
      case 'editMessageText': {
        const chatId = Number(payload.chat_id);
        return {
          message_id: method === 'sendMessage' ? nextMessageId++ : Number(payload.message_id),
          from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
          date: Math.floor(Date.now() / 1000),
          chat: chatId < 0 ? { id: chatId, type: 'supergroup', title: 'Volunteers' } : { id: chatId, type: 'private', first_name: 'Bench' },
          text: payload.text,
          ...(isInlineKeyboard(payload.reply_markup) ? { reply_markup: payload.reply_markup } : {}),
        };
      }
      default:
        return true;
    }
  }

  return {
    fetch,
    /** Calls per method so far. */
    counts: () => Object.fromEntries(counts),
    /** Sees every call from now on (one listener at a time); undefined stops it. */
    listen(fn: ((call: ApiCall) => void) | undefined) {
      listener = fn;
    },
  };
}

function isInlineKeyboard(markup: unknown): boolean {
  return typeof markup === 'object' && markup !== null && 'inline_keyboard' in markup;
}

export type InstantApi = ReturnType<typeof createInstantApi>;
