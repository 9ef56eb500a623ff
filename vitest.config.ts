import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'
import { onWindows } from './tests/helpers/platform'

// Unit and integration tests run real processes: lab processes run the build in out/, so
// `npm test` builds before it runs them.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    pool: 'forks',
    // Hang guards, not speed limits. Windows gets three times as long: under Wine (the Windows leg of
    // .ci/run) each Node process takes seconds to start, and a scenario starts seven of them
    // (producer-consumer-pipe: 5.6 s alone, over 30 s in a full leg on a loaded machine).
    testTimeout: onWindows ? 90_000 : 30_000,
    hookTimeout: onWindows ? 90_000 : 30_000,
    // Two cores: more workers only make timing-sensitive lab tests slower.
    maxWorkers: 2,
    // Hosts record their sessions into the user's data folder: in tests, a throwaway one. And they
    // move in sessions an earlier desktop app kept under XDG_CONFIG_HOME: a throwaway one too, so a
    // test run never takes the developer's own.
    env: { XDG_DATA_HOME: join(tmpdir(), 'proclab-test-data'), XDG_CONFIG_HOME: join(tmpdir(), 'proclab-test-config') },
  },
})
