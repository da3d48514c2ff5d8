import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { advance, startScenario, type EngineContext, type EngineInput, type Prompt, type ScenarioState } from '../scenario/engine.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { renderText, type Catalog, type Locale } from '../scenario/text.js';

/** One line of the preview's chat, already in words. */
export interface PreviewLine {
  from: 'bot' | 'person';
  text: string;
}

/** The question on screen, in words, with its buttons. */
export interface PreviewPrompt {
  seq: number;
  expects: Prompt['expects'];
  choices: { value: string; label: string }[];
  canGoBack: boolean;
}

/** Where a preview stands: plain JSON, kept in the console session between pages. */
export interface PreviewState {
  file: string;
  lines: PreviewLine[];
  /** The engine's state while the conversation goes on; null once it ended. */
  state: ScenarioState | null;
  prompt: PreviewPrompt | null;
}

/** What a person does in the preview, as the page sends it. */
export type PreviewInput = { type: 'text'; text: string } | { type: 'choice'; seq: number; value: string } | { type: 'back' } | { type: 'cancel' };

/** The longest chat kept: older lines are dropped, the conversation goes on. */
const MAX_LINES = 200;
/** Scenario file names the preview opens: plain names in the scenarios folder, nothing that walks out of it. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.ya?ml$/;

/**
 * Runs any scenario file of the scenarios folder as a requester would see it, with the texts of the
 * locale files as they are on disk now: whoever edits the scripts tries a change before it goes live.
 * Files are read again on every step, so an edit shows at the next answer. Nothing is stored but the
 * preview's own state; a finished questionnaire files no request.
 */
export function createScenarioPreview(deps: {
  dir: string;
  /** Reads the locale files as they are on disk now. */
  readCatalogs: () => Record<Locale, Catalog>;
  locale: Locale;
  districts: readonly string[];
  /** The configured values the texts quote (the retention periods of the consent text). */
  textParams?: Record<string, string | number>;
}) {
  function load(file: string): { scenario: Scenario; catalog: Catalog; engine: EngineContext } {
    if (!FILE_NAME.test(file) || !files().includes(file)) throw new PreviewFileError(file, 'no such scenario file');
    const catalogs = deps.readCatalogs();
    const catalog = catalogs[deps.locale];
    try {
      const scenario = loadScenarioFile(join(deps.dir, file), [catalogs.ru, catalogs.en]);
      return {
        scenario,
        catalog,
        engine: { lists: { districts: deps.districts }, render: (text) => renderText(catalog, text), ...(deps.textParams ? { params: deps.textParams } : {}) },
      };
    } catch (error) {
      throw new PreviewFileError(file, error instanceof Error ? error.message : String(error));
    }
  }

  function show(prompt: Prompt, catalog: Catalog): { line: PreviewLine; prompt: PreviewPrompt } {
    const say = (text: Parameters<typeof renderText>[1]) => renderText(catalog, text);
    const parts = [];
    if (prompt.error) parts.push(say(prompt.error));
    parts.push(say(prompt.question));
    if (prompt.summary) parts.push(prompt.summary.map((s) => `${say(s.label)}: ${say(s.value)}`).join('\n'));
    if (prompt.current) parts.push(catalog.t('bot.intake.currentAnswer', { value: say(prompt.current) }));
    return {
      line: { from: 'bot', text: parts.join('\n\n') },
      prompt: {
        seq: prompt.seq,
        expects: prompt.expects,
        choices: prompt.choices.map((c) => ({ value: c.value, label: say(c.label) })),
        canGoBack: prompt.canGoBack,
      },
    };
  }

  function files(): string[] {
    return readdirSync(deps.dir, { withFileTypes: true })
      .filter((e) => e.isFile() && FILE_NAME.test(e.name))
      .map((e) => e.name)
      .sort();
  }

  return {
    files,

    /** Starts a scenario file from its first question; throws PreviewFileError naming what is wrong with the file. */
    start(file: string): PreviewState {
      const { scenario, catalog, engine } = load(file);
      const { state, prompt } = startScenario(scenario, engine);
      const shown = show(prompt, catalog);
      return { file, lines: [shown.line], state, prompt: shown.prompt };
    },

    /** Takes one answer; throws PreviewFileError when the file no longer loads (or lost the step the preview was on). */
    step(preview: PreviewState, input: PreviewInput): PreviewState {
      if (!preview.state) return preview;
      const { scenario, catalog, engine } = load(preview.file);
      if (!scenario.steps.some((s) => s.id === preview.state!.stepId) && preview.state.stepId !== '@edit') {
        throw new PreviewFileError(preview.file, `the step "${preview.state.stepId}" is gone from the file: start again`);
      }
      const said =
        input.type === 'text'
          ? input.text
          : input.type === 'choice'
            ? (preview.prompt?.choices.find((c) => c.value === input.value)?.label ?? input.value)
            : catalog.t(input.type === 'back' ? 'bot.intake.back' : 'engine.summary.cancel');
      const lines: PreviewLine[] = [...preview.lines, { from: 'person', text: said }];
      const result = advance(scenario, preview.state, input as EngineInput, engine);
      const keep = (more: PreviewLine[]) => [...lines, ...more].slice(-MAX_LINES);
      switch (result.kind) {
        case 'stale':
          return { ...preview, lines: keep([{ from: 'bot', text: catalog.t('bot.intake.stale') }]) };
        case 'cancelled':
          return { file: preview.file, lines: keep([{ from: 'bot', text: catalog.t('bot.intake.cancelled') }]), state: null, prompt: null };
        case 'declined':
          return { file: preview.file, lines: keep([{ from: 'bot', text: renderText(catalog, result.text) }]), state: null, prompt: null };
        case 'completed':
          return { file: preview.file, lines: keep([{ from: 'bot', text: catalog.t('console.preview.completed') }]), state: null, prompt: null };
        case 'prompt': {
          const shown = show(result.prompt, catalog);
          return { file: preview.file, lines: keep([shown.line]), state: result.state, prompt: shown.prompt };
        }
      }
    },
  };
}

export type ScenarioPreview = ReturnType<typeof createScenarioPreview>;

/** A scenario file the preview cannot run, with the loader's words for why. */
export class PreviewFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(problem);
    this.name = 'PreviewFileError';
  }
}
