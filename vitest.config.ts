import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files two at a time; each integration test owns its database and queue names.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
