import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ConsoleAccess } from '../../services/console-access.js';
import { registerRateLimits, type RateLimit } from '../rate-limit.js';
import { field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { loginPage } from './views.js';

export interface SignInOptions {
  kit: ConsoleKit;
  access: ConsoleAccess;
  secureCookies: boolean;
  /** Sign-in attempts per address (CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS). */
  signInLimit: RateLimit;
}

const loginQuery = z.object({ token: field, signedOut: field });
const loginBody = z.object({ token: field });

/** Signing in by the one-time link from the bot, and signing out. */
export async function signInRoutes(app: FastifyInstance, options: SignInOptions): Promise<void> {
  const { kit, access } = options;
  const { t, send, view: v } = kit;
  const signIns = (await registerRateLimits(app))(options.signInLimit);
  const cookie: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: options.secureCookies };

  app.get('/console', async (_request, reply) => reply.redirect('/console/dashboard', 303));

  app.get('/console/login', async (request, reply) => {
    const query = read(loginQuery, request.query);
    const notice = query.signedOut ? { text: t('login.signedOut') } : undefined;
    return send(reply, loginPage(v, { ...(query.token ? { token: query.token } : {}), ...(notice ? { notice } : {}) }));
  });

  app.post('/console/login', async (request, reply) => {
    // Only the sign-in page's own button: another site must not sign a browser in to its session.
    if (request.headers['sec-fetch-site'] === 'cross-site') return send(reply, loginPage(v, { notice: { text: t('login.failed'), error: true } }), 403);
    // Links are 32 random bytes, so this is not about guessing them: it keeps one address from
    // spending the database's time (each attempt is a lookup) and from filling the log.
    const wait = await signIns(request, reply);
    if (wait !== null) return send(reply, loginPage(v, { notice: { text: t('login.tooMany', { minutes: Math.ceil(wait / 60) }), error: true } }), 429);
    const session = await access.signIn(read(loginBody, request.body).token ?? '');
    if (!session) return send(reply, loginPage(v, { notice: { text: t('login.failed'), error: true } }), 400);
    reply.setCookie(kit.cookieName, session.sessionId, { ...cookie, expires: session.expiresAt });
    return reply.redirect('/console/dashboard', 303);
  });

  app.post('/console/logout', { preHandler: kit.anyone }, async (request, reply) => {
    await access.signOut(kit.userOf(request));
    reply.clearCookie(kit.cookieName, cookie);
    return reply.redirect('/console/login?signedOut=1', 303);
  });
}
