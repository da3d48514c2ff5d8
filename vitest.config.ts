import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start an in-process MongoDB-compatible server and a Bot API emulator.
    // A generous bound for a loaded CI machine: a wait inside a test fails first (after 15 s), naming what did not arrive.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
