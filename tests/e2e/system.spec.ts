// The System tab: the machine's real process tree, with the lab's own processes marked.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { cell, expect, labRows, runScenario, test } from './fixtures'

/** Pids whose parent is `pid`, from /proc, excluding zombies (ended, waiting to be reaped). */
function runningChildren(pid: number): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(ppid) === pid && state !== 'Z') found.push(Number(entry))
    } catch {
      // ended while we looked
    }
  }
  return found
}

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

test('a lab process shows up in the system tree, marked, and can be killed from there', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRows(app).filter({ has: app.locator('td[data-col="name"]', { hasText: 'sleeper' }) })
  await expect(cell(sleeper, 'state')).toHaveText('running')
  const pid = ((await cell(sleeper, 'pid').textContent()) ?? '').trim()
  expect(pid).toMatch(/^\d+$/)

  await app.getByRole('tab', { name: 'System' }).click()
  const tree = app.getByRole('treegrid', { name: 'System processes' })
  await expect(tree.locator('tbody tr[role="row"]').first()).toBeVisible()

  await app.getByLabel('Filter').fill(pid)
  const row = tree.locator(`tbody tr[data-pid="${pid}"]`)
  await expect(row).toBeVisible()
  await expect(row.locator('.lab-badge')).toHaveText('lab')
  // It goes by the name the lab gave it, with the OS's name beside it.
  await expect(row.locator('.proc-name')).toHaveText('sleeper')
  await expect(row.locator('.os-name')).toHaveText(/^node/)
  // The filter keeps the match's ancestors, so the row sits below its parent (the lab main).
  expect(Number(await row.getAttribute('aria-level'))).toBeGreaterThan(1)
  // The count says how many of the machine's processes are on screen.
  await expect(app.getByTestId('system-count')).toHaveText(/^\d+ of \d+ processes$/)

  // Only lab: the run's two processes, under their lab names.
  await app.getByLabel('Filter').fill('')
  await app.getByRole('button', { name: 'Only lab' }).click()
  await expect(tree.locator('tbody tr[role="row"] .proc-name')).toHaveText(['MainProcess', 'sleeper'])
  await expect(app.getByTestId('system-count')).toHaveText(/^2 of \d+ processes$/)
  await app.getByRole('button', { name: 'Only lab' }).click()
  await app.getByLabel('Filter').fill(pid)

  await row.click()
  await expect(app.getByRole('heading', { name: /^Details: / })).toBeVisible()
  // A 2 s refresh keeps the ended row on screen longer than expect's longest gap between checks (1 s).
  await app.getByLabel('Refresh every').selectOption('2000')
  await row.getByRole('button', { name: /^Kill/ }).click()
  const dialog = app.getByRole('dialog', { name: 'Send a signal' })
  await dialog.getByRole('radio', { name: /SIGKILL/ }).check()
  await dialog.getByRole('button', { name: 'Send SIGKILL' }).click()
  await expect(dialog).toBeHidden()
  // The first sample without it shows it greyed out as ended, rather than the rows below jumping up.
  await expect(row).toHaveAttribute('data-vanished', 'true')
  await expect(row.getByRole('button', { name: /^Kill/ })).toBeDisabled()
  await expect(row).toHaveCount(0) // gone from the sample after that

  await app.getByRole('tab', { name: 'Lab' }).click()
  await expect(cell(sleeper, 'exit')).toHaveText('-9')
})

test('a kill the OS refuses is explained in the dialog', async ({ app }) => {
  await app.getByRole('tab', { name: 'System' }).click()
  const tree = app.getByRole('treegrid', { name: 'System processes' })
  // pid 1 is never ours to kill: the host refuses it.
  const init = tree.locator('tbody tr[data-pid="1"]')
  await expect(init).toBeVisible()
  await init.getByRole('button', { name: /^Kill/ }).click()
  const dialog = app.getByRole('dialog', { name: 'Send a signal' })
  await dialog.getByRole('button', { name: 'Send SIGTERM' }).click()
  await expect(dialog.getByRole('alert')).toContainText('Could not send SIGTERM')
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(init).toBeVisible()
})

test('kill whole tree from the system view: after confirming, a shell and its sleeps all end', async ({ app }) => {
  test.skip(process.platform !== 'linux', 'reads /proc to check the tree')
  const shell = spawn('sh', ['-c', 'sleep 300 & sleep 300 & wait'], { stdio: 'ignore' })
  const shellPid = shell.pid!
  const exited = once(shell, 'exit')
  let sleeps: number[] = []
  try {
    await expect.poll(() => (sleeps = runningChildren(shellPid)).length).toBe(2)

    await app.getByRole('tab', { name: 'System' }).click()
    await app.getByLabel('Filter').fill(String(shellPid))
    const row = app.getByRole('treegrid', { name: 'System processes' }).locator(`tbody tr[data-pid="${shellPid}"]`)
    await expect(row).toBeVisible()
    await row.getByRole('button', { name: /^Kill/ }).click()
    const dialog = app.getByRole('dialog', { name: 'Send a signal' })
    await dialog.getByRole('checkbox', { name: /Whole tree/ }).check()
    // Cancel first: nothing is sent without the confirmation.
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(dialog).toBeHidden()
    expect(sleeps.filter(running)).toHaveLength(2)
    expect(running(shellPid)).toBe(true)

    await row.getByRole('button', { name: /^Kill/ }).click()
    // The dialog opens fresh: one process unless asked again.
    await expect(dialog.getByRole('checkbox', { name: /Whole tree/ })).not.toBeChecked()
    await dialog.getByRole('checkbox', { name: /Whole tree/ }).check()
    await dialog.getByRole('button', { name: 'Send SIGTERM to the tree' }).click()
    await expect(dialog).toBeHidden()
    expect(await exited).toEqual([null, 'SIGTERM'])
    await expect.poll(() => sleeps.filter(running)).toEqual([])
  } finally {
    for (const pid of [shellPid, ...sleeps]) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone, as it should be
      }
    }
  }
})
