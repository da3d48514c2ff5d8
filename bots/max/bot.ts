import type { Bot, Context } from '@maxhub/max-bot-api';
import type { Logger } from '../../src/logger.js';
import { createInFlightTracker } from '../../src/in-flight.js';
import { claimOutcomeText } from '../../src/messages/command-texts.js';
import { createPerKeyQueue } from '../../src/per-key-queue.js';
import type { PlatformCore } from '../../src/platform-module.js';
import type { ConsoleChat } from '../../src/services/console/console-chat.js';
import { describeError } from '../../src/services/describe-error.js';
import { parseCommand } from '../../src/services/private-chat/chat-text.js';
import { storedPlace, type PrivateChat } from '../../src/services/private-chat/dialogue.js';
import { alertReply, failureText } from '../../src/services/private-chat/notices.js';
import type { ChatInput } from '../../src/services/private-chat/reply.js';
import { createMaxConsoleHandlers } from './coordinator-commands.js';
import { createMaxDedup } from './dedup.js';
import { inputOf, placeOf, publicNameOf, withoutMention, type MaxPlace } from './input.js';
import { decodePayload } from './payload.js';
import { answerPress, say, sendReply, type MaxPress } from './render.js';
import { missingRights } from './rights.js';

/** The core's services, with the private chat worded for MAX and the console shaped for it. */
export type MaxHandlerDeps = PlatformCore & { chat: PrivateChat; consoleChat: ConsoleChat; botLink: () => string };

/**
 * Installs the MAX bot's handlers: a person's messages and presses go to the private chat's
 * dialogue, group chats take coordinators' /bind and volunteers' «Взять заявку», and the bot's
 * removal from a group marks its binding broken. Returns `drained` for a graceful shutdown.
 */
export function installMaxHandlers(bot: Bot, deps: MaxHandlerDeps): { drained: () => Promise<void> } {
  const { catalog } = deps;
  const api = bot.api;
  const inFlight = createInFlightTracker();
  // The client hands a poll's updates over all at once; a person's must still be taken one by one.
  const perPerson = createPerKeyQueue();
  const consoleHandlers = createMaxConsoleHandlers(api, deps);

  bot.use(inFlight.middleware);
  // A flood of one person's messages and presses is dropped before anything reads or writes for it.
  bot.use(async (ctx, next) => {
    const place = placeOf(ctx);
    if (!place?.privately) return next();
    const verdict = deps.floodGuard.check(`max:${place.user.user_id}`);
    if (verdict === 'pass') return next();
    if (verdict === 'warn') await sendReply(api, place.chatId, alertReply(catalog.t('bot.errors.slowDown')), catalog, pressOf(ctx));
  });
  bot.use(createMaxDedup(deps.updateLog, deps.logger));
  bot.use(async (ctx, next) => {
    const place = placeOf(ctx);
    // A press in a group is answered first, so that in a storm of presses the answers do not queue behind the writes of sightings.
    if (place && !place.privately) {
      await next();
      await consoleHandlers.seen(place);
      return;
    }
    if (place) await consoleHandlers.seen(place);
    await next();
  });

  bot.on('message_created', (ctx) =>
    guarded(ctx, 'message failed', async (place) => {
      const text = ctx.update.message.body.text ?? '';
      if (await consoleHandlers.onMessage(place, text)) return;
      if (place.privately) await perPerson(place.chatId, () => onPersonInput(place, inputOf(ctx)!));
      else await onGroupMessage(place, text);
    }),
  );

  bot.on('message_callback', (ctx) =>
    guarded(ctx, 'button press failed', async (place) => {
      const press = pressOf(ctx)!;
      const payload = ctx.update.callback.payload;
      if (await consoleHandlers.onPress(place, payload, press)) return;
      // In the person's queue: their questionnaire may be answering at this very moment.
      if (place.privately) await perPerson(place.chatId, () => onPersonInput(place, inputOf(ctx)!, press));
      else await onGroupPress(place, decodePayload(payload), press);
    }),
  );

  // MAX's «Начать» in a new dialogue: the greeting, as /start.
  bot.on('bot_started', (ctx) => guarded(ctx, 'start failed', (place) => perPerson(place.chatId, () => onPersonInput(place, inputOf(ctx)!))));

  // The bot removed from a group chat: its binding is broken, the HQ told, the waiting requests go elsewhere.
  bot.on('bot_removed', async (ctx) => {
    const log = deps.logger.child({ platform: 'max', event: 'bot_removed' });
    try {
      const wasBound = await deps.chatBindings.lost('max', String(ctx.update.chat_id), 'removed');
      log.info({ wasBound }, 'the bot was removed from a group chat');
    } catch (error) {
      // Not lost for good: the next post MAX refuses there (403) marks the chat the same way.
      log.error({ err: describeError(error) }, 'removal from a group chat failed');
    }
  });

  /** Runs a person's update, telling them when it failed; updates of no person (service ones, the bot's own) are let be. */
  async function guarded(ctx: Context, failure: string, handle: (place: MaxPlace) => Promise<void>): Promise<void> {
    const place = placeOf(ctx);
    if (!place) return;
    try {
      await handle(place);
    } catch (error) {
      deps.logger
        .child({ platform: 'max', event: ctx.updateType, chat_kind: place.privately ? 'person' : 'group' })
        .error({ err: describeError(error) }, failure);
      const press = pressOf(ctx);
      const text = failureText(catalog, error);
      await (press ? answerPress(api, press.callbackId, { notification: text }) : say(api, place.chatId, text)).catch(() => undefined);
    }
  }

  async function onPersonInput(place: MaxPlace, input: ChatInput, press?: MaxPress): Promise<void> {
    const who = { person: { platform: 'max' as const, userId: String(place.user.user_id) }, chatId: place.chatId };
    const reply = await deps.chat.handle(who, input, storedPlace(deps.conversations, `max:${place.user.user_id}`));
    await sendReply(api, place.chatId, reply, catalog, press);
  }

  /** A message in a group chat: only coordinators' commands and /id mean anything there. */
  async function onGroupMessage(place: MaxPlace, text: string): Promise<void> {
    const command = parseCommand(withoutMention(text));
    if (!command) return;
    const chatId = Number(place.chatId);
    // The title is asked for only when it is stored: at /bind.
    const title =
      command.name === 'bind'
        ? await api.getChat(chatId).then(
            (chat) => chat.title ?? undefined,
            () => undefined,
          )
        : undefined;
    const answer = await deps.groupChat.command({ platform: 'max', userId: String(place.user.user_id) }, place.chatId, command.name, command.args, {
      ...(title ? { title } : {}),
      missingRights: () => missingRights(api, chatId),
    });
    if (!answer) return;
    // Where the bot may not write, the coordinator who asked reads the answer privately.
    await say(api, answer.privately ? place.user.user_id : chatId, answer.text);
  }

  /** «Взять заявку» under a group post; any other button pressed in a group is not ours to read. */
  async function onGroupPress(place: MaxPlace, action: ReturnType<typeof decodePayload>, press: MaxPress): Promise<void> {
    if (action?.kind !== 'claim') {
      await answerPress(api, press.callbackId, { notification: catalog.t('bot.intake.staleButton') });
      return;
    }
    const outcome = await deps.claimRequest(
      action.number,
      { platform: 'max', userId: String(place.user.user_id), displayName: publicNameOf(place.user) },
      { platform: 'max', chatId: place.chatId },
    );
    const text =
      outcome.kind === 'unreachable' ? catalog.t('claim.openMaxBotFirst', { link: deps.botLink() }) : claimOutcomeText(catalog, outcome, action.number).text;
    // The outcome stands whatever becomes of its answer: an answer MAX did not take is logged, not
    // turned into «something went wrong» about a claim that went through.
    await answerPress(api, press.callbackId, { notification: text }).catch((error: unknown) => {
      deps.logger.warn(
        { platform: 'max', event: 'message_callback', outcome: outcome.kind, err: describeError(error) },
        'the answer to a claim press was not delivered',
      );
    });
  }

  return { drained: inFlight.drained };
}

/** The press an update is, with the message it was under. */
function pressOf(ctx: Context): MaxPress | undefined {
  const { update } = ctx;
  if (update.update_type !== 'message_callback') return undefined;
  const message = update.message;
  return { callbackId: update.callback.callback_id, ...(message ? { message: { mid: message.body.mid, text: message.body.text ?? '' } } : {}) };
}

/** Errors of a handler never end the process (the client's default) but are logged, without the update. */
export function catchHandlerErrors(bot: Bot, logger: Logger): void {
  bot.catch((error, ctx) => {
    logger.error({ platform: 'max', event: ctx.updateType, err: describeError(error) }, 'update failed');
  });
}
