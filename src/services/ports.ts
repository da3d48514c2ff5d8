import type { GroupPost, HelpRequest, PersonRef, Platform, PublicRequestView, RequestDraft, Volunteer } from '../domain/request.js';

/** What a new request is stored with besides the questionnaire. */
export interface NewRequest {
  draft: RequestDraft;
  channel: Platform;
  requester: PersonRef & { chatId: string };
  at: Date;
}

/** Stored requests. Every change is one atomic single-document write. */
export interface RequestRepository {
  /** Stores a request under the next number, which is never handed out twice. */
  create(input: NewRequest): Promise<HelpRequest>;
  findByNumber(number: number): Promise<HelpRequest | null>;
  /** Gives a new request to a volunteer; null when it is no longer new (somebody was faster). */
  claim(number: number, volunteer: Volunteer, at: Date): Promise<HelpRequest | null>;
  /** Takes a claim back from this volunteer (they cannot be written to); null if it is not theirs now. */
  undoClaim(number: number, volunteer: PersonRef, reason: string, at: Date): Promise<HelpRequest | null>;
  /** Remembers where the request was posted, so the post can be edited later. */
  addPost(number: number, post: GroupPost, at: Date): Promise<void>;
  /** The requester's own requests, newest first. */
  listByRequester(requester: PersonRef, limit: number): Promise<HelpRequest[]>;
}

/** A chat on some platform. */
export interface ChatRef {
  platform: Platform;
  chatId: string;
}

/** A volunteer chat bound to a district. */
export interface DistrictChat extends ChatRef {
  district: string;
}

/** Which chat receives which district's requests. */
export interface DistrictChatRepository {
  /** Binds a chat to a district; returns the district it was bound to before, if another. */
  bind(chat: DistrictChat, by: PersonRef, at: Date): Promise<{ previousDistrict: string | null }>;
  /** Unbinds a chat; returns the district it served, or null if it served none. */
  unbind(platform: Platform, chatId: string): Promise<string | null>;
  chatsOf(district: string): Promise<DistrictChat[]>;
}

/** Sending to one platform; implemented by each bot adapter. */
export interface Messenger {
  readonly platform: Platform;
  /** Posts a request to a volunteer chat, with the claim button while it is new; returns the message id. */
  postRequest(chatId: string, view: PublicRequestView, viaHeadquarters: boolean): Promise<string>;
  /** Brings a post up to date with the request: shows who took it and removes the button. */
  updatePost(post: GroupPost, view: PublicRequestView): Promise<void>;
  /** Sends a private message; throws RecipientUnreachableError when the person cannot be written to. */
  sendText(chatId: string, text: string): Promise<void>;
}

/** The messengers by platform; a platform that is not configured is simply absent. */
export type Messengers = Partial<Record<Platform, Messenger>>;

/** The minimal logger the services need (pino fits). Never pass personal data to it. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Small JSON state by key (a bot's conversation state), kept across restarts. */
export interface KeyValueStore<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}
