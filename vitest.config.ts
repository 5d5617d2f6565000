import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporal's native worker misbehaves under worker threads (sdk-typescript#876): one process per file.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Tests wait on real servers; a retry would hide a real flake.
    retry: 0,
  },
});
