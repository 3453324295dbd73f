/** Svelte compiler options for the renderer; runes mode everywhere (no legacy `export let` components). */
export default {
  compilerOptions: { runes: true },
};
