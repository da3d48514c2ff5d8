import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FormIntake, FormValues } from '../../services/form-intake.js';
import { field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { intakePage, intakeSummaryPage } from './views.js';

export interface IntakeOptions {
  kit: ConsoleKit;
  form: FormIntake;
}

/** The operator's intake form: fill in, check on a summary, send (once, whatever a double click does). */
export async function intakeRoutes(app: FastifyInstance, options: IntakeOptions): Promise<void> {
  const { kit, form } = options;
  const { t, send, view: v } = kit;
  const fields = form.fields();
  // The scenario's fields, and the form's own: its id, and which button was pressed.
  const intakeBody = z.object({
    ...Object.fromEntries(fields.map((f) => [f.id, field])),
    formId: z
      .string()
      .regex(/^[0-9a-f-]{36}$/)
      .optional()
      .catch(undefined),
    action: field,
  });
  const valuesOf = (body: Record<string, string | undefined>): FormValues =>
    Object.fromEntries(fields.flatMap((f) => (body[f.id] === undefined ? [] : [[f.id, body[f.id]]])));

  app.get('/console/intake', { preHandler: kit.anyone }, async (request, reply) =>
    send(reply, intakePage(v, kit.userOf(request), { fields, values: {}, errors: {}, formId: randomUUID() })),
  );

  app.post('/console/intake', { preHandler: kit.anyone }, async (request, reply) => {
    const user = kit.userOf(request);
    const body = read(intakeBody, request.body);
    const values = valuesOf(body);
    // The form's id names the request it files: a second «Send» returns the first request.
    const formId = body.formId ?? randomUUID();
    if (body.action === 'edit') return send(reply, intakePage(v, user, { fields, values, errors: {}, formId }));
    if (body.action === 'submit') {
      const result = await form.submit(values, { channel: 'phone', key: `form:${formId}`, takenBy: { ...user.person, displayName: user.displayName } });
      if (!result.ok)
        return send(reply, intakePage(v, user, { fields, values, errors: result.errors, formId }, { text: t('intake.fixErrors'), error: true }), 422);
      return reply.redirect(`/console/requests/${result.request.number}?done=${result.created ? 'created' : 'duplicate'}`, 303);
    }
    const checked = form.check(values);
    if (!checked.ok)
      return send(reply, intakePage(v, user, { fields, values, errors: checked.errors, formId }, { text: t('intake.fixErrors'), error: true }), 422);
    return send(reply, intakeSummaryPage(v, user, { values, summary: checked.summary, formId }));
  });
}
