import type { PersonRef, Platform } from '../../domain/request.js';
import type { GrantedRole, KnownPerson, Logger, Outbox, RoleRepository } from '../ports.js';
import type { PeopleLookup, PersonName } from './people-lookup.js';

/** What a grant or a revocation came to; `person` is who was named, as the bot knows them. */
export type RoleChangeOutcome =
  /**
   * `told`: whether a notice to the person went into the outbox (not when they never wrote to the bot
   * privately); absent when this desk tells nobody.
   */
  | { kind: 'granted'; person: KnownPerson; told?: boolean }
  | { kind: 'already_held' | 'revoked' | 'not_held' | 'configured'; person: KnownPerson }
  | { kind: 'unknown' }
  | { kind: 'usernames_unsupported' };

export interface RoleDeskDeps {
  roles: RoleRepository;
  lookup: PeopleLookup;
  /** People given a role by the configuration, per platform: they keep it whatever is granted or revoked. */
  configured: Partial<Record<GrantedRole, Readonly<Record<Platform, readonly string[]>>>>;
  /** Ends a person's web console sessions and links: a role taken back must not return with the next grant. */
  endConsoleAccess: (person: PersonRef) => Promise<void>;
  /** Called after someone became or stopped being a coordinator (Telegram updates their command menu). */
  roleChanged?: (person: PersonRef, isCoordinator: boolean) => Promise<void>;
  /**
   * Tells whoever got a role, through the outbox like every other notice: what the role lets them do.
   * Without it nobody is told.
   */
  notice?: { outbox: Outbox; wake: () => void; text: (role: GrantedRole) => string };
  logger: Logger;
  now: () => Date;
}

/**
 * Granting and taking back roles, from the bot's /grant and /revoke (coordinators) or the web
 * console's people page (operators). A person is named by id (who may not have written yet) or by
 * a known @username.
 */
export function createRoleDesk(deps: RoleDeskDeps) {
  async function named(platform: Platform, name: PersonName) {
    const found = await deps.lookup.find(platform, name, { mustBeKnown: false });
    if (found.kind === 'unsupported') return { kind: 'usernames_unsupported' as const };
    return found;
  }
  const isConfigured = (role: GrantedRole, person: PersonRef) => deps.configured[role]?.[person.platform].includes(person.userId) ?? false;

  /** Tells the platform about a changed coordinator; a failure there must not undo the change, only be logged. */
  async function announce(role: GrantedRole, person: PersonRef, holds: boolean): Promise<void> {
    if (role !== 'coordinator') return;
    try {
      await deps.roleChanged?.(person, holds);
    } catch (error) {
      deps.logger.warn(
        { platform: person.platform, userId: person.userId, err: error instanceof Error ? error.name : 'error' },
        'updating the command menu after a role change failed',
      );
    }
  }

  /**
   * Puts the notice of a new role into the outbox; a bot may write only to someone who wrote to it
   * privately, so for anyone else nothing is queued (a failed delivery would only alarm the HQ chat).
   * Private chats have the person's id on both platforms.
   */
  async function tell(role: GrantedRole, person: KnownPerson, at: Date): Promise<{ told?: boolean }> {
    const notice = deps.notice;
    if (!notice) return {};
    if (!person.privateChatAt) return { told: false };
    // Keyed by the time of the grant: a role granted again after a revocation is told again.
    const key = `role:${role}:${person.platform}:${person.userId}:${at.getTime()}`;
    await notice.outbox.enqueue([{ key, message: { kind: 'text', platform: person.platform, chatId: person.userId, text: notice.text(role) } }], at);
    notice.wake();
    return { told: true };
  }

  return {
    async grant(role: GrantedRole, platform: Platform, name: PersonName, by: PersonRef): Promise<RoleChangeOutcome> {
      const found = await named(platform, name);
      if (found.kind !== 'found') return found;
      const { person } = found;
      const ref = { platform: person.platform, userId: person.userId };
      if (isConfigured(role, ref)) return { kind: 'configured', person };
      const at = deps.now();
      if (!(await deps.roles.grant(ref, by, at, role))) return { kind: 'already_held', person };
      deps.logger.info({ platform: ref.platform, userId: ref.userId, by: by.userId }, `${role} role granted`);
      await announce(role, ref, true);
      return { kind: 'granted', person, ...(await tell(role, person, at)) };
    },

    async revoke(role: GrantedRole, platform: Platform, name: PersonName, by: PersonRef): Promise<RoleChangeOutcome> {
      const found = await named(platform, name);
      if (found.kind !== 'found') return found;
      const { person } = found;
      const ref = { platform: person.platform, userId: person.userId };
      if (isConfigured(role, ref)) return { kind: 'configured', person };
      if (!(await deps.roles.revoke(ref, role))) return { kind: 'not_held', person };
      deps.logger.info({ platform: ref.platform, userId: ref.userId, by: by.userId }, `${role} role revoked`);
      // Also when they keep another role: they sign in again, and the console shows what that role may.
      await deps.endConsoleAccess(ref);
      await announce(role, ref, false);
      return { kind: 'revoked', person };
    },

    /** Everyone granted a role, earliest first, with their names where the bot knows them. */
    async holders(role: GrantedRole): Promise<(KnownPerson | PersonRef)[]> {
      return deps.lookup.describe(await deps.roles.listGranted(role));
    },
  };
}

export type RoleDesk = ReturnType<typeof createRoleDesk>;
