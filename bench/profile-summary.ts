import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 CPU profile (node --cpu-prof): self time by package or project folder and by
 * function, so the biggest cost of a bench run can be named. Usage:
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(1);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

// Waiting is not cost: the idle samples are left out of the shares.
const NOT_WORK = new Set(['(idle)', '(program)']);
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});
const nodes = profile.nodes.filter((node) => !NOT_WORK.has(node.callFrame.functionName));
const total = nodes.reduce((sum, node) => sum + (selfMs.get(node.id) ?? 0), 0);

/** Where a frame's code lives: a package, a folder of this project, or the engine itself. */
function area(url: string): string {
  if (!url) return '(v8 / native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/(src|bots|bench|test)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of nodes) {
  const ms = selfMs.get(node.id) ?? 0;
  if (ms === 0) continue;
  const where = area(node.callFrame.url);
  byArea.set(where, (byArea.get(where) ?? 0) + ms);
  const name = `${node.callFrame.functionName || '(anonymous)'}  ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
}

const print = (title: string, rows: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
};
console.log(`busy: ${total.toFixed(0)} ms sampled (idle left out)`);
print('self time by package / folder', byArea);
print('self time by function', byFunction);
