import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { QuestionInbox } from '../../services/question-inbox.js';
import { field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { questionsPage } from './views.js';

export interface QuestionsOptions {
  kit: ConsoleKit;
  inbox: QuestionInbox;
}

const questionParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });
const answerBody = z.object({ text: field });
const questionsQuery = z.object({ said: z.enum(['answered', 'empty', 'gone']).optional().catch(undefined) });
const SAID = { answered: 'conversation.questionAnswerSent', empty: 'conversation.replyUsage', gone: 'conversation.questionGone' } as const;

/** «Вопросы»: what people wrote with no request to attach it to, newest first, and the answer form of each. */
export async function questionsRoutes(app: FastifyInstance, options: QuestionsOptions): Promise<void> {
  const { kit, inbox } = options;

  app.get('/console/questions', { preHandler: kit.coordinators }, async (request, reply) => {
    const { said } = read(questionsQuery, request.query);
    const notice = said ? { text: kit.view.catalog.t(SAID[said]), ...(said === 'answered' ? {} : { error: true }) } : undefined;
    return kit.send(reply, questionsPage(kit.view, kit.userOf(request), await inbox.list(), notice));
  });

  // Post/Redirect/Get: the page is shown again with what became of the answer, so a reload sends nothing.
  app.post('/console/questions/:id/answer', { preHandler: kit.coordinators }, async (request, reply) => {
    const params = questionParams.safeParse(request.params);
    if (!params.success) return reply.redirect('/console/questions?said=gone', 303);
    const outcome = await inbox.answer(params.data.id, kit.userOf(request).person, read(answerBody, request.body).text ?? '');
    const said = outcome.kind === 'sent' ? 'answered' : outcome.kind === 'empty' ? 'empty' : 'gone';
    return reply.redirect(`/console/questions?said=${said}`, 303);
  });
}
