// Deadlocks named, on real processes and a real browser: deadlock-two-locks puts up the banner that
// reads the cycle (worker-1 → waits for → lock-b → held by → worker-2 → ...), it stays readable
// once main has ended the deadlock, axe finds nothing in it in either colour scheme or language, and
// its button, from the keyboard, opens the timeline on just those two processes.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { axeViolations } from './axe'
import type { Page } from '@playwright/test'
import { chooseLanguage, chooseTheme, expect, runScenario, runScriptSource, test } from './fixtures'

/** The whole window, kept as an artifact; with PROCLAB_UPDATE_SCREENSHOT=1 also the README's picture (as screens.spec.ts does). */
async function keep(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`)
  await page.screenshot({ path })
  await test.info().attach(name, { path, contentType: 'image/png' })
  if (process.env.PROCLAB_UPDATE_SCREENSHOT === '1') {
    const docs = fileURLToPath(new URL('../../docs/screens/', import.meta.url))
    mkdirSync(docs, { recursive: true })
    await page.screenshot({ path: `${docs}${name}.png` })
  }
}

async function expectBannerAccessible(page: Page, where: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(page, theme)
    const summary = await axeViolations(page, { include: ['.deadlock-banners'] })
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
  // Main may end it while axe runs; the test below holds the alert state for its checks.
  await expectBannerAccessible(app, 'deadlock found or over')

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

/** Two workers deadlocked on two locks and a pipe reader that holds its own write end; main waits for ever. */
const HANGS = `
import { Barrier, Lock, Pipe, Process } from 'proclab'

export async function worker(first, second, bothHoldOne) {
  await first.acquire()
  await bothHoldOne.wait()
  await second.acquire()
}

export async function reader(readEnd, writeEnd) {
  await readEnd.recv()
}

export default async function main() {
  const a = new Lock({ name: 'left' })
  const b = new Lock({ name: 'right' })
  const bothHoldOne = new Barrier(2)
  const [readEnd, writeEnd] = Pipe({ duplex: false })
  const procs = [
    new Process({ target: worker, args: [a, b, bothHoldOne], name: 'alpha' }),
    new Process({ target: worker, args: [b, a, bothHoldOne], name: 'beta' }),
    new Process({ target: reader, args: [readEnd, writeEnd], name: 'lonely-reader' }),
  ]
  for (const p of procs) await p.start()
  await readEnd.close()
  await writeEnd.close()
  for (const p of procs) await p.join()
}
`

test('while a deadlock and a stuck reader last, their alerts are accessible in both themes; Stop ends them', async ({ app }) => {
  test.setTimeout(120_000)
  await app.setViewportSize({ width: 1440, height: 900 })
  await runScriptSource(app, HANGS)
  const deadlock = app.getByRole('alert').filter({ hasText: 'Deadlock' })
  await expect(deadlock.getByRole('listitem')).toHaveText([/alpha\s*→ waits for →\s*right\s*→ held by →\s*beta/, /beta\s*→ waits for →\s*left\s*→ held by →\s*alpha/], { timeout: 30_000 })
  const stuck = app.getByRole('alert').filter({ hasText: 'Stuck' })
  await expect(stuck).toContainText(/lonely-reader waits in recv\(\) on /, { timeout: 30_000 })
  // Nothing ends them but the user: these checks see the alert state, whatever the machine's speed.
  await expectBannerAccessible(app, 'deadlock and stuck reader, open')
  await expect(app.getByTestId('deadlock-banner')).toHaveAttribute('role', 'alert')
  await expect(app.getByTestId('stuck-banner')).toHaveAttribute('role', 'alert')
  await chooseTheme(app, 'light')
  await keep(app, 'deadlock')

  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(app.getByTestId('run-state')).toHaveText(/^stopped after /, { timeout: 30_000 })
  await expect(app.getByTestId('deadlock-banner')).toContainText(/Deadlock \(over\)/)
  await expect(app.getByTestId('stuck-banner')).toContainText(/Stuck \(over\)/)
  await expect(app.getByRole('alert').filter({ hasText: /Deadlock|Stuck/ })).toHaveCount(0)

  // Close dismisses a notice for this run; the keyboard reaches it.
  const close = app.getByRole('button', { name: 'Close the stuck-process notice' })
  await close.focus()
  await app.keyboard.press('Enter')
  await expect(app.getByTestId('stuck-banner')).toHaveCount(0)
  await expect(app.getByTestId('deadlock-banner')).toHaveCount(1)
})
