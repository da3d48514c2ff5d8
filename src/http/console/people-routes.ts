import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PLATFORMS, type Platform } from '../../domain/request.js';
import type { CoordinatorTexts } from '../../messages/coordinator-texts.js';
import type { ConsoleAccess } from '../../services/console-access.js';
import { parsePersonName } from '../../services/console/people-lookup.js';
import type { RoleDesk } from '../../services/console/role-desk.js';
import { field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { peoplePage, type Notice } from './views.js';

export interface PeopleOptions {
  kit: ConsoleKit;
  roles: RoleDesk;
  access: ConsoleAccess;
  coordinatorTexts: CoordinatorTexts;
  /** Operators named in the configuration, per platform: listed, not changed here. */
  configuredOperators: Readonly<Record<Platform, readonly string[]>>;
}

const changeParams = z.object({ change: z.enum(['grant', 'revoke']) });
// A platform the form does not offer reads as the first one, which the form selects.
const personBody = z.object({ platform: z.enum(PLATFORMS).catch(PLATFORMS[0]), person: field });

/** The page's notice after a grant or a revocation. Operators named in the configuration are not the desk's to check, so «configured» does not come. */
const SAID: Record<'granted' | 'already_held' | 'revoked' | 'not_held' | 'configured', string> = {
  granted: 'people.granted',
  already_held: 'people.already',
  revoked: 'people.revoked',
  not_held: 'people.notOperator',
  configured: 'people.already',
};

/** The operators page: who may take calls in the console, and granting or taking back the role. */
export async function peopleRoutes(app: FastifyInstance, options: PeopleOptions): Promise<void> {
  const { kit, roles } = options;
  const { t } = kit;
  const configured = PLATFORMS.flatMap((platform) => options.configuredOperators[platform].map((id) => `${options.coordinatorTexts.channel(platform)} ${id}`));

  async function showPeople(request: FastifyRequest, reply: FastifyReply, notice?: Notice, status = 200) {
    const operators = await roles.holders('operator');
    return kit.send(reply, peoplePage(kit.view, kit.userOf(request), { operators, configured }, notice), status);
  }

  app.get('/console/people', { preHandler: kit.coordinators }, async (request, reply) => showPeople(request, reply));

  app.post('/console/people/:change', { preHandler: kit.coordinators }, async (request, reply) => {
    const params = changeParams.safeParse(request.params);
    if (!params.success) return reply.code(404).send();
    const { change } = params.data;
    const body = read(personBody, request.body);
    const typed = (body.person ?? '').trim();
    const name = parsePersonName(typed);
    // An id may be granted before the person ever wrote to the bot; a username must be known.
    const outcome = name ? await roles[change]('operator', body.platform, name, kit.userOf(request).person) : null;
    if (!outcome || outcome.kind === 'unknown' || outcome.kind === 'usernames_unsupported')
      return showPeople(request, reply, { text: t('people.unknown', { who: typed }), error: true }, 400);
    const label = typed.startsWith('@') ? typed : `id ${outcome.person.userId}`;
    return showPeople(request, reply, { text: t(SAID[outcome.kind], { person: label }) });
  });
}
