import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start an in-process MongoDB-compatible server and a Bot API emulator.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
