import { loadCatalogs } from '../src/messages/load-catalogs.js';
import { createRequestTexts } from '../src/messages/request-texts.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import type { Database } from '../src/db/database.js';
import { createRequestEffects } from '../src/services/request-effects.js';

/**
 * The system's own request effects over a database's repositories, for the bench's side doors (the
 * hand-written bot's submissions, a burst of stored requests): whatever it enqueues is exactly what
 * the system would, under the system's keys.
 */
export function createBenchEffects(repositories: Database['repositories']) {
  const catalogs = loadCatalogs('scenarios/locales');
  const scenario = loadScenarioFile('scenarios/request-help.yaml', [catalogs.ru, catalogs.en]);
  return createRequestEffects({
    requests: repositories.requests,
    districtChats: repositories.districtChats,
    headquartersChats: [],
    outbox: repositories.outbox,
    texts: createRequestTexts(catalogs.ru, 'Europe/Moscow', scenario),
    now: () => new Date(),
  });
}
