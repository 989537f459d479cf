import { defineConfig } from 'vitest/config'

// Two projects: `unit` (plain Node: services, sim, learning, store, transports) and `browser`
// (Playwright driving Debian's Chromium against the browser mode).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Software-rendered frames run at a few per second on a loaded 2-core machine: a page condition may
          // take seconds to show. expect.poll still returns as soon as it holds.
          expect: { poll: { timeout: 15_000, interval: 50 } },
          fileParallelism: false,
        },
      },
    ],
  },
})
