// Lint rules that protect what the compiler cannot: workflow determinism and unhandled promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** The engine and lib modules workflow code imports at run time: pure, deterministic, no I/O. */
const WORKFLOW_SAFE = [
  'engine/pipeline.ts',
  'engine/outcomes.ts',
  'engine/types.ts',
  'engine/stage-run.ts',
  'engine/canary.ts',
  'lib/stages.ts',
  'lib/seoul-time.ts',
  'lib/drift.ts',
  'notify/events.ts',
];

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
    // Activities are imported as types only and called through proxyActivities. The engine and lib modules
    // that workflows import at run time are held to the same rules.
    files: ['workflows/**/*.ts', ...WORKFLOW_SAFE],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node builtins.' })),
            { name: 'got', message: 'No I/O in workflow code: call an activity.' },
            { name: 'zod', message: 'Parse external payloads in activities, not in workflow code.' },
            { name: 'ms', message: 'Durations reach workflows as numbers (engine/policy.ts).' },
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
              // engine/ and lib/ also hold planning, HTTP and the store: I/O. Only their workflow-safe modules are allowed.
              group: ['**/engine/**', '**/lib/**', ...WORKFLOW_SAFE.map((f) => `!**/${f.replace(/\.ts$/, '.js')}`)],
              allowTypeImports: true,
              message: `Workflow code may import only ${WORKFLOW_SAFE.join(', ')} from engine/ and lib/ (the rest does I/O).`,
            },
          ],
        },
      ],
    },
  },
  {
    // The engine is pure sync logic: Temporal reaches it only through the activities around it.
    files: ['engine/**/*.ts'],
    // The workflow-safe modules are held to the stricter rules above.
    ignores: WORKFLOW_SAFE,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@temporalio/*'], allowTypeImports: true, message: 'The engine imports Temporal types only; activities adapt it.' },
            {
              group: ['**/workflows/**', '**/activities/**', '**/worker/**', '**/client/**'],
              message: 'The engine sits below workflows, activities, worker and client.',
            },
          ],
        },
      ],
    },
  },
);
