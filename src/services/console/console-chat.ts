import type { Platform } from '../../domain/request.js';
import type { Catalog } from '../../scenario/text.js';
import type { ConsoleLinkIssuer } from '../console-access.js';
import type { CommandContext, ConsoleReply, CoordinatorConsole } from '../coordinator-commands.js';
import type { PeopleRegistry } from '../people-registry.js';
import type { Logger, PersonSighting } from '../ports.js';
import type { ChatPerson } from '../private-chat/dialogue.js';
import type { ChatButton, ChatReply } from '../private-chat/reply.js';
import { createConsoleActionCodec, type ConsoleLimits } from './action-codec.js';
import { isCoordinatorCommand } from './command-parser.js';

/** How a platform shows the console: what its buttons carry, whether it sends files, its HQ chat. */
export interface ConsoleSurface {
  platform: Platform;
  limits: ConsoleLimits;
  canSendDocuments: boolean;
  /** The HQ chat: commands work there, without personal data. */
  hqChatId?: string;
}

/** Who wrote or pressed, in which chat; `privately` in their own chat with the bot. */
export interface ConsoleWhere extends ChatPerson {
  privately: boolean;
}

/** What the console in a chat works with, named as the platforms' core hands it over. */
export interface ConsoleChatDeps {
  coordinatorConsole: CoordinatorConsole;
  peopleRegistry: PeopleRegistry;
  consoleLink: ConsoleLinkIssuer;
  catalog: Catalog;
  logger: Logger;
}

/**
 * The coordinator console in a chat, on every platform: the people registry's sightings, the
 * console's commands and buttons, and /console's sign-in link. Adapters read an update into who,
 * where and what, and draw the ChatReply with the renderer of their private chat.
 */
export function createConsoleChat(deps: ConsoleChatDeps, surface: ConsoleSurface) {
  const { catalog } = deps;
  const codec = createConsoleActionCodec(surface.limits);
  const contextOf = (where: ConsoleWhere): CommandContext => ({
    by: where.person,
    channel: surface.platform,
    place: where.privately ? 'private' : where.chatId === surface.hqChatId ? 'hq' : 'group',
    canSendDocuments: surface.canSendDocuments,
    limits: surface.limits,
  });
  const say = (text: string): ChatReply => ({ messages: [{ kind: 'text', text }] });

  function replyOf(reply: ConsoleReply): ChatReply {
    // A refusal of a press is read on the button itself, and must be read: an alert.
    if (reply.notice) return { notice: { text: reply.text, alert: true }, messages: [] };
    if (reply.document) return { messages: [{ kind: 'document', ...reply.document, caption: reply.text }] };
    const buttons = reply.buttons?.map((row) => row.map((b): ChatButton => ({ label: b.label, action: { kind: 'console', data: codec.encode(b.action) } })));
    return { messages: [{ kind: 'text', text: reply.text, ...(buttons ? { buttons } : {}), ...(reply.edit ? { replacesPressed: true } : {}) }] };
  }

  return {
    /**
     * Records who wrote or pressed a button, never failing the update: it matters more than the
     * registry. `lookUpName` asks the platform for a public name the update did not carry, once.
     */
    async seen(sighting: Omit<PersonSighting, 'at'>, lookUpName?: () => Promise<string | null>): Promise<void> {
      try {
        const { hasName } = await deps.peopleRegistry.seen(sighting);
        if (hasName || !lookUpName) return;
        const displayName = await lookUpName();
        if (displayName) await deps.peopleRegistry.seen({ ...sighting, displayName });
      } catch (error) {
        // Logged by name only: the error may quote the person.
        deps.logger.warn({ platform: sighting.person.platform, err: error instanceof Error ? error.name : 'error' }, 'recording a sighting failed');
      }
    },

    /** A typed command; null when it is not the console's (a bare /cancel, anyone's /cancel 17 who is no coordinator): the bot goes on as before. */
    async command(where: ConsoleWhere, name: string, args: string): Promise<ChatReply | null> {
      if (!isCoordinatorCommand(name)) return null;
      const reply = await deps.coordinatorConsole.command(contextOf(where), name, args);
      return reply && replyOf(reply);
    },

    /** A press of one of the console's buttons; `data` is what the button's ConsoleButtonAction carried. */
    async press(where: ConsoleWhere, data: string): Promise<ChatReply> {
      return replyOf(await deps.coordinatorConsole.press(contextOf(where), data));
    },

    /**
     * /console: a coordinator or operator gets a one-time link that signs them in to the web console.
     * Only in a private chat (a link in a group would sign in whoever clicks first).
     */
    async consoleLink(where: ConsoleWhere, nameOf: () => Promise<string>): Promise<ChatReply> {
      if (!where.privately) return say(catalog.t('console.bot.privateOnly'));
      const link = await deps.consoleLink(where.person, await nameOf());
      if (!link) return say(catalog.t('console.bot.notAllowed'));
      return { messages: [{ kind: 'text', text: catalog.t('console.bot.link', { url: link.url, minutes: link.minutes }), noLinkPreview: true }] };
    },
  };
}

export type ConsoleChat = ReturnType<typeof createConsoleChat>;
