import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PLATFORMS, type Platform, type RequestChannel } from '../../domain/request.js';
import { parsePersonName } from '../../services/console/people-lookup.js';
import type { AssignOutcome, RequestDesk } from '../../services/console/request-desk.js';
import type { EraseOutcome } from '../../services/erasure.js';
import type { AnswerOutcome, Answerer } from '../../services/request-conversation.js';
import { field, read, requestNumberParams } from './input.js';
import type { ConsoleKit } from './session.js';
import { cardPage, messagePage, type Notice } from './views.js';

export interface CardOptions {
  kit: ConsoleKit;
  desk: RequestDesk;
  /** Erases one closed request's personal data now (Erasure.eraseRequest). */
  erase: (number: number, channel: RequestChannel) => Promise<EraseOutcome>;
  /** A coordinator's answer to the requester (RequestConversation.answer, the role checked here). */
  answerRequester?: (number: number, by: Answerer, text: string) => Promise<AnswerOutcome>;
}

/** The longest name typed for an assignment that the refusal repeats. */
const MAX_NAME = 100;

/** What the card says after an action, read back from the redirect's query: only words the catalog has. */
const cardQuery = z.object({
  done: z.enum(['created', 'duplicate', 'closed', 'cancelled', 'assigned', 'erased', 'answered']).optional().catch(undefined),
  eraseRefused: z.enum(['open', 'already_erased', 'unconfirmed']).optional().catch(undefined),
  /** Why an answer to the requester did not go, as the conversation's outcome names it. */
  answerRefused: z.enum(['not_found', 'not_yours', 'no_chat', 'erased', 'empty']).optional().catch(undefined),
  refusal: z
    .string()
    .regex(/^[a-z_]{1,30}$/)
    .optional()
    .catch(undefined),
  /** The name typed for an assignment the bot could not find: shown back escaped, cut to a name's length. */
  unknownVolunteer: z.string().max(MAX_NAME).optional().catch(undefined),
});
const closeBody = z.object({ comment: field });
const cancelBody = z.object({ reason: field });
const assignBody = z.object({ platform: z.enum(PLATFORMS).optional().catch(undefined), volunteer: field });
const eraseBody = z.object({ confirm: field });
const replyBody = z.object({ text: field });

/** The catalog keys of the bot's answers to /reply, which the card shows for a refused answer too. */
const ANSWER_REFUSALS = {
  not_found: 'conversation.replyNotFound',
  not_yours: 'conversation.replyNotYours',
  no_chat: 'conversation.replyNoChat',
  erased: 'conversation.replyErased',
  empty: 'conversation.replyUsage',
} as const;

/** A request's card, and the coordinators' actions on it: close, cancel, assign, erase, answer the requester. */
export async function cardRoutes(app: FastifyInstance, options: CardOptions): Promise<void> {
  const { kit, desk } = options;
  const { t, send, view: v } = kit;
  const notFound = (request: FastifyRequest, reply: FastifyReply, text: string) =>
    send(reply, messagePage(v, kit.userOf(request), 'requests', t('errors.title'), text), 404);
  // A platform the form does not offer (one this system does not run) reads as the first, which the form selects.
  const [firstPlatform] = v.platforms;
  if (!firstPlatform) throw new Error('the console needs at least one platform');
  const platformOf = (sent: Platform | undefined): Platform => (sent && v.platforms.includes(sent) ? sent : firstPlatform);

  async function showCard(request: FastifyRequest, reply: FastifyReply, number: number, notice?: Notice) {
    const user = kit.userOf(request);
    const found = await desk.card(number, { person: user.person, channel: 'web', kind: 'console_card', isCoordinator: user.role === 'coordinator' });
    if (!found) return notFound(request, reply, t('errors.notFound', { number }));
    return send(reply, cardPage(v, user, found, notice, !!options.answerRequester));
  }

  /**
   * After an action, done or refused, the card is shown again through a redirect (Post/Redirect/Get),
   * so a reload shows the card instead of sending the form again.
   */
  function answer(request: FastifyRequest, reply: FastifyReply, number: number, outcome: AssignOutcome, done: string) {
    const card = `/console/requests/${number}`;
    if (outcome.kind === 'changed') return reply.redirect(`${card}?done=${done}`, 303);
    // The card's own page says there is no such request.
    if (outcome.kind === 'not_found') return reply.redirect(card, 303);
    if (outcome.kind === 'refused') return reply.redirect(`${card}?refusal=${outcome.refusal}`, 303);
    // The task card can reach only someone who wrote to the bot privately (as /assign says too).
    const typed = [...(read(assignBody, request.body).volunteer?.trim() ?? '')].slice(0, MAX_NAME).join('');
    return reply.redirect(`${card}?${new URLSearchParams({ unknownVolunteer: typed })}`, 303);
  }

  app.get('/console/requests/:number', { preHandler: kit.anyone }, async (request, reply) => {
    const params = requestNumberParams.safeParse(request.params);
    if (!params.success) return send(reply, messagePage(v, kit.userOf(request), 'requests', t('errors.title'), t('errors.badRequest')), 404);
    const { number } = params.data;
    const q = read(cardQuery, request.query);
    const done = q.done ? { text: t(`card.done.${q.done}`, { number }) } : undefined;
    const eraseRefused = q.eraseRefused ? { text: t(`card.eraseRefused.${q.eraseRefused}`, { number }), error: true } : undefined;
    const refusalKey = `lifecycle.refused.${q.refusal}`;
    const refused = q.refusal && v.catalog.has(refusalKey) ? { text: v.catalog.t(refusalKey, { number }), error: true } : undefined;
    const answerRefused = q.answerRefused ? { text: v.catalog.t(ANSWER_REFUSALS[q.answerRefused], { number }), error: true } : undefined;
    const unknown = q.unknownVolunteer !== undefined ? { text: t('card.unknownVolunteer', { who: q.unknownVolunteer }), error: true } : undefined;
    return showCard(request, reply, number, done ?? refused ?? eraseRefused ?? answerRefused ?? unknown);
  });

  /** A coordinator's POST on one request; a malformed number is no such page. */
  function action(path: string, handle: (request: FastifyRequest, reply: FastifyReply, number: number) => Promise<unknown>) {
    app.post(`/console/requests/:number/${path}`, { preHandler: kit.coordinators }, async (request, reply) => {
      const params = requestNumberParams.safeParse(request.params);
      if (!params.success) return reply.code(404).send();
      return handle(request, reply, params.data.number);
    });
  }

  action('close', async (request, reply, number) => {
    const outcome = await desk.close(number, kit.userOf(request).person, 'web', read(closeBody, request.body).comment);
    return answer(request, reply, number, outcome, 'closed');
  });

  action('cancel', async (request, reply, number) => {
    const outcome = await desk.cancel(number, kit.userOf(request).person, 'web', read(cancelBody, request.body).reason);
    return answer(request, reply, number, outcome, 'cancelled');
  });

  action('assign', async (request, reply, number) => {
    const body = read(assignBody, request.body);
    const name = parsePersonName(body.volunteer?.trim() ?? '');
    const outcome: AssignOutcome = name
      ? await desk.assign(number, kit.userOf(request).person, 'web', { platform: platformOf(body.platform), name })
      : { kind: 'unknown_volunteer' };
    return answer(request, reply, number, outcome, 'assigned');
  });

  // The answer goes to the requester through the outbox; the card shows it in the conversation.
  action('reply', async (request, reply, number) => {
    const card = `/console/requests/${number}`;
    if (!options.answerRequester) return reply.redirect(card, 303);
    const text = read(replyBody, request.body).text ?? '';
    const outcome = await options.answerRequester(number, { person: kit.userOf(request).person, channel: 'web' }, text);
    if (outcome.kind === 'sent') return reply.redirect(`${card}?done=answered`, 303);
    const why = outcome.kind === 'no_requester' ? outcome.why : outcome.kind;
    return reply.redirect(`${card}?answerRefused=${why}`, 303);
  });

  action('erase', async (request, reply, number) => {
    // Cannot be undone: the form's box must be ticked, whatever a browser does with `required`.
    if (read(eraseBody, request.body).confirm !== 'yes') return reply.redirect(`/console/requests/${number}?eraseRefused=unconfirmed`, 303);
    const outcome = await options.erase(number, 'web');
    if (outcome.kind === 'not_found') return reply.redirect(`/console/requests/${number}`, 303);
    return reply.redirect(`/console/requests/${number}?${outcome.kind === 'erased' ? 'done=erased' : `eraseRefused=${outcome.kind}`}`, 303);
  });
}
