import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The folder-level import graph of src/: an edge a → b when a file under src/a/ imports (statically,
 * re-exports, or with import()) a relative path under src/b/. Modules at the top of src/ are left out.
 */
const SRC = path.resolve('src');
const DOMAIN = ['util', 'video', 'features', 'models', 'training', 'inference', 'eval', 'export', 'captioning'];
const APPLICATION = ['store', 'services', 'transport', 'serve', 'cli', 'project', 'demo'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.[cm]?tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function topFolder(file: string): string | null {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length > 1 && parts[0] !== '..' ? parts[0]! : null;
}

function folderGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  const spec = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const file of sourceFiles(SRC)) {
    const from = topFolder(file);
    if (from === null) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(spec)) {
      const to = topFolder(path.resolve(path.dirname(file), m[1]!));
      if (to === null || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), path.relative(SRC, file)]);
    }
  }
  return graph;
}

/** Strongly connected components of more than one folder (Tarjan). */
function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('folder-level import graph of src/', () => {
  const graph = folderGraph();

  it('is read from the sources (sanity: known edges are there)', () => {
    expect(graph.get('features')?.has('video')).toBe(true);
    expect(graph.get('project')?.has('store')).toBe(true);
  });

  it('has no cycle between folders', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const g = new Map([
      ['a', new Map([['b', ['a/x.ts']]])],
      ['b', new Map([['a', ['b/y.ts']]])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b']]);
  });

  it('no domain folder imports the application layer or a transport', () => {
    const wrong = DOMAIN.flatMap((d) =>
      [...(graph.get(d) ?? new Map<string, string[]>())]
        .filter(([to]) => APPLICATION.includes(to))
        .map(([to, files]) => `${d} → ${to} (${[...new Set(files)].join(', ')})`),
    );
    expect(wrong).toEqual([]);
  });

  it('every folder under src/ is classified as domain or application', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !DOMAIN.includes(f) && !APPLICATION.includes(f))).toEqual([]);
  });
});
