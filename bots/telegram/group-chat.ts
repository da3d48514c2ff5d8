import { Composer, type Context } from 'grammy';
import type { MaybeInaccessibleMessage, Message } from 'grammy/types';
import { chatAddress } from '../../src/domain/chat-address.js';
import type { BotRight } from '../../src/domain/errors.js';
import { claimOutcomeText } from '../../src/messages/command-texts.js';
import type { PlatformCore } from '../../src/platform-module.js';
import type { ClaimOutcome, ClaimRequest } from '../../src/services/claim-request.js';
import { parseCommand } from '../../src/services/private-chat/chat-text.js';
import { VOLUNTEER_START_PAYLOAD } from '../../src/services/private-chat/dialogue.js';
import type { GroupChat } from '../../src/services/private-chat/group-chat.js';
import { decodeCallback } from './callback-data.js';
import type { BotContext } from './context.js';
import { publicNameOf } from './input.js';
import type { Catalog } from '../../src/scenario/text.js';

/** Whether the answer to a press takes the presser to the bot: to press Start, or to apply. */
function opensTheBot(outcome: ClaimOutcome): boolean {
  return outcome.kind === 'unreachable' || (outcome.kind === 'not_approved' && (outcome.status === 'none' || outcome.status === 'rejected'));
}

/**
 * Volunteer groups: the "Take request" button; /bind, /unbind, /start and /id, in the group or in one
 * of its forum topics; and the group changing under the bot (a new id, the bot removed or muted).
 */
export function createGroupChatHandlers(deps: {
  catalog: Catalog;
  claimRequest: ClaimRequest;
  groupChat: GroupChat;
  chatBindings: PlatformCore['chatBindings'];
  botUsername: () => string;
}) {
  const { catalog } = deps;
  const composer = new Composer<BotContext>();

  composer.callbackQuery(/^claim:/, async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    const chatId = ctx.chat?.id;
    if (action?.kind !== 'claim' || chatId === undefined || ctx.chat?.type === 'private') {
      await ctx.answerCallbackQuery({ text: catalog.t('claim.notFound'), show_alert: true });
      return;
    }
    const outcome = await deps.claimRequest(
      action.number,
      { platform: 'telegram', userId: String(ctx.from.id), displayName: publicNameOf(ctx.from) },
      { platform: 'telegram', chatId: addressOf(chatId, ctx.callbackQuery.message) },
    );
    const { text, alert } = claimOutcomeText(catalog, outcome, action.number);
    await ctx.answerCallbackQuery({
      text,
      show_alert: alert,
      // The link opens the bot with "Start" pressed for them: then the button works, or the
      // application to volunteer begins for someone who has not applied (or may apply again).
      ...(opensTheBot(outcome) ? { url: `https://t.me/${deps.botUsername()}?start=${VOLUNTEER_START_PAYLOAD}` } : {}),
    });
  });

  // A group turned into a supergroup gets a new id: its last service message names the new one, the
  // supergroup's first the old (https://core.telegram.org/bots/api#message, migrate_to_chat_id).
  composer.on('message:migrate_to_chat_id', (ctx) => deps.chatBindings.moved('telegram', String(ctx.chat.id), String(ctx.message.migrate_to_chat_id)));
  composer.on('message:migrate_from_chat_id', (ctx) => deps.chatBindings.moved('telegram', String(ctx.message.migrate_from_chat_id), String(ctx.chat.id)));

  // The bot's own membership changed (https://core.telegram.org/bots/api#chatmemberupdated): removed
  // from a group, or restricted so that it may not write there.
  composer.on('my_chat_member', async (ctx, next) => {
    const { chat, new_chat_member: member } = ctx.myChatMember;
    if (chat.type !== 'group' && chat.type !== 'supergroup') return next();
    const removed = member.status === 'left' || member.status === 'kicked';
    const muted = member.status === 'restricted' && !member.can_send_messages;
    if (removed || muted) await deps.chatBindings.lost('telegram', String(chat.id), removed ? 'removed' : 'noRights');
  });

  composer.chatType(['group', 'supergroup']).on('message:text', async (ctx, next) => {
    const command = parseCommand(ctx.message.text);
    const answer =
      command &&
      (await deps.groupChat.command({ platform: 'telegram', userId: String(ctx.from.id) }, addressOf(ctx.chat.id, ctx.message), command.name, command.args, {
        title: titleOf(ctx.chat.title, ctx.message),
        missingRights: () => missingRights(ctx),
      }));
    if (!answer) return next();
    // Where the bot may not write, the coordinator who asked reads the answer privately.
    if (answer.privately) await ctx.api.sendMessage(ctx.from.id, answer.text);
    else await ctx.reply(answer.text);
  });
  return composer;
}

/**
 * Where in the group a message is: a topic of a forum supergroup (each may serve its own district),
 * or the chat itself. grammY answers a command in the topic it came from.
 */
function addressOf(chatId: number, message: MaybeInaccessibleMessage | undefined): string {
  return chatAddress(chatId, message && 'is_topic_message' in message && message.is_topic_message ? message.message_thread_id : undefined);
}

/**
 * What the bot may not do in a group that its work there needs: to send messages. A member may write
 * unless restricted, or unless the group lets no member write (then only an admin may); an admin may
 * (https://core.telegram.org/bots/api#chatmember, #chatpermissions). Editing its own posts needs no
 * right, and with privacy mode on it still gets commands, service messages and button presses.
 */
async function missingRights(ctx: Context): Promise<BotRight[]> {
  const me = await ctx.getChatMember(ctx.me.id);
  if (me.status === 'administrator' || me.status === 'creator') return [];
  if (me.status === 'restricted') return me.can_send_messages ? [] : ['send'];
  const chat = await ctx.getChat();
  return chat.permissions?.can_send_messages === false ? ['send'] : [];
}

/** A topic is known by the group's title and its own name, which the topic's first message carries. */
function titleOf(chatTitle: string, message: Message): string {
  const topic = message.is_topic_message ? message.reply_to_message?.forum_topic_created?.name : undefined;
  return topic ? `${chatTitle} / ${topic}` : chatTitle;
}
