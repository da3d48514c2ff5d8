import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of docs/architecture.md, read from the import statements: who may import whom.
 * A new edge against them fails here with the file and the import, before it becomes a habit.
 */

const ROOT = join(import.meta.dirname, '../..');

/** A source file's layer: its folder under src/ (or `bots`), or `root` for the files directly in src/. */
function layerOf(path: string): string {
  if (path.startsWith('bots/')) return 'bots';
  const [, folder, rest] = path.split('/');
  return rest === undefined ? 'root' : folder!;
}

/** Layers each layer may import (besides itself and packages); `typesOnly` may be imported with `import type` only. */
const ALLOWED: Record<string, { values: string[]; typesOnly?: string[] }> = {
  domain: { values: [] },
  scenario: { values: ['domain'] },
  services: { values: ['domain', 'scenario'] },
  messages: { values: ['domain', 'scenario'], typesOnly: ['services'] },
  db: { values: ['domain', 'services', 'root'] },
  jobs: { values: ['domain', 'services', 'root'], typesOnly: ['messages'] },
  http: { values: ['domain', 'scenario', 'services', 'messages', 'root'] },
  bots: { values: ['domain', 'scenario', 'services', 'messages', 'root'] },
};
/** The one file outside bots/ that imports it: the list of platforms the system runs. */
const MAY_IMPORT_BOTS = new Set(['src/platforms.ts']);
/** The domain's packages: the schemas, and randomness for the code word. */
const DOMAIN_PACKAGES = new Set(['zod', 'node:crypto']);

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)';/gm;

function importsOf(path: string, text: string): Import[] {
  return [...text.matchAll(IMPORT)].map((m) => {
    const specifier = m[3]!;
    const to = specifier.startsWith('.') ? normalize(join(dirname(path), specifier)).replace(/\.js$/, '.ts') : specifier;
    return { from: path, to, typeOnly: Boolean(m[2]) };
  });
}

/** The imports that break the rules, as readable lines. */
function layerViolations(imports: readonly Import[]): string[] {
  const out: string[] = [];
  for (const { from, to, typeOnly } of imports) {
    const own = layerOf(from);
    const local = to.startsWith('src/') || to.startsWith('bots/');
    if (!local) {
      if (own === 'domain' && !DOMAIN_PACKAGES.has(to)) out.push(`${from} imports the package ${to}`);
      continue;
    }
    const target = layerOf(to);
    if (target === own) continue;
    if (target === 'bots') {
      if (!MAY_IMPORT_BOTS.has(from)) out.push(`${from} imports ${to}: only src/platforms.ts lists the platforms`);
      continue;
    }
    const rules = ALLOWED[own];
    if (!rules) continue; // src/*.ts: the composition root, config and the command-line tools
    if (rules.values.includes(target)) continue;
    if (typeOnly && rules.typesOnly?.includes(target)) continue;
    out.push(`${from} imports ${to}${typeOnly ? ' (types)' : ''}`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the layers', () => {
  const imports = [...sourceFiles('src'), ...sourceFiles('bots')].flatMap((path) => importsOf(path, readFileSync(join(ROOT, path), 'utf8')));

  it('are read from the code: every layer has its files and imports', () => {
    const layers = new Set(imports.map((i) => layerOf(i.from)));
    for (const layer of [...Object.keys(ALLOWED), 'root']) expect(layers, `no file of ${layer} was read`).toContain(layer);
    expect(imports.filter((i) => i.to.startsWith('src/services/')).length).toBeGreaterThan(100);
  });

  it('are kept: no import against them', () => {
    expect(layerViolations(imports)).toEqual([]);
  });

  it('would catch a service that words its own texts, a text that calls a service, and a platform named outside', () => {
    expect(
      layerViolations([
        { from: 'src/services/x.ts', to: 'src/messages/catalog.ts', typeOnly: true },
        { from: 'src/messages/x.ts', to: 'src/services/claim-request.ts', typeOnly: false },
        { from: 'src/http/x.ts', to: 'bots/telegram/index.ts', typeOnly: false },
        { from: 'src/domain/x.ts', to: 'mongoose', typeOnly: false },
        { from: 'bots/vk/x.ts', to: 'src/db/database.ts', typeOnly: false },
      ]),
    ).toHaveLength(5);
  });
});
