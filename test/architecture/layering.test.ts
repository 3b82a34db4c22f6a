import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const LAYERS = ['core', 'plugins', 'cli', 'benchmarks', 'testing'];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'weights' || name === 'datasets' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every source file (root-relative) -> the source files it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const files = [...LAYERS.flatMap(sources), 'index.ts', 'plugin.ts'];
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    const deps = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)]
      .map((m) => normalize(join(dirname(f), m[1] ?? m[2]!)).replace(/\.js$/, '.ts'))
      .filter((d) => known.has(d));
    graph.set(f, deps);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('layering of the source tree', () => {
  const graph = importGraph();
  const edges = [...graph].flatMap(([from, deps]) => deps.map((to) => ({ from, to })));

  it('has no import cycle (type-only imports included)', () => {
    // The graph is the real tree, not an empty parse.
    expect(graph.size).toBeGreaterThan(200);
    expect(edges.length).toBeGreaterThan(graph.size);
    expect(cycles(graph)).toEqual([]);
  });

  it('imports point down: core imports no plugin, CLI or benchmark; plugins import no CLI or benchmark', () => {
    const up = edges.filter(({ from, to }) => (from.startsWith('core/') && !to.startsWith('core/')) || (from.startsWith('plugins/') && (to.startsWith('cli/') || to.startsWith('benchmarks/'))));
    expect(up).toEqual([]);
  });

  it('a plugin imports no other plugin (task concepts stay in their own plugin)', () => {
    const plugin = (f: string) => f.split('/')[1];
    const across = edges.filter(({ from, to }) => from.startsWith('plugins/') && to.startsWith('plugins/') && from.split('/').length > 2 && to.split('/').length > 2 && plugin(from) !== plugin(to));
    expect(across).toEqual([]);
  });

  it('commands reach a plugin only through its public index', () => {
    const internal = edges.filter(({ from, to }) => from.startsWith('cli/') && to.startsWith('plugins/') && !/^plugins\/[^/]+\/index\.ts$/.test(to) && to !== 'plugins/index.ts');
    expect(internal.map(({ from, to }) => `${from} -> ${relative(ROOT, join(ROOT, to))}`)).toEqual([]);
  });
});
