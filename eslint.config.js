// Lint rules that protect what the compiler cannot: workflow determinism and unhandled promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.orgsync/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['bin/*.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Activities and handlers are async by contract even when a body happens not to await.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  {
    // Workflow code is replayed: it must not reach the network, the clock, the file system or Node's runtime.
    // Activities are imported as types only and called through proxyActivities.
    // lib/seoul-time.ts and notify/events.ts are the modules outside workflows/ that workflows import, so they are held to the same rules.
    files: ['workflows/**/*.ts', 'lib/seoul-time.ts', 'notify/events.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node builtins.' })),
            { name: 'got', message: 'No I/O in workflow code: call an activity.' },
            { name: 'zod', message: 'Parse external payloads in activities, not in workflow code.' },
            { name: '@temporalio/client', message: 'Workflows use @temporalio/workflow.' },
            { name: '@temporalio/worker', message: 'Workflows use @temporalio/workflow.' },
            { name: '@temporalio/activity', message: 'Workflows use @temporalio/workflow.' },
          ],
          patterns: [
            {
              group: ['**/activities/**', '**/knox/**', '**/workplace/**', '**/store/**', '**/config/**', '**/worker/**', '**/client/**'],
              allowTypeImports: true,
              message: 'Workflow code may import these as types only (`import type`); call I/O through activities.',
            },
            {
              // lib/ holds the HTTP client, server and limiter: I/O. Only its pure time formatter is allowed.
              group: ['**/lib/**', '!**/lib/seoul-time.js'],
              allowTypeImports: true,
              message: 'Workflow code may import only lib/seoul-time.js from lib/ (the rest does I/O).',
            },
          ],
        },
      ],
    },
  },
);
