import { join } from 'node:path';
import { codeWordList } from '../../src/domain/code-word.js';
import type { EngineContext } from '../../src/scenario/engine.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { loadCatalogs } from '../../src/messages/load-catalogs.js';
import { renderText } from '../../src/scenario/text.js';

/** The real scenario and catalogs from the repository, as the bots load them. */
export const catalogs = loadCatalogs(join(import.meta.dirname, '../../scenarios/locales'));
export const helpScenario = loadScenarioFile(join(import.meta.dirname, '../../scenarios/request-help.yaml'), [catalogs.ru, catalogs.en]);
export const volunteerScenario = loadScenarioFile(join(import.meta.dirname, '../../scenarios/volunteer.yaml'), [catalogs.ru, catalogs.en]);
export const DISTRICTS = ['Центральный', 'Ленинский', 'Октябрьский', 'Заельцовский'] as const;
export const engineContext: EngineContext = {
  lists: { districts: DISTRICTS },
  render: (text) => renderText(catalogs.ru, text),
  params: { closedDays: 90, withdrawnDays: 30, openDays: 30, abandonedDays: 7 },
};

/** The code words of the Russian catalog, as the services get them. */
export const CODE_WORDS = codeWordList(catalogs.ru.t('request.codeWords'));
