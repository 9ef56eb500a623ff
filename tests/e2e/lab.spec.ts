// The Lab tab against the real host: real lab processes, real signals, real exit codes.
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ALIVE, cell, expect, labRows, labTree, runScenario, runScriptSource, test } from './fixtures'

const SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url))

test('the page says what it is and lists the scenarios', async ({ app }) => {
  await expect(app).toHaveTitle('ProcLab')
  await expect(app.locator('html')).toHaveAttribute('lang', 'en')
  await expect(app.getByRole('heading', { level: 1 })).toHaveText('ProcLab')
  for (const id of ['join', 'join-serial', 'long-sleeper']) {
    await expect(app.locator(`input[name="scenario"][value="${id}"]`)).toHaveCount(1)
  }
  // Scenario text comes from the host; the card shows the current language's (face-shell.spec.ts switches it).
  const join = app.locator('label.scenario-option', { has: app.locator('input[value="join"]') })
  await expect(join.locator('.scenario-title')).not.toBeEmpty()
  await expect(join.locator('.scenario-lesson')).not.toBeEmpty()
  await expect(app.getByRole('tab', { name: 'Lab' })).toHaveAttribute('aria-selected', 'true')
})

test('the join scenario: three children appear under the lab main and all exit with 0', async ({ app }, testInfo) => {
  await runScenario(app, 'join')
  const children = labTree(app).locator('tbody tr[aria-level="2"]')
  await expect(children).toHaveCount(3)
  await expect(labRows(app)).toHaveCount(4) // the lab main and its three children
  await expect(children.first().locator('td[data-col="ppid"]')).toHaveText((await cell(labRows(app).first(), 'pid').textContent()) ?? 'no pid')

  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 15_000 })
  for (const row of await labRows(app).all()) {
    await expect(cell(row, 'state')).toHaveText('exited')
    await expect(cell(row, 'exit')).toHaveText('0')
  }

  // They slept 1, 2 and 3 s, so each lived at least that long. (No upper bound: on a busy
  // 2-core machine, starting a Node child can take a second or more.)
  const lifetimes = (await children.locator('td[data-col="uptime"]').allTextContents()).map((text) => parseFloat(text)).sort((a, b) => a - b)
  expect(lifetimes).toHaveLength(3)
  lifetimes.forEach((seconds, i) => expect(seconds).toBeGreaterThanOrEqual(i + 1))
  await expect(app.getByRole('log', { name: /Output/ })).toContainText('child 3 woke after 3 s')

  // Select the longest sleeper so the screenshot shows a filled details panel.
  await children.last().click()
  await expect(app.getByRole('heading', { name: /^Details: / })).toBeVisible()
  await app.getByRole('log', { name: /Output/ }).evaluate((el) => (el.scrollTop = el.scrollHeight))
  const shot = await app.screenshot({ path: testInfo.outputPath('lab-after-join.png') })
  await testInfo.attach('lab-after-join', { body: shot, contentType: 'image/png' })
  // The README's screenshot is refreshed on request only, so a test run leaves the tree clean.
  if (process.env.PROCLAB_UPDATE_SCREENSHOT === '1') {
    if (!existsSync(new URL('../../docs', import.meta.url))) mkdirSync(new URL('../../docs', import.meta.url))
    await app.screenshot({ path: SCREENSHOT })
    expect(statSync(SCREENSHOT).size).toBeLessThanOrEqual(300 * 1024)
  }
})

test('kill from a row: the confirm dialog sends SIGTERM and the exit code is -15', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRows(app).filter({ has: app.locator('td[data-col="name"]', { hasText: 'sleeper' }) })
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)

  const dialog = app.getByRole('dialog', { name: 'Send a signal' })
  const killButton = sleeper.getByRole('button', { name: /^Kill/ })

  // Esc backs out without sending anything.
  await killButton.click()
  await expect(dialog).toBeVisible()
  // A Linux host offers every signal, in order (a Windows host says it has only SIGTERM and SIGKILL: kill-signals.test.ts).
  await expect(dialog.getByRole('radio')).toHaveCount(6)
  expect(await dialog.locator('.signal-name').allTextContents()).toEqual(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSTOP', 'SIGCONT'])
  await expect(dialog.getByRole('radio', { name: /SIGTERM/ })).toBeChecked()
  await expect(dialog.getByRole('radio', { name: /SIGTERM/ })).toBeFocused()
  await app.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(killButton).toBeFocused()
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)

  await killButton.click()
  await dialog.getByRole('button', { name: 'Send SIGTERM' }).click()
  await expect(dialog).toBeHidden()
  await expect(cell(sleeper, 'exit')).toHaveText('-15')
  await expect(cell(sleeper, 'state')).toHaveText('exited')
  // Its parent joined it and then finished.
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/)
})

test('join from a row shows "waiting…" until the process ends, then its exit code', async ({ app }) => {
  // The ten-minute sleeper: the join surely waits, however busy the machine (a 3 s child may not).
  await runScenario(app, 'long-sleeper')
  const sleeper = labRows(app).filter({ has: app.locator('td[data-col="name"]', { hasText: 'sleeper' }) })
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  await sleeper.getByRole('button', { name: /^Join/ }).click()
  await expect(cell(sleeper, 'exit')).toHaveText('waiting…')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  // It ends when the process does.
  await sleeper.getByRole('button', { name: /^Kill/ }).click()
  await app.getByRole('dialog', { name: 'Send a signal' }).getByRole('button', { name: 'Send SIGTERM' }).click()
  await expect(cell(sleeper, 'exit')).toHaveText('-15', { timeout: 15_000 })
  await expect(cell(sleeper, 'state')).toHaveText('exited')
})

test('the picker marks the scenario on screen, after a reload too; Enter on a scenario runs it; a script run marks none', async ({ app }) => {
  const picker = app.getByRole('group', { name: 'Scenario' })
  const hello = picker.getByRole('radio', { name: 'Two ways to start a process' })
  await hello.focus()
  await app.keyboard.press('Enter')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 30_000 })
  const current = app.getByTestId('current-scenario')
  await expect(current).toHaveCount(1)
  await expect(app.locator('.scenario-option.current input')).toHaveAttribute('value', 'hello')

  // Another scenario chosen, then the page reloaded: the choice follows what is on screen.
  await app.locator('input[name="scenario"][value="join"]').check()
  await app.reload()
  await expect(app.locator('.scenario-option.current input')).toHaveAttribute('value', 'hello')
  await expect(app.locator('input[name="scenario"][value="hello"]')).toBeChecked()

  // A script's run is no scenario.
  await runScriptSource(app, "export default async function main() { console.log('mine') }\n")
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 30_000 })
  await expect(current).toHaveCount(0)
})

test('a script path that does not exist gets a clear error', async ({ app }) => {
  const missing = '/nonexistent/proclab-e2e/no-such-script.mjs'
  await app.getByLabel('Script path').fill(missing)
  await app.getByRole('button', { name: 'Run script' }).click()
  const alert = app.getByRole('alert').filter({ hasText: 'no-such-script.mjs' })
  await expect(alert).toBeVisible()
  await expect(alert).toContainText(/could not start/i)
  await expect(labRows(app)).toHaveCount(0)
})

test('the lab tree is a keyboard-operable treegrid', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const rows = labRows(app)
  await expect(rows).toHaveCount(2)
  // A UI that connects mid-run catches up from the host's snapshot.
  await app.reload()
  await expect(rows).toHaveCount(2)
  await expect(cell(rows.nth(1), 'state')).toHaveText(ALIVE)
  await expect(app.getByRole('treegrid', { name: 'Lab processes' })).toBeVisible()
  const [main, sleeper] = [rows.nth(0), rows.nth(1)]
  await expect(main).toHaveAttribute('aria-level', '1')
  await expect(main).toHaveAttribute('aria-expanded', 'true')
  await expect(sleeper).toHaveAttribute('aria-level', '2')

  await main.focus()
  await app.keyboard.press('ArrowDown')
  await expect(sleeper).toBeFocused()
  await expect(sleeper).toHaveAttribute('aria-selected', 'true')
  await expect(app.getByRole('heading', { name: 'Details: sleeper' })).toBeVisible()
  await app.keyboard.press('ArrowLeft') // a leaf: to its parent
  await expect(main).toBeFocused()
  await app.keyboard.press('ArrowLeft') // expanded: collapse
  await expect(main).toHaveAttribute('aria-expanded', 'false')
  await expect(rows).toHaveCount(1)
  await app.keyboard.press('ArrowRight') // collapsed: expand
  await expect(rows).toHaveCount(2)
  // Only one row is in the tab order.
  await expect(labTree(app).locator('tr[tabindex="0"]')).toHaveCount(1)
  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(cell(sleeper, 'state')).toHaveText('exited')
  // Stop ended both with SIGTERM, and both rows say so: also the sleeper, whose parent ended with it
  // and so could not report its exit (the host records the signal it sent).
  await expect(cell(main, 'exit')).toHaveText('-15')
  await expect(cell(sleeper, 'exit')).toHaveText('-15')
})
