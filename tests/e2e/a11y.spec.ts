// WCAG 2.1 AA as axe-core can check it, on both tabs and the dialogs, in both colour schemes (from the
// OS and forced by the theme control), in English and in Chinese.
import { axeViolations } from './axe'
import type { Page } from '@playwright/test'
import { ALIVE, cell, chooseLanguage, chooseTheme, expect, labRow, labRows, runScenario, test } from './fixtures'

async function expectNoViolations(page: Page, where: string): Promise<void> {
  const started = Date.now()
  const summary = await axeViolations(page)
  test.info().annotations.push({ type: 'axe', description: `${where}: ${Date.now() - started} ms` })
  expect(summary, `${where}:\n${summary.join('\n')}`).toEqual([])
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no axe violations in the ${colorScheme} scheme`, async ({ app, server }) => {
    // Each axe pass injects and runs ~500 KB of script: seconds apiece on a busy 2-core machine.
    test.setTimeout(240_000)
    await app.emulateMedia({ colorScheme })
    await runScenario(app, 'long-sleeper')
    const sleeper = labRows(app).filter({ has: app.locator('td[data-col="name"]', { hasText: 'sleeper' }) })
    await expect(cell(sleeper, 'state')).toHaveText(ALIVE)
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

// The theme control overrides the OS: each forced theme is checked on an OS set to the other one,
// with the UI in Chinese (other words, other widths), the details drawer, the row menu and the help open.
for (const theme of ['light', 'dark'] as const) {
  test(`no axe violations with the ${theme} theme forced, in Chinese`, async ({ app }) => {
    test.setTimeout(240_000)
    await app.emulateMedia({ colorScheme: theme === 'light' ? 'dark' : 'light' })
    await chooseTheme(app, theme)
    await chooseLanguage(app, 'zh')
    await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN')
    await app.locator('input[name="scenario"][value="long-sleeper"]').check()
    await app.getByRole('button', { name: '运行', exact: true }).click()
    const sleeper = labRow(app, 'sleeper')
    await expect(cell(sleeper, 'state')).toHaveText(/^(运行中|休眠中)$/)
    await sleeper.click()
    await expect(app.getByRole('heading', { name: '详情: sleeper' })).toBeVisible()
    // The run was started in Chinese: the scenario prints in Chinese too.
    await expect(app.getByRole('log', { name: /输出/ })).toContainText('要睡十分钟')
    await expectNoViolations(app, `Lab tab, ${theme} theme, zh`)

    await sleeper.click({ button: 'right' })
    await expect(app.getByRole('menu')).toBeVisible()
    await expectNoViolations(app, `Row menu, ${theme} theme, zh`)
    await app.keyboard.press('Escape')

    await app.keyboard.press('?')
    await expect(app.getByRole('dialog', { name: '键盘快捷键' })).toBeVisible()
    await expectNoViolations(app, `Help, ${theme} theme, zh`)
    await app.keyboard.press('Escape')
  })
}
