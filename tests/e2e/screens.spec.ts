// One screenshot of each screen after a real run, kept as test artifacts. With
// PROCLAB_UPDATE_SCREENSHOT=1 they also replace the README's pictures in docs/screens/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Locator, Page } from '@playwright/test'
import { expect, labRows, runScenario, runScriptSource, test } from './fixtures'
import { producerConsumerScript } from './pause-script'
import { stepScript } from './step-script'

const DOCS = fileURLToPath(new URL('../../docs/screens/', import.meta.url))

async function keep(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`)
  await page.screenshot({ path })
  await test.info().attach(name, { path, contentType: 'image/png' })
  if (process.env.PROCLAB_UPDATE_SCREENSHOT === '1') {
    mkdirSync(DOCS, { recursive: true })
    await page.screenshot({ path: `${DOCS}${name}.png` })
  }
}

function canvasColours(canvas: Locator): Promise<number> {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const ctx = el.getContext('2d')
    if (!ctx || el.width === 0) return 0
    const data = ctx.getImageData(0, 0, el.width, el.height).data
    const colours = new Set<number>()
    for (let i = 0; i < data.length; i += 4 * 37) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!)
    return colours.size
  })
}

test('screenshots of the Lab, Timeline, System and Sessions screens after the printers-lock run', async ({ app }) => {
  test.setTimeout(240_000)
  await app.setViewportSize({ width: 1440, height: 900 })
  await runScenario(app, 'printers-lock')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 120_000 })

  await keep(app, 'lab')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  const canvas = app.locator('#panel-timeline canvas').first()
  await expect(canvas).toBeVisible()
  // The Gantt is painted in the theme's colours: a canvas of one colour means the colours did not resolve.
  await expect.poll(() => canvasColours(canvas), { timeout: 20_000 }).toBeGreaterThan(5)
  await keep(app, 'timeline')
  await app.getByRole('tab', { name: 'System' }).click()
  await expect(app.locator('#panel-system [role="treegrid"]').first()).toBeVisible({ timeout: 30_000 })
  await keep(app, 'system')
  await app.getByRole('tab', { name: 'Sessions' }).click()
  await expect(app.locator('#panel-sessions table').first()).toBeVisible({ timeout: 60_000 })
  await keep(app, 'sessions')
  // The dark theme, on the screen that explains the run best.
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await expect.poll(() => canvasColours(canvas), { timeout: 20_000 }).toBeGreaterThan(5)
  await keep(app, 'timeline-dark')
})

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const
const SCHEMES = ['light', 'dark'] as const

/** The Lab at both laptop sizes in both themes, for the README; `lang` is the UI's language. */
async function keepLabShots(page: Page, lang: 'en' | 'zh'): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size)
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme })
      // The tree and the output fill the window at each size (a shot of an empty pane would hide a regression).
      await expect(page.getByRole('treegrid').first()).toBeVisible()
      await keep(page, `lab-${size.width}x${size.height}-${scheme}-${lang}`)
    }
  }
}

test('the Lab after printers-lock at 1440x900 and 1280x720, light and dark, in English and in Chinese', async ({ app }) => {
  test.setTimeout(240_000)
  await app.setViewportSize(SIZES[0])
  await runScenario(app, 'printers-lock')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 120_000 })
  await keepLabShots(app, 'en')

  await app.setViewportSize(SIZES[0])
  await app.emulateMedia({ colorScheme: 'light' })
  await app.locator('#language-select').selectOption('zh')
  await expect(app.locator('html')).toHaveAttribute('lang', /^zh/)
  // Run again in Chinese (重新运行, Re-run), so the scenario's own lines follow the language too.
  await app.getByRole('button', { name: '重新运行', exact: true }).click()
  await expect(app.getByTestId('run-state')).toHaveClass(/running/, { timeout: 30_000 })
  await expect(app.getByTestId('run-state')).toHaveText(/用时 .* 完成/, { timeout: 120_000 })
  await keepLabShots(app, 'zh')
})

// The script editor (issue 17): a script whose third worker throws, run, its error on its line.
test('a screenshot of the script editor after a run with an error', async ({ app }) => {
  test.setTimeout(120_000)
  await app.setViewportSize({ width: 1440, height: 900 })
  await app.getByRole('button', { name: 'Script editor' }).click()
  await app.getByLabel('File name').fill('queue-workers.mjs')
  const editor = app.getByRole('textbox', { name: /^Lab script:/ })
  await editor.click()
  await app.keyboard.press('ControlOrMeta+a')
  await app.keyboard.insertText(
    [
      "import { Process, Queue, currentProcess } from 'proclab'",
      '',
      'export async function worker(queue, n) {',
      '  for (let i = 1; i <= n; i++) await queue.put(`${currentProcess().name}: item ${i}`)',
      '  if (n > 2) throw new Error(`${currentProcess().name} was given too much work`)',
      '}',
      '',
      'export default async function main() {',
      '  const queue = new Queue()',
      '  const workers = [1, 2, 3].map((n) => new Process({ target: worker, args: [queue, n], name: `worker-${n}` }))',
      '  for (const w of workers) await w.start()',
      '  for (let i = 0; i < 6; i++) console.log(await queue.get())',
      '  for (const w of workers) await w.join()',
      '}',
      '',
    ].join('\n'),
  )
  await app.keyboard.press('ControlOrMeta+Enter')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in|failed after/, { timeout: 60_000 })
  await expect(app.getByTestId('editor-errors')).toContainText('Line 5: Error: worker-3 was given too much work (worker-3)')
  // The error list's entry brings its line into view, marked.
  await app.getByTestId('editor-errors').getByRole('button').click()
  await expect(app.locator('.cm-line', { hasText: 'was given too much work' }).locator('.cm-run-error')).toBeVisible()
  await keep(app, 'editor')
})

test('a paused run (issue 17): the Lab with every process stopped, then its timeline with the pause band', async ({ app }) => {
  test.setTimeout(240_000)
  await app.setViewportSize({ width: 1440, height: 900 })
  const finish = test.info().outputPath('finish')
  await runScriptSource(app, producerConsumerScript(finish), 'pause.mjs')
  const gets = app.getByRole('region', { name: /^Shared objects/ }).getByRole('region', { name: /^orders / }).locator('[data-count="gets"]')
  await expect(gets).toHaveText(/^[1-9]\d+$/, { timeout: 60_000 })
  await app.getByRole('button', { name: 'Pause run' }).click()
  await expect(labRows(app).locator('td[data-col="state"]')).toHaveText(['stopped (T)', 'stopped (T)', 'stopped (T)'])
  await keep(app, 'pause')
  // Resumed after a while, then finished: the band sits between two stretches of the run.
  await app.waitForTimeout(1500)
  await app.getByRole('button', { name: 'Pause run' }).click()
  const moved = Number(await gets.textContent())
  await expect.poll(async () => Number(await gets.textContent()), { timeout: 60_000 }).toBeGreaterThan(moved + 20)
  writeFileSync(finish, '')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 60_000 })
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await expect(app.getByTestId('timeline-pauses')).toContainText('Paused from')
  await keep(app, 'timeline-pause')
})

test('a stepped process (issue 17): the paused Lab with the consumer stopped again before its next lab operation', async ({ app }) => {
  test.setTimeout(240_000)
  await app.setViewportSize({ width: 1440, height: 900 })
  const finish = test.info().outputPath('finish')
  await runScriptSource(app, stepScript(finish), 'step.mjs')
  const gets = app.getByRole('region', { name: /^Shared objects/ }).getByRole('region', { name: /^orders / }).locator('[data-count="gets"]')
  await expect(gets).toHaveText(/^[1-9]\d*$/, { timeout: 60_000 })
  await app.getByRole('button', { name: 'Pause run' }).click()
  await expect(labRows(app).locator('td[data-col="state"]')).toHaveText(['stopped (T)', 'stopped (T)', 'stopped (T)'])
  const consumer = labRows(app).filter({ hasText: 'consumer' })
  // Two steps: the second shows what the first did not always (a get done, the lock next).
  for (let i = 0; i < 2; i++) {
    const before = await consumer.locator('td[data-col="state"]').textContent()
    await consumer.getByRole('button', { name: 'Step consumer' }).click()
    await expect(consumer.locator('td[data-col="state"]')).toHaveText(/^at /, { timeout: 30_000 })
    await expect(consumer.locator('td[data-col="state"]')).not.toHaveText(before ?? '')
  }
  await consumer.click()
  // In view: what the step did (the drawer) and the queue's items (below the lock's card).
  await app.getByTestId('step-did').scrollIntoViewIfNeeded()
  await app.getByTestId('queue-items').scrollIntoViewIfNeeded()
  await expect(app.getByTestId('step-did')).toBeVisible()
  await keep(app, 'step')
  await app.getByRole('button', { name: 'Pause run' }).click()
  writeFileSync(finish, '')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 60_000 })
})
