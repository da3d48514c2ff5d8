import { createHash, randomBytes } from 'node:crypto';
import type { PersonRef, Platform } from '../domain/request.js';
import type { IsCoordinator } from './coordinators.js';
import type { ConsoleSessionStore, Logger, RoleRepository } from './ports.js';

/** What a person may do in the web console: operators take and view requests, coordinators do everything. */
export type ConsoleRole = 'coordinator' | 'operator';

/** Who is signed in, as every page sees them; the role is read again for every request. */
export interface ConsoleUser {
  person: PersonRef;
  displayName: string;
  role: ConsoleRole;
  csrfToken: string;
  /** The hash the session is stored under, to save the preview or sign out. */
  sessionHash: string;
  preview?: unknown;
}

export interface ConsoleAccessDeps {
  sessions: ConsoleSessionStore;
  isCoordinator: IsCoordinator;
  roles: RoleRepository;
  /** Operators named in the configuration, per platform. */
  configuredOperators: Readonly<Record<Platform, readonly string[]>>;
  /** The console's address as people open it (PUBLIC_URL, or where the server listens); read when a link is made. */
  publicUrl: () => string;
  logger: Logger;
  now: () => Date;
  /** How long a sign-in link works. */
  loginTtlMs?: number;
  /** How long a session lasts. */
  sessionTtlMs?: number;
}

/** Issues a one-time sign-in link to the web console, as the bots' /console gives it; null for someone who may not use it. */
export type ConsoleLinkIssuer = (person: PersonRef, displayName: string) => Promise<{ url: string; minutes: number } | null>;

export const LOGIN_PATH = '/console/login';
const DEFAULT_LOGIN_TTL_MS = 10 * 60_000;
const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

/** A secret for a link or a cookie: 32 random bytes, URL-safe. */
const secret = () => randomBytes(32).toString('base64url');
/** Secrets are stored only as their SHA-256, so the database alone signs nobody in. */
export const hashSecret = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Signing in to the web console without passwords: a coordinator or operator asks the bot for a link
 * (`/console`), the link works once and for a few minutes, and opens a session kept in MongoDB. Every
 * request looks the role up again, so a revoked role ends access at once.
 */
export function createConsoleAccess(deps: ConsoleAccessDeps) {
  const loginTtlMs = deps.loginTtlMs ?? DEFAULT_LOGIN_TTL_MS;
  const sessionTtlMs = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;

  async function roleOf(person: PersonRef): Promise<ConsoleRole | null> {
    if (await deps.isCoordinator(person)) return 'coordinator';
    if (deps.configuredOperators[person.platform].includes(person.userId)) return 'operator';
    return (await deps.roles.hasRole(person, 'operator')) ? 'operator' : null;
  }

  return {
    roleOf,

    /** A one-time sign-in link for a coordinator or operator; null for anyone else. */
    async issueLink(person: PersonRef, displayName: string): Promise<{ url: string; expiresAt: Date; minutes: number } | null> {
      if (!(await roleOf(person))) return null;
      const token = secret();
      const expiresAt = new Date(deps.now().getTime() + loginTtlMs);
      await deps.sessions.saveLoginToken(hashSecret(token), { person, displayName: displayName.slice(0, 128) || person.userId, expiresAt });
      deps.logger.info({ platform: person.platform, userId: person.userId }, 'console sign-in link issued');
      const url = new URL(LOGIN_PATH, deps.publicUrl());
      url.searchParams.set('token', token);
      return { url: url.toString(), expiresAt, minutes: Math.round(loginTtlMs / 60_000) };
    },

    /** Uses a sign-in token and opens a session; returns the cookie value, or null (used, expired, unknown, no role now). */
    async signIn(token: string): Promise<{ sessionId: string; expiresAt: Date } | null> {
      if (!/^[\w-]{20,100}$/.test(token)) return null;
      const login = await deps.sessions.consumeLoginToken(hashSecret(token), deps.now());
      if (!login || !(await roleOf(login.person))) return null;
      const sessionId = secret();
      const expiresAt = new Date(deps.now().getTime() + sessionTtlMs);
      await deps.sessions.create(hashSecret(sessionId), { person: login.person, displayName: login.displayName, csrfToken: secret(), expiresAt });
      deps.logger.info({ platform: login.person.platform, userId: login.person.userId }, 'console session opened');
      return { sessionId, expiresAt };
    },

    /** The user of a session cookie, with their role as it is now; null when signed out, expired or without a role. */
    async userOf(sessionId: string | undefined): Promise<ConsoleUser | null> {
      if (!sessionId || !/^[\w-]{20,100}$/.test(sessionId)) return null;
      const sessionHash = hashSecret(sessionId);
      const session = await deps.sessions.find(sessionHash, deps.now());
      if (!session) return null;
      const role = await roleOf(session.person);
      if (!role) return null;
      return {
        person: session.person,
        displayName: session.displayName,
        role,
        csrfToken: session.csrfToken,
        sessionHash,
        ...(session.preview !== undefined ? { preview: session.preview } : {}),
      };
    },

    /** Keeps where this session's scenario preview stands. */
    async savePreview(user: ConsoleUser, preview: unknown): Promise<void> {
      await deps.sessions.savePreview(user.sessionHash, preview);
    },

    async signOut(user: ConsoleUser): Promise<void> {
      await deps.sessions.delete(user.sessionHash);
    },

    /**
     * Ends a person's sessions and unused links, for a role taken away. The role is read on every
     * request, so without a role they were refused anyway; but granting it again would have let the
     * old cookie back in (a browser left signed in, a link forwarded before).
     */
    async endAccessOf(person: PersonRef): Promise<void> {
      const ended = await deps.sessions.deleteAllOf(person);
      deps.logger.info({ platform: person.platform, userId: person.userId, sessions: ended }, 'console sessions ended');
    },
  };
}

export type ConsoleAccess = ReturnType<typeof createConsoleAccess>;
