import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ConsoleAccess, ConsoleUser } from '../../services/console-access.js';
import { PreviewFileError, type PreviewInput, type PreviewState, type ScenarioPreview } from '../../services/scenario-preview.js';
import { field, read } from './input.js';
import type { ConsoleKit } from './session.js';
import { previewPage } from './views.js';

export interface PreviewOptions {
  kit: ConsoleKit;
  access: ConsoleAccess;
  preview: ScenarioPreview;
  /** The scenario file the preview offers first. */
  defaultScenarioFile: string;
}

const startBody = z.object({ file: field });
const stepBody = z.object({ back: field, cancel: field, choice: field, seq: field, text: field });

/** A session keeps its preview as it was saved; anything else there (an older shape) is no preview. */
function isPreviewState(value: unknown): value is PreviewState {
  return typeof value === 'object' && value !== null && 'file' in value && typeof value.file === 'string' && 'lines' in value && Array.isArray(value.lines);
}

const previewOf = (user: ConsoleUser): PreviewState | null => (isPreviewState(user.preview) ? user.preview : null);

/** What a press on the preview's page means: back, cancel, a choice, or typed text. */
function inputOf(body: z.output<typeof stepBody>): PreviewInput {
  if (body.back !== undefined) return { type: 'back' };
  if (body.cancel !== undefined) return { type: 'cancel' };
  if (body.choice !== undefined) return { type: 'choice', seq: Number(body.seq), value: body.choice };
  return { type: 'text', text: (body.text ?? '').slice(0, 5000) };
}

/** The scenario preview: walk a scenario file as a person would, without filing anything. */
export async function previewRoutes(app: FastifyInstance, options: PreviewOptions): Promise<void> {
  const { kit, access, preview } = options;

  app.get('/console/preview', { preHandler: kit.anyone }, async (request, reply) => {
    const user = kit.userOf(request);
    const state = previewOf(user);
    return kit.send(reply, previewPage(kit.view, user, { files: preview.files(), preview: state, selected: state?.file ?? options.defaultScenarioFile }));
  });

  const problem = (request: FastifyRequest, reply: FastifyReply, error: unknown, file: string) => {
    if (!(error instanceof PreviewFileError)) throw error;
    return kit.send(reply, previewPage(kit.view, kit.userOf(request), { files: preview.files(), preview: null, problem: error.problem, selected: file }), 422);
  };

  app.post('/console/preview/start', { preHandler: kit.anyone }, async (request, reply) => {
    const file = read(startBody, request.body).file ?? '';
    try {
      await access.savePreview(kit.userOf(request), preview.start(file));
    } catch (error) {
      return problem(request, reply, error, file);
    }
    return reply.redirect('/console/preview', 303);
  });

  app.post('/console/preview', { preHandler: kit.anyone }, async (request, reply) => {
    const user = kit.userOf(request);
    const state = previewOf(user);
    if (!state) return reply.redirect('/console/preview', 303);
    try {
      await access.savePreview(user, preview.step(state, inputOf(read(stepBody, request.body))));
    } catch (error) {
      return problem(request, reply, error, state.file);
    }
    return reply.redirect('/console/preview', 303);
  });
}
