/**
 * The transport layer's boundaries, checked from the source: the Electron main adapts
 * src/transport and never reaches into serve mode, and src/transport stays free of HTTP and
 * Electron so both hosts can use it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const sources = (dir: string): [string, string][] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`${dir}/${f}`, readFileSync(join(root, dir, f), 'utf8')]);
const imports = (src: string): string[] =>
  [...src.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*'([^']+)'/gm)].map((m) => m[1]!);

describe('transport layering', () => {
  it('main/ imports nothing from src/serve', () => {
    const specs = sources('main').flatMap(([file, src]) => imports(src).map((spec) => [file, spec] as const));
    expect(specs.map(([, spec]) => spec)).toContain('../src/transport/dispatch.js');
    for (const [file, spec] of specs) expect(spec, file).not.toMatch(/src\/serve\//);
  });

  it('src/transport imports neither HTTP, Electron nor serve mode', () => {
    const files = sources('src/transport');
    expect(files.length).toBeGreaterThan(0);
    for (const [file, src] of files) {
      for (const spec of imports(src)) expect(spec, file).not.toMatch(/^(node:)?https?$|^electron$|\/serve\//);
    }
  });
});
