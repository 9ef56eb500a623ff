// WCAG 2.1 AA as axe-core can check it, on both tabs and the dialog, in both colour schemes.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { cell, expect, labRows, runScenario, test } from './fixtures'

async function expectNoViolations(page: Page, where: string): Promise<void> {
  const started = Date.now()
  const results = await new AxeBuilder({ page }).analyze()
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`)
  test.info().annotations.push({ type: 'axe', description: `${where}: ${Date.now() - started} ms` })
  expect(summary, `${where}:\n${summary.join('\n')}`).toEqual([])
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no axe violations in the ${colorScheme} scheme`, async ({ app, server }) => {
    // Each axe pass injects and runs ~500 KB of script: seconds apiece on a busy 2-core machine.
    test.setTimeout(120_000)
    await app.emulateMedia({ colorScheme })
    await runScenario(app, 'long-sleeper')
    const sleeper = labRows(app).filter({ has: app.locator('td[data-col="name"]', { hasText: 'sleeper' }) })
    await expect(cell(sleeper, 'state')).toHaveText('running')
    await sleeper.click()
    await expect(app.getByRole('log', { name: /Output/ })).toContainText('sleeping')
    await expectNoViolations(app, `Lab tab, ${colorScheme}`)

    await sleeper.getByRole('button', { name: /^Kill/ }).click()
    await expect(app.getByRole('dialog', { name: 'Send a signal' })).toBeVisible()
    await expectNoViolations(app, `Kill dialog, ${colorScheme}`)
    await app.keyboard.press('Escape')

    const pid = ((await cell(sleeper, 'pid').textContent()) ?? '').trim() // (hidden once the tab changes)
    await app.getByRole('tab', { name: 'System' }).click()
    const systemRows = app.getByRole('treegrid', { name: 'System processes' }).locator('tbody tr')
    await expect(systemRows.first()).toBeVisible()
    // Every row is built alike, so a filtered tree (the sleeper and its ancestors: the lab main, the
    // host, ... init) checks the same markup as hundreds of rows, in a fraction of the time.
    await app.getByLabel('Filter').fill(pid)
    const sleeperRow = systemRows.and(app.locator(`[data-pid="${pid}"]`))
    await expect(sleeperRow.locator('.lab-badge')).toBeVisible()
    await expect(systemRows.and(app.locator(`[data-pid="${server.pid}"]`))).toBeVisible()
    await sleeperRow.click()
    await expectNoViolations(app, `System tab, ${colorScheme}`)
  })
}
