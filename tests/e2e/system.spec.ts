// The System tab: the machine's real process tree, with the lab's own processes marked.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { axeViolations } from './axe'
import WebSocket from 'ws'
import { ALIVE, cell, chooseLanguage, expect, labRows, runScenario, test, type ProclabServer } from './fixtures'

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
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
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

/** Sends one command to the host as any client could, past the UI's greying: the host's own answer. */
async function forcedRequest(server: ProclabServer, cmd: string, args: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const url = new URL(server.url)
  const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin })
  try {
    await once(ws, 'open')
    ws.send(JSON.stringify({ id: 1, cmd, args }))
    for (;;) {
      const [data] = (await once(ws, 'message')) as [Buffer]
      const message = JSON.parse(String(data)) as { type: string; id?: number; ok: boolean; error?: { code: string; message: string } }
      if (message.type === 'response' && message.id === 1) return message
    }
  } finally {
    ws.close()
  }
}

test("pid 1's Kill is greyed with the reason, and the host refuses the signal when asked anyway", async ({ app, server }) => {
  await app.getByRole('tab', { name: 'System' }).click()
  const init = app.getByRole('treegrid', { name: 'System processes' }).locator('tbody tr[data-pid="1"]')
  await expect(init).toBeVisible()
  const kill = init.getByRole('button', { name: /^Kill/ })
  await expect(kill).toHaveAttribute('aria-disabled', 'true')
  await expect(kill).toHaveAttribute('title', /^pid 1 \(init\) cannot be signalled/)
  // A click on it opens no dialog: it selects the row, whose details say why. (Playwright waits for
  // an aria-disabled control to become enabled, as a user would not: the click is forced.)
  await kill.click({ force: true })
  await expect(app.getByRole('dialog', { name: 'Send a signal' })).toBeHidden()
  await expect(init).toHaveAttribute('aria-selected', 'true')
  await expect(app.getByTestId('kill-refused')).toHaveText(/^pid 1 \(init\) cannot be signalled/)

  const answer = await forcedRequest(server, 'process.signal', { pid: 1, signal: 'SIGTERM' })
  expect(answer.ok).toBe(false)
  expect(answer.error).toMatchObject({ code: 'refused', message: 'refusing to signal pid 1: it is the system init process' })
})

test('a kill the host refuses after the dialog opened (the process ended) is explained in the dialog', async ({ app }) => {
  const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' })
  const exited = once(sleeper, 'exit')
  try {
    await app.getByRole('tab', { name: 'System' }).click()
    await app.getByLabel('Filter').fill(String(sleeper.pid))
    const row = app.getByRole('treegrid', { name: 'System processes' }).locator(`tbody tr[data-pid="${sleeper.pid}"]`)
    await row.getByRole('button', { name: /^Kill/ }).click()
    const dialog = app.getByRole('dialog', { name: 'Send a signal' })
    await expect(dialog).toBeVisible()
    sleeper.kill('SIGKILL')
    await exited
    await dialog.getByRole('button', { name: 'Send SIGTERM' }).click()
    await expect(dialog.getByRole('alert')).toContainText('Could not send SIGTERM')
    await expect(dialog).toBeVisible()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(dialog).toBeHidden()
  } finally {
    sleeper.kill('SIGKILL')
  }
})

test.describe("a simulated machine looked at by a user who is not root: init and root's processes are not theirs to signal", () => {
  // pid 1 and every third pid are root's; the rest belong to uid 4242, the user looking (fake-proc.ts).
  test.use({ fakeProc: { count: 24, viewerUid: 4242 } })

  test('Kill is greyed and explained where the host would refuse, in both languages; the rest offer the dialog', async ({ app, server }) => {
    await app.getByRole('tab', { name: 'System' }).click()
    // By class and column, not accessible name: the names are translated below.
    const tree = app.locator('table.system-tree[role="treegrid"]')
    await expect(tree).toHaveAttribute('aria-rowcount', '25')
    const killOf = (pid: number) => tree.locator(`tbody tr[data-pid="${pid}"] td[data-col="actions"] button`)
    const rootUser = ((await tree.locator('tbody tr[data-pid="3"] td[data-col="user"]').textContent()) ?? '').trim()
    expect(rootUser).toBe('root')

    await expect(killOf(1)).toHaveAttribute('aria-disabled', 'true')
    await expect(killOf(3)).toHaveAttribute('aria-disabled', 'true')
    await expect(killOf(3)).toHaveAttribute('title', 'Owned by root: you may not signal it.')
    await expect(killOf(2)).not.toHaveAttribute('aria-disabled')
    await expect(killOf(2)).not.toHaveAttribute('title')

    // The user's own process: the dialog, as before.
    await killOf(2).click()
    const dialog = app.getByRole('dialog', { name: 'Send a signal' })
    await expect(dialog).toBeVisible()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(dialog).toBeHidden()

    // root's process: selected, not offered; the details say why, next to a Kill that keeps its focus.
    await killOf(3).click({ force: true })
    await expect(dialog).toBeHidden()
    const details = app.getByRole('region', { name: /^Details/ })
    const detailsKill = details.getByRole('button', { name: 'Kill…' })
    await expect(app.getByTestId('kill-refused')).toHaveText('Owned by root: you may not signal it.')
    await expect(app.getByTestId('kill-refused')).toBeVisible()
    await expect(detailsKill).toHaveAttribute('aria-disabled', 'true')
    await expect(detailsKill).toHaveAccessibleDescription('Owned by root: you may not signal it.')
    // Greyed, yet legible and labelled, in both schemes.
    for (const colorScheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme })
      expect(await axeViolations(app), colorScheme).toEqual([])
    }
    await detailsKill.focus()
    await expect(detailsKill).toBeFocused()
    await app.keyboard.press('Enter')
    await expect(dialog).toBeHidden()
    // The k key says why too, rather than opening the dialog.
    await tree.locator('tbody tr[data-pid="3"]').focus()
    await app.keyboard.press('k')
    await expect(dialog).toBeHidden()
    await expect(app.getByTestId('key-hint')).toHaveText('Owned by root: you may not signal it.')

    await chooseLanguage(app, 'zh')
    await expect(app.getByTestId('kill-refused')).toHaveText('属于用户 root：你无权向它发送信号。')
    // The focused row is always drawn (the others may be scrolled out of the window by now).
    await expect(killOf(3)).toHaveAttribute('title', '属于用户 root：你无权向它发送信号。')
    await chooseLanguage(app, 'en')

    // Asked anyway, the host refuses: these pids are not the user's to signal (nor real ones).
    const answer = await forcedRequest(server, 'process.signal', { pid: 3, signal: 'SIGKILL' })
    expect(answer.ok).toBe(false)
    expect(answer.error?.code).toBe('refused')
  })
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

test('a long command line can be read in the table: the Command column widens by keyboard and by mouse, and stays so after a reload', async ({ app }) => {
  // A real process whose command line is far wider than the column at first.
  const marker = `proclab-long-command-${process.pid}`
  const words = Array.from({ length: 6 }, (_, i) => `--option-${i}=${marker}`)
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', '--', ...words], { stdio: 'ignore' })
  try {
    await app.setViewportSize({ width: 1440, height: 900 })
    await app.getByRole('tab', { name: 'System' }).click()
    await app.getByLabel('Filter').fill(String(child.pid))
    const command = app.locator(`tbody tr[data-pid="${child.pid}"] td[data-col="command"]`)
    await expect(command).toContainText(marker)
    const clipped = () => command.evaluate((el) => el.scrollWidth - el.clientWidth)
    expect(await clipped()).toBeGreaterThan(0)

    // By keyboard: Tab reaches the handle; End gives the column its widest, and the whole line shows.
    const handle = app.getByRole('separator', { name: 'Command column width (rem)' })
    await handle.focus()
    await expect(handle).toBeFocused()
    await app.keyboard.press('End')
    await expect(handle).toHaveAttribute('aria-valuenow', '240')
    await expect.poll(clipped).toBeLessThanOrEqual(0)
    // The table scrolls sideways to it, and the row's Kill stays at the scroller's edge.
    const scroller = app.locator('.system-tree-scroll')
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true)
    await app.keyboard.press('Home')
    await expect(handle).toHaveAttribute('aria-valuenow', '12')
    await expect.poll(clipped).toBeGreaterThan(0)
    await app.keyboard.press('ArrowRight')
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBeGreaterThan(12)

    // By mouse: a drag of 400 px widens the column by as much (25 rem at 16 px).
    await app.keyboard.press('Home')
    const before = await clipped()
    const box = (await handle.boundingBox())!
    await app.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await app.mouse.down()
    await app.mouse.move(box.x + box.width / 2 + 400, box.y + box.height / 2, { steps: 5 })
    await app.mouse.up()
    await expect.poll(async () => Number(await handle.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(12 + 24)
    expect(before - (await clipped())).toBeGreaterThanOrEqual(380)
    const dragged = await handle.getAttribute('aria-valuenow')

    // Remembered.
    await app.reload()
    await app.getByRole('tab', { name: 'System' }).click()
    await expect(app.getByRole('separator', { name: 'Command column width (rem)' })).toHaveAttribute('aria-valuenow', dragged!)
    await app.getByLabel('Filter').fill(String(child.pid))
    await expect(command).toContainText(marker)
    expect(await clipped()).toBeLessThan(before - 380)
  } finally {
    child.kill('SIGKILL')
  }
})
