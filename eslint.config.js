// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['generated/**', 'dist/**', '.data/**', '.tools/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The web pages (issue 10): plain ES modules run by the browser, no build step.
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'history',
          'fetch',
          'URL',
          'URLSearchParams',
          'Node',
          'setInterval',
          'clearInterval',
          'FormData',
          'CustomEvent',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // Tools' configuration files in CommonJS (.dependency-cruiser.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Tests parse JSON bodies of every shape.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed: it must be deterministic (no I/O, no clocks, no randomness). Activities are
    // imported for their types only.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'path',
                'http',
                'https',
                'crypto',
                'pg',
                '@prisma/*',
                '../lib/*',
                '../integrations/*',
              ],
              message: 'Workflows do no I/O: call an activity.',
            },
            {
              group: ['../activities', '../activities/*'],
              allowTypeImports: true,
              message: 'Import activity types with `import type`.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use workflow uuid4() or an activity.' },
      ],
    },
  },
  {
    // Issue 20: a workflow reads like the 规程, one named step function per paragraph (≤ 150 lines); an activity
    // factory is split by concern (≤ 300 lines).
    files: ['workflows/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 150, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 300, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Activities never start, signal or update a workflow (issue 20: orchestration only in workflows): no Temporal
    // client, neither imported nor taken from the activity's context (`Context.current().client`).
    files: ['activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/client', '../lib/temporal'],
              message: 'Activities do not orchestrate workflows: a workflow starts, signals or updates them.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='client']",
          message: 'Activities do not orchestrate workflows: a workflow starts, signals or updates them.',
        },
      ],
    },
  },
);
