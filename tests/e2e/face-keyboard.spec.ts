// htop-like keys on the Lab tab, against real lab processes: j joins, t and k signal (after the
// kill dialog's confirmation), Enter opens the details drawer, Esc closes it, / searches.
import { ALIVE, cell, expect, labRow, runScenario, test } from './fixtures'

// Several steps with real processes each: on a busy 2-core machine one step can take seconds.
test.describe.configure({ timeout: 120_000 })

test('j on a selected row joins it: "waiting…" until it ends, then its exit code; j or the row\'s button stops waiting', async ({ app }) => {
  // The ten-minute sleeper: a join on it waits for sure, however slow the machine is.
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  await sleeper.click()
  await expect(sleeper).toBeFocused()
  await app.keyboard.press('j')
  await expect(cell(sleeper, 'exit')).toHaveText('waiting…')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  // The row's button now stops the wait, and so does j again; then a new join.
  const stop = sleeper.getByRole('button', { name: 'Stop waiting for sleeper' })
  await expect(stop).toBeEnabled()
  await app.keyboard.press('j')
  await expect(cell(sleeper, 'exit')).not.toHaveText('waiting…')
  await expect(sleeper.getByRole('button', { name: 'Join sleeper' })).toBeEnabled()
  await app.keyboard.press('j')
  await expect(cell(sleeper, 'exit')).toHaveText('waiting…')
  await stop.click()
  await expect(cell(sleeper, 'exit')).not.toHaveText('waiting…')
  await sleeper.focus()
  await app.keyboard.press('j')
  await expect(cell(sleeper, 'exit')).toHaveText('waiting…')
  // The join ends when the process does.
  await app.keyboard.press('k')
  await app.getByRole('dialog', { name: 'Send a signal' }).getByRole('radio', { name: /SIGKILL/ }).check()
  await app.getByRole('dialog', { name: 'Send a signal' }).getByRole('button', { name: 'Send SIGKILL' }).click()
  await expect(cell(sleeper, 'exit')).toHaveText('-9', { timeout: 15_000 })
  await expect(cell(sleeper, 'state')).toHaveText('exited')
})

test('t and k ask, on SIGTERM as the Kill button does: Esc backs out, an arrow picks SIGKILL, Enter confirms and the exit code is -9', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  await sleeper.click()
  const dialog = app.getByRole('dialog', { name: 'Send a signal' })

  await app.keyboard.press('t')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('radio', { name: /SIGTERM/ })).toBeChecked()
  await app.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  // The browser closes the dialog at once but tells the page in a later task: wait until the
  // kill store has let go of the target (its form is gone) before the next key.
  await expect(app.locator('dialog.kill-dialog form')).toHaveCount(0)
  await expect(sleeper).toBeFocused()
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)

  await app.keyboard.press('k')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('radio', { name: /SIGTERM/ })).toBeChecked()
  await expect(dialog.getByRole('radio', { name: /SIGTERM/ })).toBeFocused()
  await app.keyboard.press('ArrowDown')
  await expect(dialog.getByRole('radio', { name: /SIGKILL/ })).toBeChecked()
  await app.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(cell(sleeper, 'exit')).toHaveText('-9')
  await expect(cell(sleeper, 'state')).toHaveText('exited')
  await expect(app.getByTestId('lab-details').getByTestId('exit-status')).toContainText('-9 (SIGKILL)')

  // An exited process takes no more signals: k does nothing.
  await sleeper.focus()
  await app.keyboard.press('k')
  await expect(dialog).toBeHidden()
})

test('keys typed into a text box are text: k in the output search kills nothing', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  await sleeper.click()
  await app.keyboard.press('/')
  const search = app.getByRole('searchbox', { name: 'Search output' })
  await expect(search).toBeFocused()
  await app.keyboard.type('kjt?')
  await expect(search).toHaveValue('kjt?')
  await expect(app.getByRole('dialog')).toHaveCount(0)
  await expect(cell(sleeper, 'exit')).not.toHaveText('waiting…')
  // Esc clears the box, a second Esc leaves it.
  await app.keyboard.press('Escape')
  await expect(search).toHaveValue('')
  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(cell(sleeper, 'state')).toHaveText('exited')
})

test('Enter opens the details drawer, Esc closes it and gives the row its focus back', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  const drawer = app.getByTestId('lab-details')
  await sleeper.click()
  await expect(drawer).toBeVisible()
  await app.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await expect(sleeper).toBeFocused()
  await app.keyboard.press('Enter')
  await expect(app.getByRole('heading', { name: 'Details: sleeper' })).toBeVisible()
  // Esc from inside the drawer closes it too.
  await drawer.getByRole('button', { name: 'Close details' }).focus()
  await app.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await expect(sleeper).toBeFocused()
  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(cell(sleeper, 'state')).toHaveText('exited')
})

test('the row menu opens with Shift+F10 and with a right click; join and kill from it', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  await sleeper.click()
  await app.keyboard.press('Shift+F10')
  const menu = app.getByRole('menu')
  await expect(menu).toBeVisible()
  await expect(menu.getByRole('menuitem', { name: 'Details' })).toBeFocused()
  await app.keyboard.press('ArrowDown')
  await expect(menu.getByRole('menuitem', { name: /^Terminate/ })).toBeFocused()
  await app.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await expect(sleeper).toBeFocused()

  // Join waits for a process that sleeps ten minutes...
  await sleeper.click({ button: 'right' })
  await expect(menu).toBeVisible()
  await menu.getByRole('menuitem', { name: 'Join' }).click()
  await expect(menu).toBeHidden()
  await expect(cell(sleeper, 'exit')).toHaveText('waiting…')

  // ...until a kill from the same menu ends it; the join then reports its exit code.
  await sleeper.click({ button: 'right' })
  await menu.getByRole('menuitem', { name: /^Kill/ }).click()
  const dialog = app.getByRole('dialog', { name: 'Send a signal' })
  await expect(dialog.getByRole('radio', { name: /SIGKILL/ })).toBeChecked()
  await dialog.getByRole('button', { name: 'Send SIGKILL' }).click()
  await expect(cell(sleeper, 'exit')).toHaveText('-9')
  await expect(cell(sleeper, 'state')).toHaveText('exited')

  // An exited process: the menu offers nothing that needs a live one.
  await sleeper.click({ button: 'right' })
  await expect(menu.getByRole('menuitem', { name: /^Kill/ })).toBeDisabled()
  await expect(menu.getByRole('menuitem', { name: 'Join' })).toBeDisabled()
  await app.keyboard.press('Escape')
  await expect(menu).toBeHidden()
})

test('on the System tab, / focuses its filter and t terminates the selected process', async ({ app }) => {
  await runScenario(app, 'long-sleeper')
  const sleeper = labRow(app, 'sleeper')
  await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
  const pid = ((await cell(sleeper, 'pid').textContent()) ?? '').trim()

  await app.getByRole('tab', { name: 'System' }).click()
  await app.keyboard.press('/')
  const filter = app.locator('#panel-system input[type="search"]')
  await expect(filter).toBeFocused()
  await app.keyboard.type(pid)
  const row = app.getByRole('treegrid', { name: 'System processes' }).locator(`tbody tr[data-pid="${pid}"]`)
  await row.click()
  await expect(row).toHaveAttribute('aria-selected', 'true')

  const dialog = app.getByRole('dialog', { name: 'Send a signal' })
  await app.keyboard.press('t')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText(`pid ${pid}`)
  await expect(dialog.getByRole('radio', { name: /SIGTERM/ })).toBeChecked()
  await dialog.getByRole('button', { name: 'Send SIGTERM' }).click()
  await expect(dialog).toBeHidden()

  await app.getByRole('tab', { name: 'Lab' }).click()
  await expect(cell(sleeper, 'exit')).toHaveText('-15')
})

test('a key with nothing to act on says so instead of doing nothing', async ({ app }) => {
  await app.getByRole('tab', { name: 'Lab' }).focus()
  await app.keyboard.press('k')
  await expect(app.getByRole('dialog')).toHaveCount(0)
  await expect(app.getByTestId('key-hint')).toHaveText(/Select a running process first/)
  // It goes away by itself.
  await expect(app.getByTestId('key-hint')).toBeEmpty({ timeout: 15_000 })
})

test('Esc from the help overlay puts focus back where ? was pressed, or on the current tab when nothing had focus', async ({ app }) => {
  const help = app.getByRole('dialog', { name: 'Keyboard shortcuts' })
  const labTab = app.getByRole('tab', { name: 'Lab' })
  await labTab.focus()
  await app.keyboard.press('?')
  await expect(help).toBeVisible()
  await app.keyboard.press('Escape')
  await expect(help).toBeHidden()
  await expect(labTab).toBeFocused()

  // Nothing focused (a click on the page's background): focus comes back to the tab, not the body.
  await app.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await app.keyboard.press('?')
  await expect(help).toBeVisible()
  await app.keyboard.press('Escape')
  await expect(help).toBeHidden()
  await expect(labTab).toBeFocused()
})
