// Deadlocks named, on real processes and a real browser: deadlock-two-locks puts up the banner that
// reads the cycle (worker-1 → waits for → lock-b → held by → worker-2 → ...), it stays readable
// once main has ended the deadlock, axe finds nothing in it in either colour scheme or language, and
// its button, from the keyboard, opens the timeline on just those two processes.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { chooseLanguage, chooseTheme, expect, runScenario, test } from './fixtures'

async function expectBannerAccessible(page: Page, where: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(page, theme)
    const results = await new AxeBuilder({ page }).include('.deadlock-banners').analyze()
    const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`)
    expect(summary, `${where}, ${theme}:\n${summary.join('\n')}`).toEqual([])
    const path = test.info().outputPath(`${where.replace(/\W+/g, '-')}-${theme}.png`)
    await page.locator('.deadlock-banners').screenshot({ path })
    await test.info().attach(`${where}, ${theme}`, { path, contentType: 'image/png' })
  }
}

test('deadlock-two-locks: the banner names both workers and both locks, and opens them on the timeline', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'deadlock-two-locks')

  // While they are deadlocked, an alert reads the cycle, step by step.
  const alert = app.getByRole('alert').filter({ hasText: 'Deadlock' })
  await expect(alert).toBeVisible({ timeout: 30_000 })
  const steps = alert.getByRole('list', { name: 'The cycle of waits' }).getByRole('listitem')
  await expect(steps).toHaveText([/worker-1\s*→ waits for →\s*lock-b\s*→ held by →\s*worker-2/, /worker-2\s*→ waits for →\s*lock-a\s*→ held by →\s*worker-1/])
  await expectBannerAccessible(app, 'deadlock found')

  // Main terminates them: the banner stays, as a status that says how it ended.
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 60_000 })
  const banner = app.getByTestId('deadlock-banner')
  await expect(banner).toHaveAttribute('role', 'status')
  await expect(banner).toContainText(/Deadlock \(over\)/)
  await expect(banner).toContainText(/It ended when worker-\d exited or was killed/)
  await expectBannerAccessible(app, 'deadlock over')

  await chooseLanguage(app, 'zh')
  await expect(banner).toContainText('死锁（已结束）')
  await expect(banner.getByRole('listitem').first()).toContainText(/worker-1\s*→ 等待 →\s*lock-b\s*→ 持有者 →\s*worker-2/)
  await expectBannerAccessible(app, 'deadlock over, zh')
  await chooseLanguage(app, 'en')

  // From the keyboard: the button opens the timeline on the two workers only, and focus lands on its tab.
  const open = banner.getByRole('button', { name: 'Show these processes on the timeline' })
  await open.focus()
  await app.keyboard.press('Enter')
  await expect(app.locator('#tab-timeline')).toBeFocused()
  await expect(app.locator('#panel-timeline')).toBeVisible()
  await expect(app.getByTestId('timeline-focus')).toHaveText(/Showing only worker-1, worker-2\./)
  const lanes = app.locator('#panel-timeline table tbody th')
  await expect(lanes.filter({ hasText: /worker-/ })).toHaveCount(2)
  await expect(lanes.filter({ hasText: /MainProcess/ })).toHaveCount(0)
  await app.getByRole('button', { name: 'Show all processes' }).click()
  await expect(app.getByTestId('timeline-focus')).toHaveCount(0)
  await expect(lanes.filter({ hasText: /MainProcess/ })).not.toHaveCount(0)
})
