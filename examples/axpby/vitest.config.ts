import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));
// mlx-ts resolves to the checkout's TypeScript sources (its "source" export
// condition), whether or not node_modules/mlx-ts was installed.
const mlxts = path.resolve(here, '..', '..');

export default defineConfig({
  root: here,
  resolve: {
    conditions: ['source'],
    alias: [
      { find: /^mlx-ts\/extension$/, replacement: path.join(mlxts, 'sdk', 'extension.ts') },
      { find: /^mlx-ts$/, replacement: path.join(mlxts, 'sdk', 'index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
