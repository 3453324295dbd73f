/**
 * electron-vite: main (ESM), preload (CommonJS: a sandboxed preload cannot be an ES module) and the
 * renderer, which is the same Svelte app serve mode ships (see renderer/vite.config.ts).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * Main loads the core from dist/ (`npm run build:core`) instead of bundling src/ into itself. The
 * core finds its workers, models and package.json relative to its own file (import.meta.url); that
 * holds in dist/, a mirror of src/, but not inside a single bundle. It also means the CLI, serve
 * mode and the desktop app run the very same compiled core.
 */
function coreFromDist(): Plugin {
  return {
    name: 'framewise:core-from-dist',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.startsWith(resolve(root, 'main')) || !source.startsWith('../src/')) return null;
      // Relative to out/main/index.js.
      return { id: `../../dist/${source.slice('../src/'.length)}`, external: true };
    },
  };
}

export default defineConfig({
  main: {
    plugins: [coreFromDist()],
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve(root, 'main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can only require('electron'): bundle everything else in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
