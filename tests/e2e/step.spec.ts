// Step (issue 17) in the browser, on real processes: a producer fills a queue and a slow consumer
// takes from it. Paused, the queue's card shows its first items; the consumer is stepped (the row's
// Step button, then the key s) until it stands before its get; one more step takes exactly one
// item (the first one goes from the card, the total is one less) and stops it before the lock,
// which its row and the details drawer say. axe checks that page in both schemes; Resume clears
// it, and the replay of the session shows the same "at …".
import { readFileSync, writeFileSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { axeViolations } from './axe'
import { cell, chooseLanguage, expect, labRow, labRows, runScriptSource, test, type ProclabServer } from './fixtures'
import { lineOf, stepScript } from './step-script'

function queueCard(page: Page): Locator {
  return page.getByRole('region', { name: /^Shared objects/ }).getByRole('region', { name: /^orders / })
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const summary = await axeViolations(page)
    expect(summary, `${where}, ${colorScheme}:\n${summary.join('\n')}`).toEqual([])
  }
}

/** The session file the server records into (it says where in its log). */
function sessionFile(server: ProclabServer): string {
  const file = /session log: (\S+)/.exec(server.log())?.[1]
  if (!file) throw new Error(`proclab serve did not say where it records:\n${server.log()}`)
  return file
}

interface Logged {
  seq: number
  t: number
  kind: string
  runId: string | null
  lid?: string
  op?: string
}

function readSession(file: string): Logged[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Logged)
    .filter((e) => typeof e.kind === 'string' && typeof e.t === 'number')
}

test('Step lets the paused consumer take exactly one item, shows where it stopped, and replays the same', async ({ app, server }) => {
  test.setTimeout(240_000)
  const finish = test.info().outputPath('finish')
  const source = stepScript(finish)
  const getLine = lineOf(source, 'await q.get()')
  const lockLine = lineOf(source, 'tally.withLock')
  await runScriptSource(app, source, 'step.mjs')
  const pause = app.getByRole('button', { name: 'Pause run' })
  const queue = queueCard(app)
  const gets = queue.locator('[data-count="gets"]')
  await expect(gets).not.toHaveText('0', { timeout: 60_000 })
  await expect(labRows(app)).toHaveCount(3)
  // Step is for a paused run only.
  await expect(app.getByRole('button', { name: /^Step / })).toHaveCount(0)

  await app.locator('body').click({ position: { x: 1, y: 1 } })
  await app.keyboard.press('p')
  await expect(pause).toHaveAttribute('aria-pressed', 'true')
  for (const row of await labRows(app).all()) await expect(cell(row, 'state')).toHaveText('stopped (T)')
  // The paused queue shows what it holds: its first items, the next to be taken first, and the rest counted.
  const items = queue.getByTestId('queue-items')
  await expect(items).toBeVisible()
  await expect(queue.getByTestId('queue-item').first()).toHaveText(/^\d+$/)
  // Every live lab process of the run can be stepped now: the main and its two children.
  await expect(app.getByRole('button', { name: /^Step / })).toHaveCount(3)

  const consumer = labRow(app, 'consumer')
  const state = cell(consumer, 'state')
  const stepConsumer = consumer.getByRole('button', { name: 'Step consumer' })
  await expect(stepConsumer).toHaveAttribute('aria-keyshortcuts', 's')
  const at = (what: string, line: number) => new RegExp(`^at ${what.replace('.', '\\.')}( · step\\.mjs:${line})?$`)

  // Step it (the row's button) until it stands just before its get: where Pause caught it decides
  // how many steps that takes (in its sleep: one; inside the lock: up to three).
  let steps = 0
  while (!at('queue.get orders', getLine).test((await state.textContent()) ?? '')) {
    expect(steps, `the consumer never stopped before its get; its state reads ${await state.textContent()}`).toBeLessThan(4)
    const before = await state.textContent()
    await stepConsumer.click()
    steps++
    await expect(state).toHaveText(/^at /, { timeout: 30_000 })
    await expect(state).not.toHaveText(before ?? '')
  }
  // Nobody else moved: the producer is still stopped where Pause left it.
  await expect(cell(labRow(app, 'producer'), 'state')).toHaveText('stopped (T)')
  const getsBefore = Number(await gets.textContent())
  const putsBefore = await queue.locator('[data-count="puts"]').textContent()
  const previews = () => queue.getByTestId('queue-item').allTextContents()
  const itemsBefore = await previews()
  const totalBefore = Number(/(\d+)/.exec((await items.locator('.queue-items-head').textContent()) ?? '')?.[1])
  expect(itemsBefore.length, 'the queue holds items to take').toBeGreaterThan(1)

  // One more step, by the key s on the consumer's row: it takes one item and stops before the lock.
  await consumer.click()
  await expect(consumer).toBeFocused()
  await app.keyboard.press('s')
  await expect(state).toHaveText(at('lock.acquire tally', lockLine), { timeout: 30_000 })
  await expect(gets).toHaveText(String(getsBefore + 1))
  // ...and no second one, however long it stays stopped.
  await app.waitForTimeout(800)
  await expect(gets).toHaveText(String(getsBefore + 1))
  await expect(queue.locator('[data-count="puts"]')).toHaveText(putsBefore ?? '')
  // The item it took is gone from the front of the queue, and the queue holds one less.
  await expect(items.locator('.queue-items-head')).toHaveText(`Items now: ${totalBefore - 1}`)
  await expect.poll(previews).toEqual(expect.arrayContaining([itemsBefore[1]]))
  expect((await previews())[0]).toBe(itemsBefore[1])
  await expect(stepConsumer).not.toHaveAttribute('aria-disabled', 'true')

  // The details drawer (the click above opened it) says the same, and what the step did.
  const details = app.getByTestId('lab-details')
  await expect(details.getByTestId('step-state')).toHaveText(at('lock.acquire tally', lockLine))
  await expect(details.getByTestId('step-did')).toContainText('queue.get orders')
  await expect(details.getByRole('button', { name: 'Step', exact: true })).toBeVisible()
  await expect(app.getByTestId('step-error')).toHaveCount(0)

  await expectAccessible(app, 'paused run with a step shown')
  await chooseLanguage(app, 'zh')
  await expect(state).toHaveText(/^停在 lock\.acquire tally 之前/)
  await expect(consumer.getByRole('button', { name: '单步执行 consumer' })).toBeVisible()
  await chooseLanguage(app, 'en')

  // The key help lists s beside p.
  await app.locator('body').click({ position: { x: 1, y: 1 } })
  await app.keyboard.press('?')
  const help = app.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help.getByRole('row').filter({ has: app.locator('kbd', { hasText: /^s$/ }) })).toContainText('While paused')
  await app.keyboard.press('Escape')
  await expect(help).toBeHidden()

  // Resume: the steps are over, every process runs on.
  await pause.click()
  await expect(pause).toHaveAttribute('aria-pressed', 'false')
  await expect(state).not.toHaveText(/^at /)
  await expect(app.getByRole('button', { name: /^Step / })).toHaveCount(0)
  await expect(items).toHaveCount(0)
  await expect(gets).not.toHaveText(String(getsBefore + 1), { timeout: 60_000 })
  writeFileSync(finish, '')
  await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 60_000 })
  for (const row of await labRows(app).all()) await expect(cell(row, 'exit')).toHaveText('0')

  // The replay goes through the same events: half-way between the consumer's last stop and the
  // resume, its row reads "at lock.acquire tally" again, with no Step button (replay is read-only).
  const file = sessionFile(server)
  let logged: Logged[] = []
  await expect.poll(() => (logged = readSession(file)).some((e) => e.kind === 'run.end'), { timeout: 30_000 }).toBe(true)
  const runId = logged.findLast((e) => e.kind === 'run.start')?.runId
  const ofRun = logged.filter((e) => e.runId === runId)
  const lastAt = ofRun.findLast((e) => e.kind === 'process.at' && e.op === 'lock.acquire')
  const resumed = ofRun.find((e) => e.kind === 'run.resumed' && e.seq > (lastAt?.seq ?? Infinity))
  expect(lastAt && resumed, 'the session has the step and the resume').toBeTruthy()
  const midMs = Math.floor(((lastAt!.t + resumed!.t) / 2 - ofRun[0]!.t) / 1000)

  await app.getByRole('tab', { name: 'Sessions' }).click()
  const id = file.split(/[\\/]/).at(-1)!
  await app.locator(`tr[data-session-id="${id}"]`).getByRole('button', { name: /^Open the session/ }).click({ timeout: 60_000 })
  await expect(app.getByTestId('replay-banner')).toContainText(/^Replaying /)
  await app.getByRole('slider', { name: 'Replay position' }).fill(String(midMs))
  await expect(state).toHaveText(at('lock.acquire tally', lockLine))
  await expect(app.getByRole('button', { name: /^Step / })).toHaveCount(0)
  await app.getByRole('button', { name: 'Back to live' }).click()
  await expect(app.getByTestId('replay-bar')).toHaveCount(0)
})
