// The Sessions tab against the real host: exports downloaded and parsed, a session replayed with
// the scrubber and at 10×, and a session the UI cannot read refused clearly, then deleted.
// The tests' servers share one data folder, so each test finds its own session by file name.
import { axeViolations } from './axe'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { fileURLToPath } from 'node:url'
import { chooseTheme, cell, expect, labRows, labTree, runScenario, test, type ProclabServer } from './fixtures'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

function sessionId(server: ProclabServer): string {
  const file = /session log: (\S+)/.exec(server.log())?.[1]
  if (!file) throw new Error(`proclab serve did not say where it records:\n${server.log()}`)
  return basename(file)
}

async function openSessionsTab(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Sessions' }).click()
  await expect(page.getByRole('heading', { name: 'Recorded sessions' })).toBeVisible()
}

function sessionRow(page: Page, id: string): Locator {
  return page.locator(`tr[data-session-id="${id}"]`)
}

interface Row {
  name: string
  pid: string
  exit: string
}

async function labTable(page: Page): Promise<Row[]> {
  const rows: Row[] = []
  for (const row of await labRows(page).all()) {
    rows.push({
      name: ((await cell(row, 'name').locator('.proc-name').textContent()) ?? '').trim(),
      pid: ((await cell(row, 'pid').textContent()) ?? '').trim(),
      exit: ((await cell(row, 'exit').textContent()) ?? '').trim(),
    })
  }
  return rows
}

/** axe on a part of the page: the shared test folder lists hundreds of sessions alike, and a full pass takes minutes on a busy machine. */
async function axe(page: Page, where: string, include: string[]): Promise<void> {
  const summary = await axeViolations(page, { include })
  expect(summary, `${where}:\n${summary.join('\n')}`).toEqual([])
}

test('a run is exported in every format, then replayed to the same processes and exit codes', async ({ app, server }) => {
  test.setTimeout(240_000)
  const id = sessionId(server)
  await runScenario(app, 'join')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 30_000 })
  const live = await labTable(app)
  expect(live).toHaveLength(4)
  expect(live.every((r) => r.exit === '0')).toBe(true)

  await openSessionsTab(app)
  const row = sessionRow(app, id)
  // The first listing reads every session in the shared test folder (hundreds): room for a busy machine.
  await expect(row).toContainText('recording now', { timeout: 30_000 })
  await expect(row.locator('td[data-col="runs"]')).toContainText('join: start all, then wait')
  await expect(row.getByRole('button', { name: /^Delete/ })).toBeDisabled()

  const checks: Record<string, (text: string) => void> = {
    ndjson: (text) => {
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { seq?: number; kind?: string; proclab?: string })
      expect(lines[0]?.proclab).toBe('session')
      expect(lines.filter((l) => l.kind === 'process.exit')).toHaveLength(4)
    },
    csv: (text) => {
      const rows = text.split('\r\n')
      expect(rows[0]).toBe('seq,t_us,wall,kind,pid,name,object,value,detail')
      expect(rows.filter((r) => r.includes(',process.exit,'))).toHaveLength(4)
    },
    'chrome-trace': (text) => {
      const trace = JSON.parse(text) as { traceEvents: Array<{ ph: string; name: string; args?: { name?: string } }> }
      const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args?.name)
      for (const r of live) expect(names).toContain(`${r.name} (${r.pid})`)
    },
  }
  const events = row.locator('td[data-col="events"]')
  for (const [format, check] of Object.entries(checks)) {
    const before = Number((await events.textContent())?.replace(/\D/g, ''))
    await row.getByLabel(/^Export format/).selectOption(format)
    await row.getByRole('button', { name: /^Export the session/ }).click()
    // The export is recorded in this very session: its count of events moves on.
    await expect.poll(async () => Number((await events.textContent())?.replace(/\D/g, '')), { timeout: 15_000 }).toBeGreaterThan(before)
    const link = row.getByTestId('export-download')
    // Named for the run and the session's local start: join_2026-12-06_09-35-08.csv
    const extension = { ndjson: 'ndjson', csv: 'csv', 'chrome-trace': 'trace\\.json' }[format]
    await expect(link).toHaveAttribute('href', new RegExp(`^/export/join_\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}(-\\d+)?\\.${extension}\\?token=`))
    const [download] = await Promise.all([app.waitForEvent('download'), link.click()])
    const path = await download.path()
    check(readFileSync(path, 'utf8'))
  }
  await axe(app, 'Sessions tab', ['.sessions-head', '.sessions-intro', '.sessions-table thead', `tr[data-session-id="${id}"]`])

  await row.getByRole('button', { name: /^Open the session/ }).click()
  await expect(app.getByRole('tab', { name: 'Lab' })).toHaveAttribute('aria-selected', 'true')
  await expect(app.getByTestId('replay-banner')).toContainText(/^Replaying .*join: start all, then wait — read-only$/)
  const slider = app.getByRole('slider', { name: 'Replay position' })
  // Opened at the start: the run has begun, nothing has started yet.
  await expect(labRows(app)).toHaveCount(0)

  // Half-way the children are alive; replay is read-only, so there is no Kill or Join.
  const max = Number(await slider.getAttribute('max'))
  await slider.fill(String(Math.round(max / 2)))
  await expect(labTree(app).locator('tbody tr .state-running').first()).toBeVisible()
  await expect(labTree(app).getByRole('button', { name: /^(Kill|Join)/ })).toHaveCount(0)
  // Nothing can be started or stopped from a replay: the run controls say so, not only the inert panel.
  for (const name of ['Run', 'Stop', 'Re-run']) await expect(app.getByRole('button', { name, exact: true })).toBeDisabled()
  await axe(app, 'Replay, half-way', ['.replay-bar', '.run-summary', '.lab-view'])

  // The keyboard reaches the end: the same processes, pids and exit codes as live.
  await slider.focus()
  await app.keyboard.press('End')
  await expect(labRows(app)).toHaveCount(4)
  expect(await labTable(app)).toEqual(live)
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/)

  // Back to the start and play at 1×: time runs, and Pause stops it.
  await app.keyboard.press('Home')
  await expect(labRows(app)).toHaveCount(0)
  const time = app.getByTestId('replay-time')
  await expect(time).toHaveText(/^0\.0s of /)
  await app.getByRole('button', { name: 'Play' }).click()
  await expect(time).not.toHaveText(/^0\.0s of /)
  await app.getByRole('button', { name: 'Pause', exact: true }).click()
  await expect(app.getByRole('button', { name: 'Play' })).toBeVisible()
  const paused = await time.textContent()
  expect(paused).not.toMatch(/^0\.0s of /)
  await app.waitForTimeout(500)
  await expect(time).toHaveText(paused ?? '')

  // At 10× the rest of the run plays through to the end, where playback stops by itself.
  await app.getByRole('radio', { name: '10×' }).check()
  await app.getByRole('button', { name: 'Play' }).click()
  await expect(app.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 30_000 })
  await expect(labRows(app)).toHaveCount(4)
  expect(await labTable(app)).toEqual(live)
  expect(await slider.inputValue()).toBe(String(max))

  await app.getByRole('button', { name: 'Back to live' }).click()
  await expect(app.getByTestId('replay-bar')).toHaveCount(0)
  await expect(labRows(app)).toHaveCount(4)
  await expect(app.getByRole('button', { name: 'Run', exact: true })).toBeEnabled()
})

test('a session from a newer ProcLab is listed with the reason and can be deleted after confirming', async ({ app }) => {
  // The servers record into the data folder playwright.config.ts sets: a file of our own goes there.
  const dir = join(process.env.XDG_DATA_HOME!, 'proclab', 'sessions')
  mkdirSync(dir, { recursive: true })
  const id = `session-2001-01-01T00-00-00-000Z-${Math.floor(Math.random() * 1e9)}.ndjson`
  writeFileSync(join(dir, id), JSON.stringify({ proclab: 'session', format: 99, version: '9.0.0', platform: 'linux', startedAtWall: 0, hostPid: 1 }) + '\n')
  await openSessionsTab(app)
  const row = sessionRow(app, id)
  await expect(row).toContainText('Cannot be read', { timeout: 30_000 })
  await expect(row).toContainText('newer ProcLab (format 99)')
  await expect(row.getByRole('button', { name: /^Open/ })).toBeDisabled()

  const remove = row.getByRole('button', { name: /^Delete/ })
  const dialog = app.getByRole('dialog', { name: 'Delete this session?' })
  await remove.click()
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await app.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(remove).toBeFocused()
  await expect(row).toHaveCount(1)
  await remove.click()
  await dialog.getByRole('button', { name: 'Delete the session' }).click()
  await expect(row).toHaveCount(0)
})

/** One real `proclab run` of the script `file`, recorded into the tests' data folder; its session file's path. */
function recordRun(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/proclab.js', 'run', file], { cwd: repoRoot, env: { ...process.env, FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      const log = /session log: (\S+)/.exec(stdout)?.[1]
      if (error || !log) reject(new Error(`proclab run ${file} failed: ${String(error)}\n${stdout}\n${stderr}`))
      else resolve(log)
    })
  })
}

test('sessions are listed by what ran, newest first; a filter narrows them, and two selected are deleted together after confirming', async ({ app }) => {
  test.setTimeout(180_000)
  // Three command-line runs of scripts named for this test only, one after another (newest last).
  const tag = `bulk${Math.floor(Math.random() * 1e9)}`
  const scripts = test.info().outputPath('scripts')
  mkdirSync(scripts, { recursive: true })
  const files: string[] = []
  for (const part of ['a', 'b', 'c']) {
    const script = join(scripts, `${tag}-${part}.mjs`)
    writeFileSync(script, `export default async function main() { console.log('${part}') }\n`)
    files.push(await recordRun(script))
  }
  const ids = files.map((f) => basename(f))
  try {
    await openSessionsTab(app)
    const filter = app.getByLabel('Search sessions')
    await filter.fill(tag)
    const rows = app.locator('.sessions-table tbody tr')
    // The shared test folder holds hundreds of sessions: the first listing may take a while.
    await expect(rows).toHaveCount(3, { timeout: 30_000 })
    await expect(app.getByTestId('sessions-shown')).toContainText(/^3 of \d+ sessions shown, newest first$/)
    // Newest first, each by what it ran and how that ended, with its local start time.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-session-id')))).toEqual([ids[2], ids[1], ids[0]])
    for (const [i, part] of ['c', 'b', 'a'].entries()) {
      await expect(rows.nth(i).locator('td[data-col="runs"]')).toContainText(new RegExp(`^\\s*${tag}-${part}\\.mjs\\s+ok in \\d+\\.\\ds\\s*$`))
      await expect(rows.nth(i).getByRole('rowheader')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    }
    // A narrower filter (words in any case) leaves one; clearing it brings the three back.
    await filter.fill(`${tag.toUpperCase()} B.MJS`)
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toHaveAttribute('data-session-id', ids[1]!)
    await filter.fill(tag)
    await expect(rows).toHaveCount(3)

    // Select a and c: by the keyboard for one, the pointer for the other.
    const deleteSelected = app.getByTestId('sessions-delete-selected')
    await expect(deleteSelected).toBeDisabled()
    const boxA = sessionRow(app, ids[0]!).getByRole('checkbox')
    await expect(boxA).toHaveAccessibleName(new RegExp(`^Select the session of .*${tag}-a\\.mjs`))
    await boxA.focus()
    await app.keyboard.press('Space')
    await sessionRow(app, ids[2]!).getByRole('checkbox').check()
    await expect(deleteSelected).toHaveText('Delete selected (2)')
    await axe(app, 'Sessions tab with a selection, light theme', ['.sessions-toolbar', '.sessions-table thead', ...ids.map((id) => `tr[data-session-id="${id}"]`)])

    // Cancel keeps everything; confirming deletes the two.
    const dialog = app.getByRole('dialog', { name: 'Delete 2 sessions?' })
    await deleteSelected.click()
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
    await expect(dialog).toContainText(`${tag}-a.mjs`)
    await expect(dialog).toContainText(`${tag}-c.mjs`)
    await chooseTheme(app, 'dark')
    await axe(app, 'Delete dialog, dark theme', ['dialog'])
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(dialog).toBeHidden()
    await expect(rows).toHaveCount(3)
    expect(files.every((f) => existsSync(f))).toBe(true)

    await deleteSelected.click()
    await dialog.getByRole('button', { name: 'Delete 2 sessions' }).click()
    await expect(dialog).toBeHidden()
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toHaveAttribute('data-session-id', ids[1]!)
    await expect(deleteSelected).toHaveText('Delete selected (0)')
    expect(existsSync(files[0]!)).toBe(false)
    expect(existsSync(files[2]!)).toBe(false)
    expect(existsSync(files[1]!)).toBe(true)
    await axe(app, 'Sessions tab after the delete, dark theme', ['.sessions-toolbar', '.sessions-table thead', `tr[data-session-id="${ids[1]}"]`])

    // The host's answer, not the page's memory: a fresh listing agrees.
    await app.getByRole('button', { name: 'Refresh' }).click()
    await expect(rows).toHaveCount(1)
  } finally {
    for (const file of files) rmSync(file, { force: true })
  }
})
