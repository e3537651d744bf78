import { defineConfig } from 'vitest/config';

// `npm run test:chaos`: the long reliability runs of issue 12 (docs/RELIABILITY.md), on the servers of the
// integration project — 10,000 generated requests, a 1,000-beneficiary payment run with ≥ 10 worker kills. Minutes,
// not seconds; the short variants of the same tests run with `npm test`.
export default defineConfig({
  test: {
    globalSetup: ['test/setup/chaos.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          hookTimeout: 180_000,
          testTimeout: 1_800_000,
        },
      },
    ],
  },
});
