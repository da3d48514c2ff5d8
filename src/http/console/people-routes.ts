import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PLATFORMS, type Platform } from '../../domain/request.js';
import type { ConsoleAccess } from '../../services/console-access.js';
import { parsePersonName } from '../../services/console/people-lookup.js';
import type { RoleDesk } from '../../services/console/role-desk.js';
import { field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { peoplePage, type Notice } from './views.js';
import type { CoordinatorTexts } from '../../services/texts.js';

export interface PeopleOptions {
  kit: ConsoleKit;
  roles: RoleDesk;
  access: ConsoleAccess;
  coordinatorTexts: CoordinatorTexts;
  /** Operators named in the configuration, per platform: listed, not changed here. */
  configuredOperators: Readonly<Record<Platform, readonly string[]>>;
}

const changeParams = z.object({ change: z.enum(['grant', 'revoke']) });
const personBody = z.object({ platform: z.enum(PLATFORMS).optional().catch(undefined), person: field });

/** The page's notice after a grant or a revocation. Operators named in the configuration are not the desk's to check, so «configured» does not come. */
const SAID = {
  granted: 'people.granted',
  already_held: 'people.already',
  revoked: 'people.revoked',
  not_held: 'people.notOperator',
  configured: 'people.already',
  unknown: 'people.unknown',
} as const;
type Said = keyof typeof SAID;

/** The longest name the page's notice repeats. */
const MAX_NAME = 100;

/** What the page says after a change, read back from the redirect's query: one of the notices, and whom it names. */
const peopleQuery = z.object({
  said: z
    .enum(Object.keys(SAID) as [Said, ...Said[]])
    .optional()
    .catch(undefined),
  who: z.string().max(MAX_NAME).optional().catch(undefined),
});

/** The operators page: who may take calls in the console, and granting or taking back the role. */
export async function peopleRoutes(app: FastifyInstance, options: PeopleOptions): Promise<void> {
  const { kit, roles } = options;
  const { t } = kit;
  const configured = PLATFORMS.flatMap((platform) => options.configuredOperators[platform].map((id) => `${options.coordinatorTexts.channel(platform)} ${id}`));

  async function showPeople(request: FastifyRequest, reply: FastifyReply, notice?: Notice) {
    const operators = await roles.holders('operator');
    return kit.send(reply, peoplePage(kit.view, kit.userOf(request), { operators, configured }, notice));
  }

  // A platform the form does not offer (one this system does not run) reads as the first, which the form selects.
  const [firstPlatform] = kit.view.platforms;
  if (!firstPlatform) throw new Error('the console needs at least one platform');
  const platformOf = (sent: Platform | undefined): Platform => (sent && kit.view.platforms.includes(sent) ? sent : firstPlatform);

  app.get('/console/people', { preHandler: kit.coordinators }, async (request, reply) => {
    const q = read(peopleQuery, request.query);
    if (!q.said) return showPeople(request, reply);
    const who = q.who ?? '';
    return showPeople(request, reply, { text: t(SAID[q.said], { person: who, who }), ...(q.said === 'unknown' ? { error: true } : {}) });
  });

  /** Done or refused, the page is shown again through a redirect (Post/Redirect/Get): a reload does not send the form again. */
  const shown = (reply: FastifyReply, said: Said, who: string) =>
    reply.redirect(`/console/people?${new URLSearchParams({ said, who: [...who].slice(0, MAX_NAME).join('') })}`, 303);

  app.post('/console/people/:change', { preHandler: kit.coordinators }, async (request, reply) => {
    const params = changeParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send();
    const { change } = params.data;
    const body = read(personBody, request.body);
    const typed = (body.person ?? '').trim();
    const name = parsePersonName(typed);
    // An id may be granted before the person ever wrote to the bot; a username must be known.
    const outcome = name ? await roles[change]('operator', platformOf(body.platform), name, kit.userOf(request).person) : null;
    if (!outcome || outcome.kind === 'unknown' || outcome.kind === 'usernames_unsupported') return shown(reply, 'unknown', typed);
    return shown(reply, outcome.kind, typed.startsWith('@') ? typed : `id ${outcome.person.userId}`);
  });
}
