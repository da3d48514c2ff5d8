import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HELP_KINDS, isRequestChannel, REQUEST_STATUSES, type RequestChannel } from '../../domain/request.js';
import type { RequestBoard } from '../../services/console/request-board.js';
import { dayField, field, localDay, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { boardPage, type BoardFilters } from './views.js';

export interface BoardOptions {
  kit: ConsoleKit;
  board: RequestBoard;
  /** Channels the board's filter offers (the messengers, phone, and each partner line). */
  channels: string[];
}

/** The board's query: a filter the page does not offer reads as no filter, a page number is kept in range. */
function boardQuery(districts: readonly string[]) {
  return z.object({
    status: z
      .enum(['open', ...REQUEST_STATUSES])
      .optional()
      .catch(undefined),
    district: z
      .string()
      .refine((d) => districts.includes(d))
      .optional()
      .catch(undefined),
    helpKind: z.enum(HELP_KINDS).optional().catch(undefined),
    channel: z
      .custom<RequestChannel>((c) => typeof c === 'string' && isRequestChannel(c))
      .optional()
      .catch(undefined),
    from: dayField,
    to: dayField,
    page: field.transform((p) => Math.max(1, Math.min(10_000, Number.parseInt(p ?? '1', 10) || 1))),
  });
}

/** The request board: every request, filtered, a page at a time. */
export async function boardRoutes(app: FastifyInstance, options: BoardOptions): Promise<void> {
  const { kit } = options;
  const schema = boardQuery(kit.view.districts);

  app.get('/console/requests', { preHandler: kit.anyone }, async (request, reply) => {
    const query = read(schema, request.query);
    const { page } = query;
    const { items, total, pages } = await options.board({
      ...(query.status ? { status: query.status } : {}),
      ...(query.district ? { district: query.district } : {}),
      ...(query.helpKind ? { helpKind: query.helpKind } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.from ? { from: localDay(query.from) } : {}),
      ...(query.to ? { to: localDay(query.to) } : {}),
      page,
    });
    const filters: BoardFilters = {
      status: query.status ?? '',
      district: query.district ?? '',
      helpKind: query.helpKind ?? '',
      channel: query.channel ?? '',
      from: query.from ?? '',
      to: query.to ?? '',
    };
    const link = (to: number) => {
      const params = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
      params.set('page', String(to));
      return `/console/requests?${params.toString()}`;
    };
    return kit.send(
      reply,
      boardPage(kit.view, kit.userOf(request), { filters, items, total, page, pages, channels: options.channels, helpKinds: HELP_KINDS, query: link }),
    );
  });
}
