import { defineConfig } from 'vitest/config'

// Unit and integration tests run real processes: lab processes run the build in out/, so
// `npm test` builds before it runs them.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: more workers only make timing-sensitive lab tests slower.
    maxWorkers: 2,
  },
})
