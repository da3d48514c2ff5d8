import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PersonRef } from '../../domain/request.js';
import { VETTING_DECISIONS, VOLUNTEER_STATUSES, type VettingDecision, type VolunteerStatus } from '../../domain/volunteer.js';
import type { VolunteerVetting } from '../../services/volunteer-vetting.js';
import { field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { messagePage, type Notice } from './views.js';
import { type RefusedForm, type VolunteerFilters, volunteersPage } from './volunteers-views.js';
import type { VettingTexts } from '../../services/texts.js';

export interface VolunteersOptions {
  kit: ConsoleKit;
  vetting: Pick<VolunteerVetting, 'list' | 'findByNumber' | 'decide'>;
  texts: VettingTexts;
}

/** Applications a page: each is a card with its forms, so fewer than the board's rows. */
const PAGE_SIZE = 20;

/**
 * A filter as the query or a form has it: a value the page offers; absent or empty (no filter); or
 * `null`, sent but not one the page offers, so the page can say it showed something else.
 */
function filterField<T>(known: z.ZodType<T>) {
  return z
    .union([known, z.literal('').transform(() => undefined), z.string().transform(() => null)])
    .optional()
    .catch(null);
}

/** An application's number, "17": 1 to 9 digits; absent otherwise. */
const numberField = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number)
  .optional()
  .catch(undefined);
const decisionField = z.enum(VETTING_DECISIONS).optional().catch(undefined);
const pageField = field.transform((p) => Math.max(1, Math.min(10_000, Number.parseInt(p ?? '1', 10) || 1)));

/** Why a decision did not go, read back from the redirect's query (its words depend on the record as it is now). */
const REFUSALS = ['not_applicable', 'not_found', 'bad_request'] as const;
type Refusal = (typeof REFUSALS)[number];

/** The list's query and the decision forms' bodies: the filters ride along with every form. */
function schemasFor(districts: readonly string[]) {
  const filters = {
    status: filterField(z.enum(VOLUNTEER_STATUSES)),
    district: filterField(z.string().refine((d) => districts.includes(d))),
    page: pageField,
  };
  return {
    query: z.object({
      ...filters,
      done: decisionField,
      said: z.enum(REFUSALS).optional().catch(undefined),
      decision: decisionField,
      number: numberField,
    }),
    body: z.object({ ...filters, reason: field }),
  };
}
const decisionParams = z.object({ number: numberField, decision: decisionField });

type SentFilters = { status?: VolunteerStatus | null | undefined; district?: string | null | undefined; page: number };

/** What the page shows for the filters sent: applications waiting for a decision unless another known status is asked. */
const filtersOf = (sent: SentFilters): VolunteerFilters => ({ status: sent.status ?? 'pending', district: sent.district ?? undefined, page: sent.page });

/** The list's address; the redirect after a decision adds what became of it. */
function listUrl(filters: VolunteerFilters, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams({ status: filters.status, ...(filters.district ? { district: filters.district } : {}), page: String(filters.page) });
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  return `/console/volunteers?${params}`;
}

/** «Волонтёры»: coordinators list applications and volunteers, and approve, reject, suspend or reinstate them. */
export async function volunteersRoutes(app: FastifyInstance, options: VolunteersOptions): Promise<void> {
  const { kit, vetting, texts } = options;
  const { t, send, view: v } = kit;
  const schemas = schemasFor(v.districts);

  /** One page of the list; a page past the end shows the last one. */
  /** One page of the list, its names and phones recorded as seen by the coordinator; a page past the end shows the last one. */
  async function listPage(filters: VolunteerFilters, viewer: PersonRef) {
    const query = { status: filters.status, ...(filters.district ? { district: filters.district } : {}), limit: PAGE_SIZE };
    const shownTo = { person: viewer, channel: 'web' as const };
    const first = await vetting.list({ ...query, offset: (filters.page - 1) * PAGE_SIZE }, shownTo);
    const pages = Math.max(1, Math.ceil(first.total / PAGE_SIZE));
    if (filters.page <= pages) return { ...first, pages, filters };
    // Past the end the first read listed nobody, so nothing was recorded as seen.
    const last = { ...filters, page: pages };
    return { ...(await vetting.list({ ...query, offset: (pages - 1) * PAGE_SIZE }, shownTo)), pages, filters: last };
  }

  async function showList(request: FastifyRequest, reply: FastifyReply, wanted: VolunteerFilters, notice?: Notice, refused?: RefusedForm, status = 200) {
    const { items, total, pages, filters } = await listPage(wanted, kit.userOf(request).person);
    const query = (page: number) => listUrl({ ...filters, page });
    return send(reply, volunteersPage(v, texts, kit.userOf(request), { filters, items, total, pages, query, ...(refused ? { refused } : {}) }, notice), status);
  }

  /** What became of a decision, told after the redirect in words about the record as it is now. */
  async function outcomeNotice(q: { done?: VettingDecision; said?: Refusal; decision?: VettingDecision; number?: number }): Promise<Notice | undefined> {
    if (q.said === 'bad_request') return { text: t('volunteers.badRequest'), error: true };
    const { number } = q;
    if (number === undefined || !(q.done || q.said)) return undefined;
    const record = q.said === 'not_found' ? null : await vetting.findByNumber(number);
    if (!record) return { text: t('volunteers.notFound', { number }), error: true };
    if (q.done) return { text: texts.decided(record, q.done) };
    return q.decision ? { text: texts.notApplicable(record, q.decision), error: true } : undefined;
  }

  /** A filter the page does not offer (an old link, a typed address) is said, not silently swapped. */
  function filterNotice(q: SentFilters): Notice | undefined {
    const said = [...(q.status === null ? [t('volunteers.unknownStatus')] : []), ...(q.district === null ? [t('volunteers.unknownDistrict')] : [])];
    return said.length > 0 ? { text: said.join(' '), error: true } : undefined;
  }

  app.get('/console/volunteers', { preHandler: kit.coordinators }, async (request, reply) => {
    const q = read(schemas.query, request.query);
    return showList(request, reply, filtersOf(q), (await outcomeNotice(q)) ?? filterNotice(q));
  });

  // Post/Redirect/Get: done or refused, the list comes back through a redirect, so a reload sends nothing again.
  // Only a missing reason shows the page at once, with what was typed kept in its form.
  app.post('/console/volunteers/:number/:decision', { preHandler: kit.coordinators }, async (request, reply) => {
    const { number, decision } = read(decisionParams, request.params);
    const body = read(schemas.body, request.body);
    const filters = filtersOf(body);
    if (number === undefined || decision === undefined) return reply.redirect(listUrl(filters, { said: 'bad_request' }), 303);
    const user = kit.userOf(request);
    const outcome = await vetting.decide(user.person, number, decision, body.reason);
    switch (outcome.kind) {
      case 'decided':
        return reply.redirect(listUrl(filters, { done: decision, number }), 303);
      case 'not_applicable':
        return reply.redirect(listUrl(filters, { said: 'not_applicable', decision, number }), 303);
      case 'not_found':
        return reply.redirect(listUrl(filters, { said: 'not_found', number }), 303);
      case 'reason_needed': {
        const notice = { text: t(`volunteers.reasonNeeded.${decision}`, { number }), error: true };
        return showList(request, reply, filters, notice, { number, decision, reason: body.reason ?? '' }, 422);
      }
      // The session's role and the vetting service's check disagree only when the role was just taken back.
      case 'not_coordinator':
        return send(reply, messagePage(v, user, 'volunteers', t('errors.title'), t('errors.forbidden')), 403);
    }
  });
}
