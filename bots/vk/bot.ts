import { Agent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { getRandomId, Keyboard, VK, type KeyboardBuilder, type MessageContext, type MessageEventContext } from 'vk-io';
import type { PersonRef } from '../../src/domain/request.js';
import { createInFlightTracker } from '../../src/in-flight.js';
import type { UpdateLog } from '../../src/services/update-log.js';
import { createVkDedup } from './dedup.js';
import type { Logger } from '../../src/logger.js';
import type { Catalog } from '../../src/messages/catalog.js';
import { bindReplyText, claimOutcomeText, unbindReplyText } from '../../src/messages/command-texts.js';
import { foldForMatching } from '../../src/scenario/parse-answer.js';
import type { DistrictBinding } from '../../src/services/bind-district.js';
import type { ClaimRequest } from '../../src/services/claim-request.js';
import { describeError, isDatabaseUnavailable } from '../../src/services/describe-error.js';
import type { Intake, IntakeInput, IntakeReply, IntakeSession } from '../../src/services/intake.js';
import type { FloodGuard } from '../../src/services/flood-guard.js';
import type { KeyValueStore } from '../../src/services/ports.js';
import { CHAT_PEER_OFFSET } from './messenger.js';
import { parsePayload, type VkPayload } from './payload.js';
import { createPerKeyQueue } from './per-peer-queue.js';
import { cut, menuKeyboard, renderIntakeReply } from './render.js';
import type { Erasure } from '../../src/services/erasure.js';
import { createVkTaskEvents } from './task-events.js';
import { createVkCoordinatorCommands, type VkCoordinatorDeps } from './coordinator-commands.js';
import { createVkConsoleCommand } from './console-command.js';
import type { ConsoleLinkIssuer } from '../../src/services/console-access.js';
import type { RequestTexts } from '../../src/messages/request-texts.js';
import type { VolunteerDesk } from '../../src/services/volunteer-desk.js';
import type { Feedback } from '../../src/services/feedback.js';

/** VK cuts a snackbar at 90 characters. */
const SNACKBAR_MAX = 90;

export interface VkConnection {
  token: string;
  groupId: number;
  apiBaseUrl: string;
  /** Requests a second; VK allows a community token 20. */
  apiLimit: number;
}

/** Creates the vk-io client for a community. */
export function createVkClient(connection: VkConnection): VK {
  return new VK({
    token: connection.token,
    pollingGroupId: connection.groupId,
    apiBaseUrl: connection.apiBaseUrl,
    apiLimit: connection.apiLimit,
    apiMode: 'sequential',
    // vk-io's default agent speaks only HTTPS; a plain-HTTP address (a local proxy, the test fake)
    // needs an HTTP one.
    ...(connection.apiBaseUrl.startsWith('http:') ? { agent: new Agent({ keepAlive: true }) as unknown as HttpsAgent } : {}),
  });
}

export interface VkHandlerDeps {
  catalog: Catalog;
  groupId: number;
  districts: readonly string[];
  intake: Intake;
  claimRequest: ClaimRequest;
  binding: DistrictBinding;
  myRequestsText: (person: PersonRef) => Promise<string>;
  /** Intake sessions by peer, kept across restarts. */
  sessions: KeyValueStore<unknown>;
  /** Events handled already, so a redelivered one is dropped. */
  updateLog: UpdateLog;
  /** Per-chat flood control of private chats. */
  floodGuard: FloodGuard;
  /** Volunteers' and requesters' actions on their requests. */
  desk: VolunteerDesk;
  /** Requesters' ratings of done requests. */
  feedback: Feedback;
  texts: RequestTexts;
  /** Coordinators' commands and the people registry. */
  coordinatorCommands: VkCoordinatorDeps;
  /** One-time sign-in links to the web console (/console); without it the command is not there. */
  consoleLink?: ConsoleLinkIssuer;
  /** A requester's /forget. */
  erasure: Pick<Erasure, 'forgetRequester'>;
  logger: Logger;
}

/**
 * Installs the VK bot's handlers: people's messages run the shared intake, conversations take
 * coordinators' /bind and volunteers' "Take request". Returns `drained` for a graceful shutdown.
 */
export function installVkHandlers(vk: VK, deps: VkHandlerDeps): { drained: () => Promise<void> } {
  const { catalog } = deps;
  const inFlight = createInFlightTracker();
  const perPeer = createPerKeyQueue();
  const backWords = new Set([foldForMatching(catalog.t('bot.intake.back')), 'назад', 'back']);
  const taskEvents = createVkTaskEvents({ catalog, texts: deps.texts, desk: deps.desk, feedback: deps.feedback });

  vk.updates.use(inFlight.middleware);
  // A flood of one person's messages and presses is dropped before anything reads or writes for it.
  vk.updates.use(async (ctx, next) => {
    const press = ctx.is(['message_event']);
    if (!press && !ctx.is(['message_new'])) return next();
    const event = ctx as MessageContext | MessageEventContext;
    if (event.peerId >= CHAT_PEER_OFFSET || (!press && (ctx as MessageContext).isOutbox)) return next();
    const verdict = deps.floodGuard.check(`vk:${event.peerId}`);
    if (verdict === 'pass') return next();
    if (verdict === 'ignore') return;
    const text = catalog.t('bot.errors.slowDown');
    if (press) await snackbar(ctx as MessageEventContext, text);
    else await reply(ctx as MessageContext, text);
  });
  vk.updates.use(createVkDedup(deps.updateLog, deps.logger));
  const coordinatorCommands = createVkCoordinatorCommands(vk, deps.coordinatorCommands);
  vk.updates.use(coordinatorCommands.middleware);
  if (deps.consoleLink) vk.updates.use(createVkConsoleCommand(vk, { catalog, issueLink: deps.consoleLink }));

  vk.updates.on('message_new', async (ctx) => {
    if (ctx.isOutbox) return;
    const log = deps.logger.child({ platform: 'vk', peer_kind: ctx.isChat ? 'chat' : 'person' });
    try {
      if (await coordinatorCommands.onMessage(ctx)) return;
      if (ctx.isChat) await onChatMessage(ctx);
      else await perPeer(String(ctx.peerId), () => onPersonMessage(ctx));
    } catch (error) {
      log.error({ err: describeError(error) }, 'message failed');
      await reply(ctx, catalog.t(isDatabaseUnavailable(error) ? 'bot.errors.databaseDown' : 'bot.errors.generic')).catch(() => undefined);
    }
  });

  vk.updates.on('message_event', async (ctx) => {
    const log = deps.logger.child({ platform: 'vk', event: 'message_event' });
    try {
      if (await coordinatorCommands.onButton(ctx)) return;
      await onButtonEvent(ctx);
    } catch (error) {
      log.error({ err: describeError(error) }, 'button press failed');
      await snackbar(ctx, catalog.t('bot.errors.generic')).catch(() => undefined);
    }
  });

  /** A person writing to the community. */
  async function onPersonMessage(ctx: MessageContext): Promise<void> {
    const key = `vk:${ctx.peerId}`;
    const requester = { platform: 'vk' as const, userId: String(ctx.senderId), chatId: String(ctx.peerId) };
    const payload = parsePayload(ctx.messagePayload);
    const command = commandOf(ctx.text);
    // "Forget me" is answered wherever the person is, in the middle of a questionnaire too.
    if (command === 'forget') {
      const keyboard = Keyboard.builder()
        .inline()
        .callbackButton({ label: cut(catalog.t('forget.confirm')), payload: { fg: 'y' }, color: Keyboard.NEGATIVE_COLOR })
        .row()
        .callbackButton({ label: cut(catalog.t('forget.keep')), payload: { fg: 'n' } });
      await reply(ctx, catalog.t('forget.question'), keyboard);
      return;
    }
    const session = (await deps.sessions.read(key)) as IntakeSession | undefined;

    if (session) {
      const input = toIntakeInput(ctx, payload, command);
      const step = await deps.intake.handle(session, input, requester);
      if (step.stale) {
        await reply(ctx, catalog.t('bot.intake.stale'));
        return;
      }
      if (step.session) await deps.sessions.write(key, step.session);
      else await deps.sessions.delete(key);
      await send(ctx, step.replies);
      return;
    }

    // A volunteer who just marked a request done may add a comment as their next message.
    const comment = !command && !payload && ctx.text?.trim() ? await taskEvents.comment(ctx.senderId, ctx.text) : null;
    if (comment) {
      await reply(ctx, comment);
    } else if ((payload && 'm' in payload && payload.m === 'new') || command === 'new') {
      const step = deps.intake.start();
      await deps.sessions.write(key, step.session);
      await send(ctx, step.replies);
    } else if ((payload && 'm' in payload && payload.m === 'my') || command === 'my') {
      await reply(ctx, await deps.myRequestsText(requester), await taskEvents.withdrawKeyboard(ctx.senderId));
    } else if (command === 'tasks') {
      for (const m of (await taskEvents.tasks(ctx.senderId)).messages) await reply(ctx, m.text, m.keyboard);
    } else if (command === 'id') {
      await reply(ctx, catalog.t('bot.start.yourId', { userId: ctx.senderId }));
    } else if (command === 'cancel' || (payload && !('command' in payload))) {
      // Nothing to cancel, or a button of a questionnaire that is over.
      await reply(ctx, catalog.t('bot.intake.idle'), menuKeyboard(catalog));
    } else {
      await reply(ctx, catalog.t('bot.start.greeting'), menuKeyboard(catalog));
    }
  }

  function toIntakeInput(ctx: MessageContext, payload: VkPayload | null, command: string | undefined): IntakeInput {
    if (payload && 'a' in payload) return { type: 'pick', seq: payload.a, index: payload.i };
    if (payload && 'b' in payload) return { type: 'back', seq: payload.b };
    if (payload && 'm' in payload) return payload.m === 'my' ? { type: 'mine' } : { type: 'resume' };
    if (payload && 'command' in payload) return { type: 'resume' };
    if (command === 'cancel') return { type: 'cancel' };
    if (command === 'start' || command === 'new') return { type: 'resume' };
    if (command === 'my') return { type: 'mine' };
    const text = ctx.text ?? '';
    if (!text.trim()) return { type: 'other' };
    if (backWords.has(foldForMatching(text))) return { type: 'back' };
    return { type: 'text', text };
  }

  /** A message in a VK conversation: only coordinators' commands and /id mean anything there. */
  async function onChatMessage(ctx: MessageContext): Promise<void> {
    const text = stripMention(ctx.text ?? '');
    const command = commandOf(text);
    if (!command) return;
    const by = { platform: 'vk' as const, userId: String(ctx.senderId) };
    const chatId = String(ctx.peerId);
    if (command === 'bind') {
      const input = text.replace(/^\/\S+\s*/, '').trim();
      const result = await deps.binding.bind(by, 'vk', chatId, input).catch((error: unknown) => ({ error }));
      await reply(ctx, bindReplyText(catalog, deps.districts, input, result));
    } else if (command === 'unbind') {
      const result = await deps.binding.unbind(by, 'vk', chatId).then((district) => ({ district }), (error: unknown) => ({ error }));
      await reply(ctx, unbindReplyText(catalog, result));
    } else if (command === 'start' || command === 'id') {
      await reply(ctx, catalog.t('bot.start.groupHint', { chatId }));
    }
  }

  /** A callback button: "Take request" under a group post, or a volunteer's or requester's own. */
  async function onButtonEvent(ctx: MessageEventContext): Promise<void> {
    const payload = parsePayload(ctx.eventPayload);
    if (payload && 'fg' in payload && ctx.peerId < CHAT_PEER_OFFSET) {
      // In the person's queue: their questionnaire may be answering at this very moment.
      const text = await perPeer(String(ctx.peerId), async () => {
        if (payload.fg === 'n') return catalog.t('forget.kept');
        const outcome = await deps.erasure.forgetRequester({ platform: 'vk', userId: String(ctx.userId) }, String(ctx.peerId));
        return catalog.t('forget.done', { erased: outcome.erased, cancelled: outcome.cancelled });
      });
      await vk.api.messages.sendMessageEventAnswer({ event_id: ctx.eventId, user_id: ctx.userId, peer_id: ctx.peerId });
      await vk.api.messages.send({ peer_id: ctx.peerId, message: text, random_id: getRandomId() });
      return;
    }
    if (payload && taskEvents.handles(payload) && ctx.peerId < CHAT_PEER_OFFSET) {
      const answer = await perPeer(String(ctx.peerId), () => taskEvents.press(ctx.userId, payload));
      if (answer.snackbar) await snackbar(ctx, answer.snackbar);
      // No words needed: the message that follows is the answer; this only stops the spinner.
      else await vk.api.messages.sendMessageEventAnswer({ event_id: ctx.eventId, user_id: ctx.userId, peer_id: ctx.peerId });
      for (const m of answer.messages) await vk.api.messages.send({ peer_id: ctx.peerId, message: m.text, random_id: getRandomId(), ...(m.keyboard ? { keyboard: m.keyboard } : {}) });
      return;
    }
    if (!payload || !('claim' in payload) || ctx.peerId < CHAT_PEER_OFFSET) {
      await snackbar(ctx, catalog.t('bot.intake.stale'));
      return;
    }
    const volunteer = { platform: 'vk' as const, userId: String(ctx.userId), displayName: await displayName(ctx.userId) };
    const outcome = await deps.claimRequest(payload.claim, volunteer, { platform: 'vk', chatId: String(ctx.peerId) });
    const text =
      outcome.kind === 'unreachable'
        ? catalog.t('claim.allowCommunityMessages', { link: `vk.me/club${deps.groupId}` })
        : claimOutcomeText(catalog, outcome, payload.claim).text;
    await snackbar(ctx, text);
  }

  async function displayName(userId: number): Promise<string> {
    const [user] = await vk.api.users.get({ user_ids: [userId] });
    return user ? `${user.first_name} ${user.last_name}`.trim().slice(0, 100) : `id${userId}`;
  }

  async function send(ctx: MessageContext, replies: IntakeReply[]): Promise<void> {
    for (const intakeReply of replies) {
      const rendered = renderIntakeReply(intakeReply, catalog);
      await reply(ctx, rendered.message, rendered.keyboard);
    }
  }

  /**
   * Answers in the message's chat. Sent with `peer_id` rather than through ctx.send, which uses
   * `peer_ids` and so turns VK's refusals into a silent per-peer error instead of an exception.
   */
  async function reply(ctx: MessageContext, message: string, keyboard?: KeyboardBuilder): Promise<void> {
    await vk.api.messages.send({ peer_id: ctx.peerId, message, random_id: getRandomId(), ...(keyboard ? { keyboard } : {}) });
  }

  return { drained: inFlight.drained };
}

function snackbar(ctx: MessageEventContext, text: string) {
  const chars = [...text];
  return ctx.answer({ type: 'show_snackbar', text: chars.length <= SNACKBAR_MAX ? text : `${chars.slice(0, SNACKBAR_MAX - 1).join('')}…` });
}

/** "/bind Ленинский" → "bind"; VK's "Начать" and plain words are not commands. */
function commandOf(text: string | undefined): string | undefined {
  return /^\/(\w+)/.exec(text?.trim() ?? '')?.[1]?.toLowerCase();
}

/** In a conversation VK may prefix a message with a mention of the community: "[club1|@bot] /bind …". */
function stripMention(text: string): string {
  return text.replace(/^\[club\d+\|[^\]]*\]\s*[,:]?\s*/, '').trim();
}


