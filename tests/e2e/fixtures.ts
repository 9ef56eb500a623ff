// Every test gets its own `proclab serve` (the real host with real lab processes) and a page
// opened on the URL it prints. One server per test keeps runs from leaking into each other.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, expect, type Locator, type Page } from '@playwright/test'
import { removeFakeProc, writeFakeProc, type FakeProcOptions } from '../helpers/fake-proc'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const READY = /ProcLab UI: (\S+)/
const START_TIMEOUT_MS = 15_000

export interface ProclabServer {
  url: string
  pid: number
  /** The simulated /proc the server's monitor reads (the fakeProc option), or null for the machine's. */
  procRoot: string | null
  /** Everything the server wrote, for failure messages. */
  log: () => string
  /** Ends the server now (the fixture copes with a server that is already gone). */
  stop: () => Promise<void>
}

async function startServer(niceness: number, procRoot: string | null): Promise<{ server: ProclabServer; child: ChildProcess }> {
  // `nice` keeps a load generator (the host and its lab processes) from starving the browser being measured.
  const [command, args] = niceness > 0 ? ['nice', ['-n', String(niceness), process.execPath]] : [process.execPath, []]
  const child = spawn(command, [...args, 'bin/proclab.js', 'serve', '--port', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Playwright sets FORCE_COLOR for its workers; lab children would inherit it and colour their output.
    env: { ...process.env, FORCE_COLOR: undefined, ...(procRoot === null ? {} : { PROCLAB_PROC_ROOT: procRoot }) },
  })
  let output = ''
  const log = () => output
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proclab serve printed no 'ProcLab UI:' line in ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = READY.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`proclab serve exited early (code ${code}, signal ${signal}):\n${output}`))
    })
  })
  return { server: { url, pid: child.pid ?? -1, procRoot, log, stop: () => stopServer(child) }, child }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // SIGTERM lets the host end its lab processes; SIGKILL only if it hangs.
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

export const test = base.extend<{ server: ProclabServer; app: Page; allowedConsoleErrors: RegExp | null; serverNice: number; fakeProc: FakeProcOptions | null }>({
  /** Niceness of the `proclab serve` under test and so of its lab processes (0: as the test runner). */
  serverNice: [0, { option: true }],
  /** Console errors a test expects (a test that stops the server sees the socket fail). */
  allowedConsoleErrors: [null, { option: true }],
  /** A simulated /proc for the System tab to show instead of the machine's (see fake-proc.ts); null: the real one. */
  fakeProc: [null, { option: true }],
  server: async ({ serverNice, fakeProc }, use, testInfo) => {
    const procRoot = fakeProc === null ? null : writeFakeProc(fakeProc)
    try {
      const { server, child } = await startServer(serverNice, procRoot)
      try {
        await use(server)
      } finally {
        await stopServer(child)
        if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('proclab-serve.log', { body: server.log(), contentType: 'text/plain' })
      }
    } finally {
      if (procRoot !== null) removeFakeProc(procRoot)
    }
  },
  /** The UI, loaded and connected to the host. */
  app: async ({ page, server, allowedConsoleErrors }, use) => {
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() !== 'error' || allowedConsoleErrors?.test(message.text())) return
      problems.push(`console error: ${message.text()}`)
    })
    await page.goto(server.url)
    // By attribute, not text: the words depend on the UI's language.
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connected', 'true')
    await use(page)
    // A CSP violation or an uncaught exception is a bug even if the test's checks passed.
    expect(problems, problems.join('\n')).toEqual([])
  },
})

export { expect }

/** By class, not accessible name: the name is translated (lab.spec.ts checks the English one). */
export function labTree(page: Page): Locator {
  return page.locator('table.lab-tree[role="treegrid"]')
}

/** The lab tree's body rows (the header row has no data-row-key). */
export function labRows(page: Page): Locator {
  return labTree(page).locator('tbody tr[role="row"]')
}

export function cell(row: Locator, column: 'name' | 'pid' | 'ppid' | 'state' | 'exit' | 'cpu' | 'memory' | 'uptime' | 'actions'): Locator {
  return row.locator(`td[data-col="${column}"]`)
}

export async function runScenario(page: Page, id: string): Promise<void> {
  await page.locator(`input[name="scenario"][value="${id}"]`).check()
  await page.getByRole('button', { name: 'Run', exact: true }).click()
}

/**
 * Runs a lab script whose source is `source` through the Script path form. The script is written to
 * the test's own output folder (test-results/…), which Playwright empties before the next run.
 */
export async function runScriptSource(page: Page, source: string, name = 'lab.mjs'): Promise<void> {
  const script = test.info().outputPath(name)
  mkdirSync(dirname(script), { recursive: true })
  writeFileSync(script, source)
  await page.getByLabel('Script path').fill(script)
  await page.getByRole('button', { name: 'Run script' }).click()
}

/** The lab tree's row of the process with this name. */
export function labRow(page: Page, name: string): Locator {
  return labRows(page).filter({ has: page.locator('td[data-col="name"] .proc-name', { hasText: new RegExp(`^${name}$`) }) })
}

/** Picks a theme in the header's control; its label is "Theme" in English, "主题" in Chinese. */
export async function chooseTheme(page: Page, theme: 'system' | 'light' | 'dark'): Promise<void> {
  await page.locator('#theme-select').selectOption(theme)
}

export async function chooseLanguage(page: Page, locale: 'en' | 'zh'): Promise<void> {
  await page.locator('#language-select').selectOption(locale)
}

/** The body's computed background: what a theme switch visibly changes. */
export async function pageBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor)
}

/**
 * Presses the mouse on the middle of `target` and keeps it down (the caller releases it with
 * page.mouse.up()), for tests of what happens between a click's press and its release. Returns
 * where the target was at the press.
 */
export async function pressAndHold(page: Page, target: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await target.boundingBox()
  if (!box) throw new Error(`pressAndHold: ${target} is not on screen`)
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  return box
}

/** A live process's State: running, or (since the State says what it waits for) sleeping in proclab's sleep(). */
export const ALIVE = /^(running|sleeping)$/
