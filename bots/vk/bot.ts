import { Agent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { VK, type MessageContext, type MessageEventContext } from 'vk-io';
import { createInFlightTracker } from '../../src/in-flight.js';
import { claimOutcomeText } from '../../src/messages/command-texts.js';
import type { ConsoleChat } from '../../src/services/console/console-chat.js';
import { describeError } from '../../src/services/describe-error.js';
import { parseCommand } from '../../src/services/private-chat/chat-text.js';
import type { PlatformCore } from '../../src/platform-module.js';
import { storedPlace, type PrivateChat } from '../../src/services/private-chat/dialogue.js';
import { alertReply, failureText } from '../../src/services/private-chat/notices.js';
import type { ChatInput } from '../../src/services/private-chat/reply.js';
import { withoutMention } from './chat-text.js';
import { createVkConsoleHandlers } from './coordinator-commands.js';
import { createVkDedup } from './dedup.js';
import { CHAT_PEER_OFFSET } from './messenger.js';
import { decodeAction, parsePayload } from './payload.js';
import { createPerKeyQueue } from '../../src/per-key-queue.js';
import { say, sendReply, snackbar } from './render.js';
import { chatTitleOf, displayNameOf } from './users.js';

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
    // VK allows a community 20 requests a second. In a storm of presses the answers (and the first
    // presser's name lookups) would queue behind that limit one by one; vk-io packs those waiting
    // into one `execute` of up to 25 calls, so twenty presses are answered in one or two requests.
    // Only these two: an execute reports errors in a shape of its own, and the bot reads the errors
    // of sending (a person who forbade messages) by their codes.
    apiMode: 'parallel_selected',
    apiExecuteMethods: ['messages.sendMessageEventAnswer', 'users.get'],
    // vk-io's default agent speaks only HTTPS; a plain-HTTP address (a local proxy, the test fake)
    // needs an HTTP one.
    ...(connection.apiBaseUrl.startsWith('http:') ? { agent: new Agent({ keepAlive: true }) as unknown as HttpsAgent } : {}),
  });
}

/** The core's services, with the private chat worded for VK, the console shaped for it, and the community. */
export type VkHandlerDeps = PlatformCore & { chat: PrivateChat; consoleChat: ConsoleChat; groupId: number };

/**
 * Installs the VK bot's handlers: people's messages and presses go to the private chat's dialogue,
 * conversations take coordinators' /bind and volunteers' "Take request". Returns `drained` for a
 * graceful shutdown.
 */
export function installVkHandlers(vk: VK, deps: VkHandlerDeps): { drained: () => Promise<void> } {
  const { catalog } = deps;
  const inFlight = createInFlightTracker();
  const perPeer = createPerKeyQueue();

  vk.updates.use(inFlight.middleware);
  // A flood of one person's messages and presses is dropped before anything reads or writes for it.
  vk.updates.use(async (ctx, next) => {
    const press = ctx.is(['message_event']);
    if (!press && !ctx.is(['message_new'])) return next();
    const event = ctx as MessageContext | MessageEventContext;
    if (event.peerId >= CHAT_PEER_OFFSET || (!press && (ctx as MessageContext).isOutbox)) return next();
    const verdict = deps.floodGuard.check(`vk:${event.peerId}`);
    if (verdict === 'pass') return next();
    if (verdict === 'warn')
      await sendReply(vk.api, event.peerId, alertReply(catalog.t('bot.errors.slowDown')), catalog, press ? (ctx as MessageEventContext) : undefined);
  });
  vk.updates.use(createVkDedup(deps.updateLog, deps.logger));
  const consoleHandlers = createVkConsoleHandlers(vk, { consoleChat: deps.consoleChat, catalog });
  vk.updates.use(consoleHandlers.middleware);

  vk.updates.on('message_new', async (ctx) => {
    if (ctx.isOutbox) return;
    const log = deps.logger.child({ platform: 'vk', peer_kind: ctx.isChat ? 'chat' : 'person' });
    try {
      if (await consoleHandlers.onMessage(ctx)) return;
      if (ctx.isChat) await onChatMessage(ctx);
      else await perPeer(String(ctx.peerId), () => onPersonInput(ctx.senderId, ctx.peerId, inputOfMessage(ctx)));
    } catch (error) {
      log.error({ err: describeError(error) }, 'message failed');
      await say(vk.api, ctx.peerId, failureText(catalog, error)).catch(() => undefined);
    }
  });

  vk.updates.on('message_event', async (ctx) => {
    const log = deps.logger.child({ platform: 'vk', event: 'message_event' });
    try {
      if (await consoleHandlers.onButton(ctx)) return;
      const payload = parsePayload(ctx.eventPayload);
      const action = payload && decodeAction(payload);
      // In the person's queue: their questionnaire may be answering at this very moment.
      if (ctx.peerId < CHAT_PEER_OFFSET) await perPeer(String(ctx.peerId), () => onPersonInput(ctx.userId, ctx.peerId, { kind: 'press', action }, ctx));
      else if (action?.kind === 'claim') await onClaim(ctx, action.number);
      else await snackbar(ctx, catalog.t('bot.intake.staleButton'));
    } catch (error) {
      log.error({ err: describeError(error) }, 'button press failed');
      await snackbar(ctx, catalog.t('bot.errors.generic')).catch(() => undefined);
    }
  });

  // VK tells a community it was removed from a conversation with a service message there:
  // `message_new` whose `action` is `{ type: 'chat_kick_user', member_id: -<group id> }`. vk-io
  // gives a service message its action as the sub-type instead of `message_new`, so neither the
  // handler of people's messages above nor the middlewares (flood guard, duplicates, sightings)
  // take it for words. The duplicate check keys no service message, so one delivered twice asks
  // again; the binding is marked broken (and the HQ told) only the first time. Another member
  // removed, or the community invited back, means nothing here: the chat is bound again by /bind.
  vk.updates.on('chat_kick_user', async (ctx) => {
    if (ctx.peerId < CHAT_PEER_OFFSET || ctx.eventMemberId !== -deps.groupId) return;
    const log = deps.logger.child({ platform: 'vk', event: 'chat_kick_user' });
    try {
      const wasBound = await deps.chatBindings.lost('vk', String(ctx.peerId), 'removed');
      log.info({ wasBound }, 'the community was removed from a conversation');
    } catch (error) {
      // Not lost for good: the next message VK refuses there (917) marks the chat the same way.
      log.error({ err: describeError(error) }, 'removal from a conversation failed');
    }
  });

  /** A person writing to the community or pressing one of its buttons; `press` is the pressed button's event. */
  async function onPersonInput(userId: number, peerId: number, input: ChatInput, press?: MessageEventContext): Promise<void> {
    const who = { person: { platform: 'vk' as const, userId: String(userId) }, chatId: String(peerId) };
    const reply = await deps.chat.handle(who, input, storedPlace(deps.conversations, `vk:${peerId}`));
    await sendReply(vk.api, peerId, reply, catalog, press);
  }

  /** A message in a VK conversation: only coordinators' commands and /id mean anything there. */
  async function onChatMessage(ctx: MessageContext): Promise<void> {
    const command = parseCommand(withoutMention(ctx.text ?? ''));
    if (!command) return;
    // The title is asked for only when it is stored: at /bind.
    const title = command.name === 'bind' ? await chatTitleOf(vk.api, ctx.peerId) : undefined;
    const answer = await deps.groupChat.command({ platform: 'vk', userId: String(ctx.senderId) }, String(ctx.peerId), command.name, command.args, {
      ...(title ? { title } : {}),
    });
    if (answer) await say(vk.api, ctx.peerId, answer.text);
  }

  /** "Take request" under a group post. */
  async function onClaim(ctx: MessageEventContext, number: number): Promise<void> {
    const person = { platform: 'vk' as const, userId: String(ctx.userId) };
    // The sighting of this very press has looked the name up already if it was not known.
    const displayName = deps.peopleRegistry.knownName(person) ?? (await displayNameOf(vk.api, ctx.userId)) ?? `id${ctx.userId}`;
    const outcome = await deps.claimRequest(
      number,
      { platform: 'vk', userId: String(ctx.userId), displayName },
      { platform: 'vk', chatId: String(ctx.peerId) },
    );
    const text =
      outcome.kind === 'unreachable'
        ? catalog.t('claim.allowCommunityMessages', { link: `vk.me/club${deps.groupId}` })
        : claimOutcomeText(catalog, outcome, number).text;
    await snackbar(ctx, text);
  }

  return { drained: inFlight.drained };
}

/** A person's message as the dialogue's input: a keyboard button's payload, a command, or text. */
function inputOfMessage(ctx: MessageContext): ChatInput {
  const text = ctx.text ?? '';
  const payload = parsePayload(ctx.messagePayload);
  // VK's own "Start" button of a first conversation.
  if (payload && 'command' in payload) return { kind: 'command', name: 'start', args: '', text };
  const action = payload && decodeAction(payload);
  if (action) return { kind: 'key', action };
  const command = parseCommand(text);
  if (command) return { kind: 'command', ...command, text };
  return text.trim() ? { kind: 'text', text } : { kind: 'other' };
}
