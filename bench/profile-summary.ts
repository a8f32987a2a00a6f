/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top entries by self time and by
 * inclusive time, per function and per package, as shares of all samples.
 * Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [count]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface Entry {
  name: string;
  share: number;
}

export interface Summary {
  self: Entry[];
  inclusive: Entry[];
  packagesSelf: Entry[];
  packagesInclusive: Entry[];
}

/** `kysely`, `hono`, `node:internal`…: where a frame's code comes from, for a coarser view. */
function packageOf(url: string): string {
  const inModules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inModules) return inModules[1] as string;
  if (url.startsWith('node:')) return 'node (core)';
  if (url.includes('/src/')) return 'keyway';
  return url === '' ? '(native/gc/idle)' : url;
}

function functionOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*?\/(node_modules|src|dist)\//, '$1/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

function top(counts: Map<string, number>, total: number, count: number): Entry[] {
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, hits]) => ({ name, share: hits / total }));
}

export function summariseProfile(profile: Profile, count = 5): Summary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Idle time is not work: leave it out so shares are of the CPU actually spent.
  const samples = profile.samples.filter((id) => byId.get(id)?.callFrame.functionName !== '(idle)');
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packagesSelf = new Map<string, number>();
  const packagesInclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const id of samples) {
    const leaf = byId.get(id) as ProfileNode;
    add(self, functionOf(leaf));
    add(packagesSelf, packageOf(leaf.callFrame.url));
    // Each function and package counts once per sample, however deep it recurses.
    const functions = new Set<string>();
    const packages = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at) as ProfileNode;
      if (node.callFrame.functionName === '(root)') continue;
      functions.add(functionOf(node));
      packages.add(packageOf(node.callFrame.url));
    }
    for (const name of functions) add(inclusive, name);
    for (const name of packages) add(packagesInclusive, name);
  }
  const total = samples.length || 1;
  // The entry points (the event loop's callbacks) are ~100 % inclusive and say nothing; skip them.
  const informative = new Map([...inclusive].filter(([, hits]) => hits / total < 0.9));
  return { self: top(self, total, count), inclusive: top(informative, total, count), packagesSelf: top(packagesSelf, total, count), packagesInclusive: top(packagesInclusive, total, count) };
}

export function describeSummary(summary: Summary): string {
  const list = (entries: Entry[]) => entries.map((entry) => `    ${(100 * entry.share).toFixed(1).padStart(5)} %  ${entry.name}`).join('\n');
  return [
    '  self, by function:', list(summary.self),
    '  inclusive, by function (entries under 90 %):', list(summary.inclusive),
    '  self, by package:', list(summary.packagesSelf),
    '  inclusive, by package:', list(summary.packagesInclusive),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [count]');
  console.log(describeSummary(summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 5))));
}
