import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ConsoleAccess, ConsoleRole, ConsoleUser } from '../../services/console-access.js';
import type { Html } from './html.js';
import { field, read } from './input.js';
import { consoleText, messagePage, type ViewContext } from './views.js';

/** A route's guard: lets the request through, or answers it (a redirect to sign in, a refusal). */
export type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** What every section of the console shares: the pages' words, sending a page, and the session guards. */
export interface ConsoleKit {
  view: ViewContext;
  t: ReturnType<typeof consoleText>;
  /** The session cookie's name: `__Host-` over HTTPS, so no other site or path can set it. */
  cookieName: string;
  send: (reply: FastifyReply, page: Html, status?: number) => FastifyReply;
  /** Any signed-in operator or coordinator; forms must carry the session's CSRF token. */
  anyone: Guard;
  /** Coordinators only. */
  coordinators: Guard;
  /** The user a guard let through. */
  userOf: (request: FastifyRequest) => ConsoleUser;
}

const csrfBody = z.object({ _csrf: field });

export function createConsoleKit(deps: { access: ConsoleAccess; view: ViewContext; secureCookies: boolean }): ConsoleKit {
  const v = deps.view;
  const t = consoleText(v.catalog);
  const cookieName = deps.secureCookies ? '__Host-hq-console' : 'hq-console';
  const users = new WeakMap<FastifyRequest, ConsoleUser>();
  const send = (reply: FastifyReply, page: Html, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(page.value);

  /** Lets the request through only for a session with one of the roles; forms must carry its CSRF token. */
  function need(role: ConsoleRole): Guard {
    return async (request, reply) => {
      const user = await deps.access.userOf(request.cookies[cookieName]);
      if (!user) return reply.redirect('/console/login', 303);
      if (request.method === 'POST') {
        const sent = Buffer.from(read(csrfBody, request.body)._csrf ?? '');
        const expected = Buffer.from(user.csrfToken);
        if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
          return send(reply, messagePage(v, user, 'dashboard', t('errors.title'), t('errors.csrf')), 403);
        }
      }
      if (role === 'coordinator' && user.role !== 'coordinator') {
        return send(reply, messagePage(v, user, 'dashboard', t('errors.title'), t('errors.forbidden')), 403);
      }
      users.set(request, user);
      return undefined;
    };
  }

  return {
    view: v,
    t,
    cookieName,
    send,
    anyone: need('operator'),
    coordinators: need('coordinator'),
    userOf(request) {
      const user = users.get(request);
      if (!user) throw new Error('a console route ran without its session guard');
      return user;
    },
  };
}
