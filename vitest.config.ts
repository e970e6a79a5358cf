import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for something that will happen; on a loaded two-core machine a child
    // worker or server can take seconds to get there, so wait up to 20 s (the default is 1 s).
    expect: { poll: { timeout: 20_000, interval: 50 } },
    // Two cores: run files two at a time; each integration test owns its database and queue names.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
