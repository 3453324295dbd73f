import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

/**
 * The direction of imports in src/ (docs/architecture.md): domain folders, lowest first, import only
 * folders before them in this list (and the modules at the top of src/); never the application
 * layer or a transport.
 */
const DOMAIN_LAYERS = ['util', 'video', 'features', 'models', 'training', 'inference', 'eval', 'export', 'captioning'];
const APPLICATION = ['store', 'project', 'services', 'demo', 'cli', 'transport', 'serve'];

/** One no-restricted-imports block per domain folder: the application layer and every higher domain folder. */
function importDirection() {
  return DOMAIN_LAYERS.map((folder, i) => {
    const banned = [...DOMAIN_LAYERS.slice(i + 1), ...APPLICATION];
    return {
      files: [`src/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: `^(\\.\\./)+(${banned.join('|')})/`,
                message: `src/${folder}/ is a domain folder: it may import only ${
                  DOMAIN_LAYERS.slice(0, i).join(', ') || 'the top of src/'
                } (lower domain folders) — never ${banned.join(', ')}. See docs/architecture.md.`,
              },
            ],
          },
        ],
      },
    };
  });
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tmp/',
      'dist/',
      'out/',
      'models/.cache/',
      'test-results/',
      'playwright-report/',
      'e2e/artifacts/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...importDirection(),
  // Svelte components: the plugin's recommended rules, with TypeScript in <script lang="ts">.
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
);
