import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'

// Debian's Chromium unless PROCLAB_CHROMIUM names another (a Chrome or Chromium on macOS or Windows).
const chromium = process.env.PROCLAB_CHROMIUM || '/usr/bin/chromium'

// The servers the tests start record their sessions into the user's data folder: a throwaway one,
// new for each run of the suite. The runner makes it and its workers inherit it; a folder shared by
// every run kept thousands of sessions on a machine that runs the suite all day, and the Sessions
// tests timed out listing them.
if (!process.env.PROCLAB_E2E_DATA) {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-e2e-'))
  process.env.PROCLAB_E2E_DATA = dir
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
}
process.env.XDG_DATA_HOME = join(process.env.PROCLAB_E2E_DATA, 'data')
// ...and move in what an earlier desktop app kept under XDG_CONFIG_HOME: never the developer's own.
process.env.XDG_CONFIG_HOME = join(process.env.PROCLAB_E2E_DATA, 'config')

/** The specs that measure the page: `npm test` runs them in a step of their own (scripts/test.mjs). */
const PERF_SPECS = ['**/perf.spec.ts', '**/system-perf.spec.ts']
const perfOnly = process.env.PROCLAB_E2E_PERF === '1'
// CI's second pass runs the host under another Node (24) with both cores loaded. The page is the same
// under any Node, so that pass runs the specs whose outcome rests on the host: runs and their
// processes, signals, the process table, sessions, the token. The full suite ran in the first pass.
const HOST_SPECS = ['**/lab.spec.ts', '**/run-stop.spec.ts', '**/pause.spec.ts', '**/step.spec.ts', '**/zombie-orphan.spec.ts', '**/system.spec.ts', '**/monitor.spec.ts', '**/sessions.spec.ts', '**/token.spec.ts', '**/connection.spec.ts']
const hostOnly = process.env.PROCLAB_E2E_HOST_ONLY === '1'

// Two projects: `web` drives the real `proclab serve` with Debian's Chromium; `electron` drives the
// desktop shell through Playwright's _electron (its tests decide for themselves whether the
// Electron binary is present).
export default defineConfig({
  // Generous: real processes on a small, often busy machine. A passing run takes a few seconds a test.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Each test starts its own `proclab serve`, so tests of one file can share the two workers.
  fullyParallel: true,
  // Two cores: one browser plus one ProcLab host with its lab children per worker is plenty. The
  // specs that measure the page run one at a time: next to another test they would measure it.
  workers: perfOnly ? 1 : 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  outputDir: 'test-results',
  projects: [
    {
      name: 'web',
      testDir: 'tests/e2e',
      ...(perfOnly ? { testMatch: PERF_SPECS } : hostOnly ? { testMatch: HOST_SPECS } : { testIgnore: PERF_SPECS }),
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        screenshot: 'only-on-failure',
        trace: 'retain-on-failure',
        launchOptions: {
          executablePath: chromium,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      },
    },
    {
      name: 'electron',
      testDir: 'tests/electron',
      // Not in the perf step: it ran with the others.
      testIgnore: perfOnly ? ['**'] : [],
    },
  ],
})
