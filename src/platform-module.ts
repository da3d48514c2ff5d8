import type { ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { z } from 'zod';
import type { RetryPolicy } from './connect-retry.js';
import type { Platform } from './domain/request.js';
import type { WebhookRoute } from './http/app.js';
import type { Logger } from './logger.js';
import type { Scenario } from './scenario/schema.js';
import type { ChatBindings } from './services/chat-bindings.js';
import type { ClaimRequest } from './services/claim-request.js';
import type { ConsoleLinkIssuer } from './services/console-access.js';
import type { CoordinatorConsole } from './services/coordinator-commands.js';
import type { FloodGuard } from './services/flood-guard.js';
import type { Intake } from './services/intake.js';
import type { PeopleRegistry } from './services/people-registry.js';
import type { KeyValueStore, Messenger, RoleRepository } from './services/ports.js';
import type { PrivateChat } from './services/private-chat/dialogue.js';
import type { GroupChat } from './services/private-chat/group-chat.js';
import type { ChatCapabilities } from './services/private-chat/reply.js';
import type { UpdateLog } from './services/update-log.js';
import type { Catalog } from './scenario/text.js';
import type { CoordinatorTexts, RequestTexts } from './services/texts.js';

/** How fast a platform lets a bot send: per group chat, per private chat, and in all. */
export interface PlatformSendingLimits {
  groupIntervalMs: number;
  privateIntervalMs: number;
  perSecond: number;
}

/** What a process is started with besides the configuration (tests and the benchmark answer the Telegram API in process). */
export interface StartOptions {
  logger: Logger;
  botInfo?: UserFromGetMe;
  /** The fetch of every Telegram API client of the system (a transformer would not reach the conversations plugin's own). */
  telegramFetch?: ApiClientOptions['fetch'];
  /** Stops the system while it is still starting: start-up's waits end, what was opened is closed. */
  signal?: AbortSignal;
  /** How start-up waits for a platform's API it cannot reach (tests shorten the delays). */
  connectRetry?: Partial<RetryPolicy>;
  /** Told the addresses as soon as they listen, before the platforms connect (/healthz answers from then on). */
  onListening?: (addresses: { httpUrl: string; metricsUrl?: string }) => void;
}

/** What a platform's messenger needs: it words posts and cards the way every channel does. */
export interface ConnectContext extends StartOptions {
  catalog: Catalog;
  texts: RequestTexts;
}

/** What the core hands a platform's handlers. */
export interface PlatformCore {
  catalog: Catalog;
  scenario: Scenario;
  texts: RequestTexts;
  coordinatorTexts: CoordinatorTexts;
  /** The private chat's dialogue, worded for what the platform can show. */
  privateChat: (capabilities: ChatCapabilities) => PrivateChat;
  groupChat: GroupChat;
  /** Volunteer chats that moved (a new id) or were lost (the bot removed, its rights taken) as an update says. */
  chatBindings: Pick<ChatBindings, 'moved' | 'lost'>;
  intake: Intake;
  claimRequest: ClaimRequest;
  coordinatorConsole: CoordinatorConsole;
  peopleRegistry: PeopleRegistry;
  roles: RoleRepository;
  consoleLink: ConsoleLinkIssuer;
  /** Where conversations' places are kept. */
  conversations: KeyValueStore<unknown>;
  updateLog: UpdateLog;
  floodGuard: FloodGuard;
  /** Counts and times one update of the platform. */
  timeUpdate: <T>(handle: () => Promise<T>) => Promise<T>;
  logger: Logger;
}

/** A platform connected for this process: its messenger first (the core sends through it), its handlers later. */
export interface PlatformConnection {
  messenger: Messenger;
  /** The platform's HQ chat, if configured: requests of districts without a chat go there. */
  headquartersChat?: string;
  /** Installs the handlers over the core's services. */
  install(core: PlatformCore): void;
  /** Routes the platform posts updates to, when it pushes them. */
  webhooks(): WebhookRoute[];
  /** Connects (identity, command menus), waiting out an unreachable API until `stop` aborts; HTTP already listens. */
  prepare(stop: AbortSignal): Promise<void>;
  /** Begins taking updates (a webhook set, polling begun), waiting out an unreachable API likewise. */
  start(stop: AbortSignal): Promise<void>;
  /** Whether it takes updates now; /readyz names the platforms that do not. */
  ready(): boolean;
  /** Stops taking updates. */
  stop(): Promise<void>;
  /** Resolves when no update is in hand. */
  drained(): Promise<void>;
  /** What a person's new or lost coordinator role changes on the platform (a command menu). */
  roleChanged?(userId: string, coordinator: boolean): Promise<void>;
  /** One line for the start-up log. */
  describe(): string;
  /** Hands one update to the bot in this process, as a webhook would (tests and the benchmark). */
  handleUpdate?(update: unknown): Promise<void>;
}

/**
 * One messenger the system speaks: its part of the environment, its sending limits, and how to
 * connect it. `Config` is the whole configuration, of which the platform reads its own part.
 */
export interface PlatformModule<Shape extends z.ZodRawShape = z.ZodRawShape> {
  id: Platform;
  /** The platform's environment variables. */
  configShape: Shape;
  /** The variable that turns the platform on, and the platform's name for people, for the configuration's messages. */
  enabledBy: keyof Shape & string;
  label: string;
  /** Problems of the platform's settings taken together: [variable, message]. */
  configProblems(config: z.infer<z.ZodObject<Shape>>): [string, string][];
  sendingLimits: PlatformSendingLimits;
  coordinatorIds(config: z.infer<z.ZodObject<Shape>>): readonly string[];
  operatorIds(config: z.infer<z.ZodObject<Shape>>): readonly string[];
  /** The platform's connection, or undefined when the configuration does not turn it on. */
  connect(config: z.infer<z.ZodObject<Shape>>, context: ConnectContext): PlatformConnection | undefined;
}
