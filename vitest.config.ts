import { defineConfig } from 'vitest/config';

// One runner for the whole repo. Workspace packages resolve to their TypeScript sources through
// the `plugboard-source` export condition, so unit tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ['plugboard-source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['plugboard-source', 'module', 'node', 'import', 'default'] } },
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts', 'connectors/*/**/*.spec.ts', 'test/**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
