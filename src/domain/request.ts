import { z } from 'zod';
import type { AgeBand } from './age-band.js';

/** Who needs help; the values are stable codes, the wording lives in the message catalogs. */
export const CATEGORIES = ['pensioner', 'disabled', 'self_isolation', 'family_with_children', 'other'] as const;
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

/** What kind of help is asked for. */
export const HELP_KINDS = ['groceries', 'medicine', 'utility_payments', 'household', 'psychological', 'legal', 'doctor_appointment', 'other'] as const;
export const helpKindSchema = z.enum(HELP_KINDS);
export type HelpKind = z.infer<typeof helpKindSchema>;

/**
 * Who a request filed for someone else was filed by, to the person helped: a son or daughter, another
 * relative, a neighbour or acquaintance, a social worker or carer. Kept after erasure: statistics count it.
 */
export const RELATIONS = ['child', 'relative', 'neighbour', 'social_worker', 'other'] as const;
export const relationSchema = z.enum(RELATIONS);
export type Relation = z.infer<typeof relationSchema>;

/** Whom the volunteer calls first on a request filed for someone else. */
export const CALL_FIRST = ['person', 'applicant'] as const;
export const callFirstSchema = z.enum(CALL_FIRST);
export type CallFirst = z.infer<typeof callFirstSchema>;

export const REQUEST_STATUSES = ['new', 'claimed', 'done', 'cancelled'] as const;
export const requestStatusSchema = z.enum(REQUEST_STATUSES);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const PLATFORMS = ['telegram', 'vk', 'max'] as const;
export const platformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof platformSchema>;
/** Platforms whose people have a public @username they can be named by (in /assign, /grant and the console). */
export const PLATFORMS_WITH_USERNAMES: readonly Platform[] = ['telegram'];

/** A partner line's name in its channel (`api:112`): lowercase letters, digits, `_` and `-`. */
export const API_SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * Where a request came in, or through which an action on it was taken: a messenger, a call an
 * operator took ('phone'), the web console ('web'), or a partner line's API ('api:<source>'). Only a
 * messenger has a chat to write back to; Platform keeps naming where messages go.
 */
export type RequestChannel = Platform | 'phone' | 'web' | `api:${string}`;

/** Whether a stored string is a channel this version knows. */
export function isRequestChannel(value: string): value is RequestChannel {
  if ((PLATFORMS as readonly string[]).includes(value) || value === 'phone' || value === 'web') return true;
  return value.startsWith('api:') && API_SOURCE_PATTERN.test(value.slice(4));
}

/** Whether a channel is a messenger, where the people of a request can be written to. */
export function isMessenger(channel: RequestChannel): channel is Platform {
  return (PLATFORMS as readonly string[]).includes(channel);
}

/** A person on a messaging platform; ids are kept as strings so Telegram and VK ids look alike. */
export const personRefSchema = z.object({
  platform: platformSchema,
  userId: z.string().min(1),
});
export type PersonRef = z.infer<typeof personRefSchema>;

/** A volunteer as shown to others: the public display name only, never a phone. */
export const volunteerSchema = personRefSchema.extend({
  displayName: z.string().min(1).max(128),
});
export type Volunteer = z.infer<typeof volunteerSchema>;

/** Personal data of the person in need: shown only to the requester and the volunteer who claimed. */
export const personalDataSchema = z.object({
  name: z.string().min(1).max(200),
  address: z.string().min(1).max(500),
  phone: z.string().regex(/^\+7\d{10}$/),
  // As long as the volunteer's task card (one message, at most 4096 characters) can carry with the rest.
  description: z.string().min(1).max(2500),
  /** The one who asked, when it is not the person helped (a relative, a neighbour): their name and phone. */
  applicant: z
    .object({
      name: z.string().min(1).max(200),
      phone: z.string().regex(/^\+7\d{10}$/),
    })
    .optional(),
});
export type PersonalData = z.infer<typeof personalDataSchema>;

/**
 * A finished questionnaire before it becomes a request: what the scenario collected, checked once
 * more at the domain boundary so no channel can store something the scenario would have refused.
 */
export const requestDraftSchema = z
  .object({
    category: categorySchema,
    age: z.number().int().min(1).max(120),
    district: z.string().min(1).max(100),
    helpKind: helpKindSchema,
    /** Answers to the branch questions (e.g. about a prescription), by step id. */
    extra: z.record(z.string(), z.string().max(200)).default({}),
    personal: personalDataSchema,
    /** Set when it was filed for someone else; the applicant's own contact is then in `personal.applicant`. */
    onBehalf: z.object({ relation: relationSchema, callFirst: callFirstSchema }).optional(),
    consentGiven: z.literal(true),
  })
  // One without the other would leave a volunteer with a contact they cannot place, or a relation without a contact.
  .refine((d) => (d.onBehalf === undefined) === (d.personal.applicant === undefined), {
    message: 'a request filed for someone else carries the applicant’s contact, and only such a request does',
    path: ['onBehalf'],
  });
export type RequestDraft = z.infer<typeof requestDraftSchema>;

export const HISTORY_EVENT_TYPES = [
  'created',
  'posted',
  'claimed',
  'claim_undone',
  'released',
  'assigned',
  'done',
  'cancelled',
  'commented',
  'message',
] as const;
export type HistoryEventType = (typeof HISTORY_EVENT_TYPES)[number];

/**
 * Who wrote a `message` event: the requester (words after filing, passed on to whoever holds the
 * request), a coordinator, or the holding volunteer (an answer that goes to the requester).
 */
export const MESSAGE_AUTHORS = ['requester', 'coordinator', 'volunteer'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

/** One line of a request's append-only history. */
export interface HistoryEvent {
  type: HistoryEventType;
  at: Date;
  /** Who caused it; absent for the system itself. */
  actor?: PersonRef;
  /** The channel it came through (telegram, vk, phone, web, api:…). */
  channel?: RequestChannel;
  /** Short machine-readable reason, never personal data. */
  note?: string;
  /** What a person wrote with the change (a reason, a comment): free text, erased with the personal data. */
  comment?: string;
  /** Who holds the request after a claim or an assignment. */
  volunteer?: Volunteer;
  /** Who held it before the change, if anyone: they are told when it is taken from them. */
  previousVolunteer?: Volunteer;
  /** Who wrote a `message` event (its words are in `comment`, erased with the other free texts). */
  from?: MessageAuthor;
}

/** Where a request was posted for volunteers, so the post can be edited later. */
export interface GroupPost {
  platform: Platform;
  chatId: string;
  messageId: string;
  /** True when the district had no volunteer chat and the post went to the HQ chat instead. */
  viaHeadquarters: boolean;
  /** The posting round: a released request is posted anew, and the posts of earlier rounds say so. */
  round: number;
}

/** The person who filed a request in a messenger, with the chat the bot answers them in. */
export type Requester = PersonRef & { chatId: string };

/**
 * The name a client gave a request when filing it (a partner's own id, a console form's token), with
 * a digest of what it filed: the same key again returns the same request instead of a second one,
 * and the digest tells a true retry from a different request sent under a used key.
 */
export interface ClientKey {
  key: string;
  fingerprint: string;
}

/** A requester's rating (1–5) of a done request, with an optional comment (free text, erased with the personal data). */
export interface Feedback {
  rating: number;
  comment?: string;
  at: Date;
}

/** How a request filed for someone else stands: the applicant's relation to the person, and whom to call first. */
export interface OnBehalf {
  relation: Relation;
  callFirst: CallFirst;
}

/** A stored help request, as plain data. */
export interface HelpRequest {
  id: string;
  number: number;
  status: RequestStatus;
  channel: RequestChannel;
  /**
   * Who filed it in a messenger. Absent for a request taken by phone or sent by a partner line: there
   * is no chat to write to, so the requester is not notified (the operator calls back).
   */
  requester?: Requester;
  /** The operator who took the call, for a request taken by phone in the web console. */
  takenBy?: PersonRef & { displayName: string };
  clientKey?: ClientKey;
  category: Category;
  /** The exact age while the personal data is kept; absent once it is erased, when only the band stays. */
  age?: number;
  ageBand: AgeBand;
  district: string;
  helpKind: HelpKind;
  /** Answers to the branch questions (a prescription is health data): emptied with the personal data. */
  extra: Record<string, string>;
  personal: PersonalData;
  /**
   * Present when a relative, a neighbour or a carer filed it for the person helped: who they are to
   * them and whom to call first. Not personal (it stays for statistics); their contact is in `personal`.
   */
  onBehalf?: OnBehalf;
  /**
   * What the volunteer says at the door (src/domain/code-word.ts): told to the requester, shown only
   * on the holder's card and to the HQ. Personal data, erased with it; absent on older requests.
   */
  codeWord?: string;
  consentAt: Date;
  volunteer?: Volunteer;
  claimedAt?: Date;
  /** When a volunteer first had it: time to claim counts to here, whatever happened after. */
  firstClaimedAt?: Date;
  /** When it was done or cancelled. */
  closedAt?: Date;
  /** The requester's answer to "how did it go", asked some time after it was done. */
  feedback?: Feedback;
  /** When a message to the requester failed for good (they blocked the bot): follow-ups stop. */
  requesterUnreachableAt?: Date;
  /**
   * When its personal data was erased (after the retention period, or at once on request): the name,
   * address, phone, description, every free text, the branch answers, the exact age and the
   * requester's messenger ids are gone; what statistics count stays.
   */
  personalErasedAt?: Date;
  /** How many times it was released and posted anew; its current posts carry this round. */
  round: number;
  /** Events before this index have had their news put into the outbox. */
  announcedUpTo: number;
  posts: GroupPost[];
  history: HistoryEvent[];
  createdAt: Date;
}

/** The part of a request that may be shown in a volunteer group: nothing that identifies the person. */
export interface PublicRequestView {
  number: number;
  status: RequestStatus;
  district: string;
  category: Category;
  /** The exact age, or its band once the personal data is erased. */
  age: number | AgeBand;
  helpKind: HelpKind;
  createdAt: Date;
  volunteerName?: string;
  /** A post of an earlier round: the request was given back and posted again. */
  superseded?: boolean;
  /** Seen from a superseded post, where the current round's post is, once it is out. */
  repostedTo?: RepostPlace;
}

/** Where a given-back request was posted again, seen from its earlier post: below it, or in another chat. */
export type RepostPlace = 'here' | 'district' | 'headquarters';

/** Strips everything personal; the only way a request reaches a group chat. */
export function toPublicView(request: HelpRequest, post?: GroupPost): PublicRequestView {
  return {
    number: request.number,
    status: request.status,
    district: request.district,
    category: request.category,
    age: request.age ?? request.ageBand,
    helpKind: request.helpKind,
    createdAt: request.createdAt,
    ...(request.volunteer ? { volunteerName: request.volunteer.displayName } : {}),
    ...(post && post.round < request.round ? supersededBy(request, post) : {}),
  };
}

/** A post of an earlier round, with where the current round went if it is posted yet. */
function supersededBy(request: HelpRequest, post: GroupPost): Pick<PublicRequestView, 'superseded' | 'repostedTo'> {
  const current = request.posts.filter((p) => p.round === request.round);
  if (current.length === 0) return { superseded: true };
  if (current.some((p) => p.platform === post.platform && p.chatId === post.chatId)) return { superseded: true, repostedTo: 'here' };
  return { superseded: true, repostedTo: current.some((p) => !p.viaHeadquarters) ? 'district' : 'headquarters' };
}
