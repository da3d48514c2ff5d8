import type { UserFromGetMe } from 'grammy/types';
import { createIntakeConversation } from '../bots/telegram/intake-conversation.js';
import { createLogger } from '../src/logger.js';
import { codeWordList } from '../src/domain/code-word.js';
import { loadCatalogs } from '../src/messages/load-catalogs.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { createIntake } from '../src/services/intake.js';
import { createSubmitRequest } from '../src/services/submit-request.js';
import { createBotShell } from './bot-shell.js';
import type { BenchDatabase } from './database.js';
import { createBenchEffects } from './effects.js';
import { createHandWrittenIntake } from './hand-written.js';
import { createInstantApi } from './instant-api.js';
import type { IntakeSubject } from './intake.js';
import { BOT_INFO } from './system-under-test.js';
import { renderText } from '../src/scenario/text.js';

/**
 * The two bots of the engine's comparison, on the bench database: the same shell (bot-shell.ts)
 * around our questionnaire (the Telegram adapter's conversation over the shared intake and the
 * scenario engine) and around the hand-written one. Both save through the same submitRequest and
 * effects. Each is a bot of its own id, so the duplicate check keeps apart the same updates
 * replayed to both.
 */
export function startComparisonBots(deps: { database: BenchDatabase; districts: readonly string[] }): { engine: IntakeSubject; handWritten: IntakeSubject } {
  const catalogs = loadCatalogs('scenarios/locales');
  const catalog = catalogs.ru;
  const scenario = loadScenarioFile('scenarios/request-help.yaml', [catalogs.ru, catalogs.en]);
  const logger = createLogger('silent');
  const { requests, conversations, updates } = deps.database.db.repositories;
  const effects = createBenchEffects(deps.database.db.repositories);
  const submitRequest = createSubmitRequest({
    requests,
    dispatch: (request) => effects.enqueueFor(request),
    logger,
    now: () => new Date(),
    codeWords: codeWordList(catalog.t('request.codeWords')),
  });

  const shell = (id: number, prefix: string, conversation: Parameters<typeof createBotShell>[0]['conversation']) => {
    const botInfo: UserFromGetMe = { ...BOT_INFO, id, username: `bench_${id}_bot` };
    return createBotShell({
      token: `${id}:bench-comparison`,
      botInfo,
      fetch: createInstantApi(botInfo).fetch,
      catalog,
      conversationStore: conversations,
      updateLog: updates,
      storagePrefix: prefix,
      conversation,
    });
  };

  const intake = createIntake({
    scenario,
    engine: { lists: { districts: deps.districts }, render: (text) => renderText(catalog, text) },
    submitRequest,
    // /my is not part of the replayed questionnaire.
    myRequestsText: async () => '',
    logger,
  });
  const engine = shell(654_321, 'engine:', createIntakeConversation({ intake, catalog }));
  const handWritten = shell(765_432, 'handwritten:', createHandWrittenIntake({ catalog, districts: deps.districts, submitRequest }));
  return {
    engine: { name: 'engine', handleUpdate: engine.handleUpdate, conversationPrefix: 'engine:' },
    handWritten: { name: 'hand-written', handleUpdate: handWritten.handleUpdate, conversationPrefix: 'handwritten:' },
  };
}
