/**
 * Builds the renderer for serve mode (`npm run build:renderer`) into out/renderer, the same folder
 * `electron-vite build` writes, so both transports ship one identical app.
 */
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs work both at http://127.0.0.1:PORT/ and at framewise://app/.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
