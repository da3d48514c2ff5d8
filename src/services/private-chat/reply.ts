import type { Prompt } from '../../scenario/engine.js';
import type { ChatAction } from './actions.js';

/** One thing a person did in a private chat, as every adapter can express it. */
export type ChatInput =
  /** "/name args"; `text` is the message as typed. */
  | { kind: 'command'; name: string; args: string; text: string }
  | { kind: 'text'; text: string }
  /** A button under one of the bot's messages; `action` is null when the adapter could not read it. */
  | { kind: 'press'; action: ChatAction | null }
  /** A button of the keyboard under the input field, which arrives as the person's message. */
  | { kind: 'key'; action: ChatAction }
  /** A shared phone contact. */
  | { kind: 'contact'; phone: string }
  /** Anything else: a sticker, a photo, a location. */
  | { kind: 'other' };

/** A button of the coordinator console: `data` is the console's own encoding of its action (src/services/console/action-codec.ts). */
export interface ConsoleButtonAction {
  kind: 'console';
  data: string;
}

export interface ChatButton {
  label: string;
  action: ChatAction | ConsoleButtonAction;
  /** How strongly a platform with coloured buttons paints it. */
  tone?: 'primary' | 'positive' | 'negative';
}

/** One message of a reply. */
export type ChatMessage =
  /**
   * Text, with rows of buttons under it; `closesKeyboard` hides a keyboard left under the input field,
   * `replacesPressed` puts it in place of the message whose button was pressed (a list turning pages),
   * `noLinkPreview` keeps the platform from opening a link before the person does.
   */
  | { kind: 'text'; text: string; buttons?: ChatButton[][]; closesKeyboard?: boolean; replacesPressed?: boolean; noLinkPreview?: boolean }
  /**
   * A question of the questionnaire: each platform lays out its choices its own way. `inPlace`: the
   * same question redrawn after a mark, in place of the pressed message where the platform can.
   */
  | { kind: 'prompt'; prompt: Prompt; withHint: boolean; inPlace?: boolean }
  /** A file (the console's CSV export), only where the platform sends documents. */
  | { kind: 'document'; fileName: string; content: string; caption: string };

/** What the bot answers to one input. */
export interface ChatReply {
  /** A short answer on the pressed button (shown as a message when nothing was pressed); `alert` when it must be read. */
  notice?: { text: string; alert: boolean };
  /** The pressed message's buttons go, so nobody presses them again by mistake. */
  clearPressed?: boolean;
  messages: ChatMessage[];
  /**
   * A questionnaire begins (the help request's, or the one that produces `flow`); an adapter that
   * keeps the questionnaire's place itself starts it.
   */
  startQuestionnaire?: { flow?: 'volunteer-application' };
}

/** What a platform can show; the dialogue words its replies by it. */
export interface ChatCapabilities {
  /** A button that sends the person's own phone number. */
  canShareContact: boolean;
  /** At most this many rows of buttons under a message listing requests (absent: no limit). */
  maxListRows?: number;
  /**
   * Every chat opens with /start (Telegram's Start button), so a message outside the questionnaire
   * comes from someone who knows the bot and gets a hint; elsewhere a chat opens with whatever the
   * person types, which gets the greeting.
   */
  opensWithStart: boolean;
}

export const NO_MESSAGES: ChatReply = { messages: [] };
