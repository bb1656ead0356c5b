import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests import 'mlx-ts' through the package's own exports map; the
    // "source" condition points it at sdk/*.ts, so no tsc step is needed.
    conditions: ['source'],
  },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The native runtime is process-global: run test files in child processes.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
