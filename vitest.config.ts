import { defineConfig } from 'vitest/config';

// One server of each kind per run, started in test/setup/global.ts and only for the projects that need it:
//   unit        pure code, no servers
//   sources     HTTP clients against the simulators (in-process Express servers on ephemeral ports)
//   integration real PostgreSQL + Temporal dev server (visibility, search attributes, the API over real HTTP)
//   timers      real PostgreSQL + a Temporal time-skipping test server of each file's own (its clock its own: a
//               workflow left with an activity in flight cannot stop another file's time); one file at a time
//   scenarios   the 规程's rules end to end through the public API: real PostgreSQL, the simulators, the worker, on a
//               time-skipping server of its own (months pass in seconds); one file at a time
//   browser     the web pages in a real browser (Debian chromium driven by playwright-core), like integration
//   system      the start command itself, as a user runs it
export default defineConfig({
  test: {
    globalSetup: ['test/setup/global.ts'],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Inline projects do not inherit the settings above: each says its own timeouts. Starting a file's servers (a
    // worker, a simulator, the API) on a busy 2-core machine can take longer than vitest's default 10 s hook timeout.
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'sources', hookTimeout: 120_000, include: ['test/sources/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          hookTimeout: 120_000,
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'timers',
          hookTimeout: 120_000,
          include: ['test/timers/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          hookTimeout: 120_000,
          include: ['test/scenarios/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
        },
      },
      {
        // The web pages in Debian's Chromium (playwright-core), over a real API, worker and dev server.
        test: {
          name: 'browser',
          hookTimeout: 120_000,
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'system',
          hookTimeout: 120_000,
          include: ['test/system/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
        },
      },
    ],
  },
});
