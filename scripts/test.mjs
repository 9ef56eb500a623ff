// `npm test`: build, type-check, lint (with the layer rules), unit/integration tests, then the
// browser tests, stopping at the first failing step. Ends with one line of totals.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

// Not under test-results/: Playwright empties that folder when it starts.
const reports = 'test-reports'
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })

const steps = [
  { name: 'build', command: ['npx', 'electron-vite', 'build'] },
  { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  { name: 'unit', command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reports}/vitest.json`] },
  {
    name: 'e2e',
    command: ['npx', 'playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_FILE: `${reports}/playwright.json` },
  },
  // The specs that measure the page (long tasks are wall time) run after the others, one at a
  // time (playwright.config.ts), with the machine to themselves: next to another test's browser
  // and lab processes on two cores they would measure the neighbour.
  {
    name: 'perf',
    command: ['npx', 'playwright', 'test', '--reporter=list,json'],
    env: { PROCLAB_E2E_PERF: '1', PLAYWRIGHT_JSON_OUTPUT_FILE: `${reports}/playwright-perf.json` },
  },
]

const only = process.argv.slice(2)
const timings = []
let failedStep = null
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue
  const started = Date.now()
  console.log(`\n── ${step.name}: ${step.command.join(' ')}`)
  const result = run(step.command, { stdio: 'inherit', env: { ...process.env, ...step.env } })
  timings.push(`${step.name} ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (result.status !== 0) {
    failedStep = step.name
    break
  }
}

const totals = { passed: 0, failed: 0, skipped: 0, flaky: 0 }
const vitest = readJson(`${reports}/vitest.json`)
if (vitest) {
  totals.passed += vitest.numPassedTests
  totals.failed += vitest.numFailedTests
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests
}
for (const name of ['playwright.json', 'playwright-perf.json']) {
  const playwright = readJson(`${reports}/${name}`)
  if (!playwright?.stats) continue
  totals.passed += playwright.stats.expected + playwright.stats.flaky
  totals.failed += playwright.stats.unexpected
  totals.skipped += playwright.stats.skipped
  totals.flaky += playwright.stats.flaky
}
if (failedStep && totals.failed === 0) totals.failed = 1 // a failed build, type-check or lint counts as a failure
console.log(`\n${timings.join(' · ')}${failedStep ? ` · FAILED at ${failedStep}` : ''}`)
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
// Counted as passed above; said here so a retry is never silent (only perf.spec allows one).
if (totals.flaky > 0) console.log(`of those passed, ${totals.flaky} failed first and passed on the retry (see the report)`)
process.exit(failedStep ? 1 : 0)

/**
 * npx and npm are .cmd scripts on Windows, which Node starts only through a shell; the commands above
 * have no argument that needs quoting, so the shell gets them joined.
 */
function run([command, ...args], options) {
  return process.platform === 'win32' ? spawnSync([command, ...args].join(' '), { ...options, shell: true }) : spawnSync(command, args, options)
}

function readJson(file) {
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null
  } catch {
    return null
  }
}
