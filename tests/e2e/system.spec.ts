// The System tab: the machine's real process tree, with the lab's own processes marked.
import { cell, expect, labRows, runScenario, test } from './fixtures'

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
  // The filter keeps the match's ancestors, so the row sits below its parent (the lab main).
  expect(Number(await row.getAttribute('aria-level'))).toBeGreaterThan(1)

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
