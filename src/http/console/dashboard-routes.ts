import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ExportRequests } from '../../services/console/export-requests.js';
import type { DashboardQuery } from '../../services/dashboard.js';
import { isoDate, localDateOf, parsePeriod } from '../../domain/calendar.js';
import { dayField, field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { dashboardPage, messagePage } from './views.js';
import type { CoordinatorTexts } from '../../services/texts.js';

export interface DashboardOptions {
  kit: ConsoleKit;
  dashboard: DashboardQuery;
  exportRequests: ExportRequests;
  coordinatorTexts: CoordinatorTexts;
  overdueAfterMs: number;
  timeZone: string;
  now: () => Date;
}

const exportQuery = z.object({ from: dayField, to: dayField, full: field });

/** The dashboard, and the CSV export of a period it offers coordinators. */
export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { kit } = options;

  app.get('/console/dashboard', { preHandler: kit.anyone }, async (request, reply) => {
    const data = await options.dashboard();
    const today = isoDate(localDateOf(options.now(), options.timeZone));
    return kit.send(
      reply,
      dashboardPage(kit.view, kit.userOf(request), data, { overdueAfterMs: options.overdueAfterMs, exportFrom: data.days[0]?.day ?? '', exportTo: today }),
    );
  });

  app.get('/console/export.csv', { preHandler: kit.coordinators }, async (request, reply) => {
    const user = kit.userOf(request);
    const q = read(exportQuery, request.query);
    const parsed = q.from && q.to ? parsePeriod(`${q.from}..${q.to}`, options.now(), options.timeZone) : null;
    if (!parsed?.ok) return kit.send(reply, messagePage(kit.view, user, 'dashboard', kit.t('errors.title'), kit.t('export.badPeriod')), 400);
    const full = q.full === '1';
    const made = await options.exportRequests({ period: parsed.period, full, by: user.person, via: 'web' });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${options.coordinatorTexts.exportFileName(parsed.period, full)}"`)
      .send(made.csv);
  });
}
