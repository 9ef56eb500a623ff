// Pause the world (issue 17) in the browser, on real processes: a producer and a consumer share a
// queue; Pause (the key p) stops them all, which the page and the OS both show, the queue card's
// counts hold still, and Resume (the button) lets the run end normally. axe checks the paused page
// in both schemes.
import { readFileSync, writeFileSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { cell, chooseLanguage, expect, labRow, labRows, runScriptSource, test } from './fixtures'
import { axeViolations } from './axe'
import { producerConsumerScript } from './pause-script'

/** How long the paused queue is watched for counts that should not move (a lower bound: load only lengthens it). */
const STILL_MS = 800

function queueCard(page: Page): Locator {
  return page.getByRole('region', { name: /^Shared objects/ }).getByRole('region', { name: /^orders / })
}

/** Linux's word on a pid: its state letter (T: stopped). */
function osState(pid: number): string | null {
  if (process.platform !== 'linux') return null
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!
  } catch {
    return null
  }
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const summary = await axeViolations(page)
    expect(summary, `${where}, ${colorScheme}:\n${summary.join('\n')}`).toEqual([])
  }
}

test('Pause stops every process and the queue, Resume lets the run end normally', async ({ app }) => {
  test.setTimeout(240_000)
  const finish = test.info().outputPath('finish')
  await runScriptSource(app, producerConsumerScript(finish), 'pause.mjs')
  const pause = app.getByRole('button', { name: 'Pause run' })
  const queue = queueCard(app)
  // The run is under way: items move through the queue.
  await expect(queue.locator('[data-count="gets"]')).not.toHaveText('0', { timeout: 60_000 })
  await expect(labRows(app)).toHaveCount(3)
  await expect(pause).toHaveAttribute('aria-pressed', 'false')

  // The key p, with the focus anywhere outside a text box.
  await app.locator('body').click({ position: { x: 1, y: 1 } })
  await app.keyboard.press('p')
  await expect(pause).toHaveAttribute('aria-pressed', 'true')
  await expect(app.getByTestId('run-state')).toHaveText(/^Paused at /)
  for (const row of await labRows(app).all()) await expect(cell(row, 'state')).toHaveText('stopped (T)')
  // The OS agrees: every process of the run is stopped.
  const pids = (await labRows(app).locator('td[data-col="pid"]').allTextContents()).map(Number)
  if (process.platform === 'linux') await expect.poll(() => pids.map(osState)).toEqual(pids.map(() => 'T'))

  // The queue's counts and depth hold still, however long the pause lasts.
  const counts = async () => Promise.all(['puts', 'gets'].map((c) => queue.locator(`[data-count="${c}"]`).textContent()).concat(queue.getByTestId('queue-depth').textContent()))
  const before = await counts()
  const clock = await app.getByTestId('run-state').textContent()
  await app.waitForTimeout(STILL_MS)
  expect(await counts()).toEqual(before)
  // The run's clock stands still too.
  await expect(app.getByTestId('run-state')).toHaveText(clock ?? '')

  // The timeline shows the pause as it goes on; and the key help lists p.
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await expect(app.getByTestId('timeline-pauses')).toContainText(/Paused since/)
  await app.getByRole('tab', { name: 'Lab' }).click()
  await expectAccessible(app, 'paused run')
  await chooseLanguage(app, 'zh')
  await expect(app.getByRole('button', { name: '暂停运行' })).toHaveAttribute('aria-pressed', 'true')
  await expect(cell(labRow(app, 'consumer'), 'state')).toHaveText('已停止 (T)')
  await expect(app.getByTestId('run-state')).toHaveText(/已暂停/)
  await chooseLanguage(app, 'en')

  // Resume by the button: the processes run on, more items move.
  await pause.click()
  await expect(pause).toHaveAttribute('aria-pressed', 'false')
  await expect(pause).toBeFocused()
  await expect(queue.locator('[data-count="gets"]')).not.toHaveText(before[1] ?? '', { timeout: 60_000 })
  writeFileSync(finish, '')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 60_000 })
  for (const row of await labRows(app).all()) await expect(cell(row, 'exit')).toHaveText('0')
  await expect(pause).toBeDisabled()
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await expect(app.getByTestId('timeline-pauses')).toContainText(/Paused from .* to .*not counted/)
})
