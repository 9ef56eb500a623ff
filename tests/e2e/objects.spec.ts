// The shared-objects panel against the real host: real lab processes contending for a real Lock,
// filling a real Queue, talking over a real Pipe. Each test also runs axe over the panel in both
// colour schemes, with the cards it just filled.
import { writeFileSync } from 'node:fs'
import { axeViolations } from './axe'
import type { Locator, Page } from '@playwright/test'
import { chooseLanguage, expect, runScenario, runScriptSource, test } from './fixtures'

function objectsPanel(page: Page): Locator {
  return page.getByRole('region', { name: /^Shared objects/ })
}

function card(page: Page, name: string): Locator {
  return objectsPanel(page).getByRole('region', { name: new RegExp(`^${name} `) })
}

function count(cardLocator: Locator, which: string): Locator {
  return cardLocator.locator(`[data-count="${which}"]`)
}

async function finished(page: Page, timeout = 40_000): Promise<void> {
  await expect(page.getByTestId('run-state')).toHaveText(/finished in/, { timeout })
}

async function keepScreenshot(locator: Locator, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`)
  await locator.screenshot({ path })
  await test.info().attach(name, { path, contentType: 'image/png' })
}

async function expectPanelAccessible(page: Page, where: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const started = Date.now()
    const summary = await axeViolations(page, { include: ['.objects-panel'] })
    test.info().annotations.push({ type: 'axe', description: `${where}, ${colorScheme}: ${Date.now() - started} ms` })
    expect(summary, `${where}, ${colorScheme}:\n${summary.join('\n')}`).toEqual([])
    await keepScreenshot(page.locator('.objects-panel'), `${where.replace(/\W+/g, '-')}-${colorScheme}`)
  }
}

test('printers-lock: the lock card shows who holds it, then equal acquires and releases and holds that never overlap', async ({ app }) => {
  test.setTimeout(120_000)
  await expect(objectsPanel(app)).toContainText('No run yet')
  await runScenario(app, 'printers-lock')
  const lock = card(app, 'printer-lock')
  await expect(lock).toContainText('Lock')

  // While the printers run, the card names the holder (a printer, with its pid).
  await expect(lock.getByTestId('lock-holders')).toContainText(/held\s*printer-[ABC]\s*\(pid \d+\)\s*for/, { timeout: 30_000 })
  await keepScreenshot(lock, 'printers-lock-running')

  await finished(app, 60_000)
  await expect(lock.getByTestId('lock-holders')).toHaveText(/nobody: free/)
  await expect(lock.getByTestId('lock-waiting')).toHaveText('nobody')
  // Three printers, two jobs each: six holds, each acquired once and released once.
  await expect(count(lock, 'acquires')).toHaveText('6')
  await expect(count(lock, 'releases')).toHaveText('6')
  await expect(count(lock, 'requests')).toHaveText('6')
  await expect(count(lock, 'timeouts')).toHaveText('0')
  await expect(count(lock, 'abandoned')).toHaveText('0')
  await expect(count(lock, 'peak-holders')).toHaveText('1 of 1')

  // A UI that connects later rebuilds the same card from the host's snapshot.
  await app.reload()
  await expect(count(lock, 'acquires')).toHaveText('6')
  await expect(count(lock, 'releases')).toHaveText('6')

  // Every acquire landed in one wait bucket.
  const bucketCounts = (await lock.locator('.wait-histogram .bucket-count').allTextContents()).map(Number)
  expect(bucketCounts).toHaveLength(5)
  expect(bucketCounts.reduce((a, b) => a + b, 0)).toBe(6)

  // The holds, end to end: none starts before the previous one ended.
  await lock.getByText('Recent holds').click()
  const rows = lock.locator('.holds-table tbody tr')
  await expect(rows).toHaveCount(6)
  const holds = await rows.evaluateAll((trs) => trs.map((tr) => ({ start: Number(tr.getAttribute('data-start-us')), end: Number(tr.getAttribute('data-end-us')) })))
  holds.sort((a, b) => a.start - b.start)
  for (let i = 1; i < holds.length; i++) expect(holds[i]!.start, `hold ${i} starts before hold ${i - 1} ends`).toBeGreaterThanOrEqual(holds[i - 1]!.end)
  // Each job prints three pages 80 ms apart under the lock.
  for (const hold of holds) expect(hold.end - hold.start).toBeGreaterThanOrEqual(200_000)

  // The heat bar shows the contention: at most two printers waited at once (three share the lock).
  const heat = lock.getByTestId('contention-bar')
  await expect(heat).toHaveAttribute('data-peak-waiting', /^[12]$/)
  await expect(heat.getByRole('img')).toHaveAccessibleName(/^Processes waiting for printer-lock over time: at most [12] at once; somebody waited during \d+% of the time\.$/)
  expect(await heat.locator('rect[data-waiting]').count()).toBeGreaterThan(0)

  // The Barrier that lines the printers up is listed, not carded.
  await expect(objectsPanel(app).locator('.other-objects')).toContainText(/switched-on\s*\(Barrier, 3 parties\)/)

  await keepScreenshot(objectsPanel(app), 'printers-lock')
  await expectPanelAccessible(app, 'lock card')
})

test('flash-sale: the queue card reaches maxsize 10 and counts 90 refused puts', async ({ app }) => {
  // A hundred process starts: ~10 s on an idle 2-core machine, far more when it is busy (95 s
  // headless, with no UI at all, at a load average of 24 on two cores).
  test.setTimeout(300_000)
  await runScenario(app, 'flash-sale')
  const queue = card(app, 'orders')
  await expect(queue).toContainText('Queue(10)')
  await expect(queue.getByTestId('depth-max-line')).toHaveAttribute('data-maxsize', '10')

  // The stock sells out while the buyers are still coming.
  await expect(queue.getByTestId('queue-peak')).toHaveText('10', { timeout: 60_000 })
  await finished(app, 240_000)
  await expect(count(queue, 'puts')).toHaveText('10')
  await expect(count(queue, 'full')).toHaveText('90')
  await expect(count(queue, 'empty')).toHaveText('0')
  // Main took the ten orders out at the end.
  await expect(count(queue, 'gets')).toHaveText('10')
  await expect(queue.getByTestId('queue-depth')).toHaveText('0')

  // The chart (uPlot) says in words what it draws, and draws the depth reaching the max line.
  const chart = queue.getByRole('img')
  await expect(chart).toHaveAccessibleName(/now 0, peak 10, maxsize 10, it was full at its peak/)
  await expect(chart).toHaveAttribute('data-highest', '10')
  await expect(chart).toHaveAttribute('data-maxsize', '10')
  await expect(chart.locator('canvas')).toHaveCount(1)
  // Puts and gets per second are shown (0 once the run is over: nothing moves any more).
  await expect(count(queue, 'put-rate')).toHaveText('0')

  await keepScreenshot(queue, 'flash-sale')
  await expectPanelAccessible(app, 'queue card')
})

test('pipe-eof: the pipe card counts 100 messages one way, closes the write end and marks EOF', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'pipe-eof')
  const pipe = card(app, 'Pipe-1')
  await expect(pipe).toBeVisible({ timeout: 30_000 })
  await finished(app, 60_000)

  // Pipe({ duplex: false }): the first end receives, the second sends.
  const written = pipe.locator('tr[data-direction="1to0"]')
  const back = pipe.locator('tr[data-direction="0to1"]')
  await expect(written.locator('[data-count="sent"]')).toHaveText('100')
  await expect(written.locator('[data-count="received"]')).toHaveText('100')
  await expect(written.locator('[data-count="eof"]')).toHaveText('EOF')
  await expect(back.locator('[data-count="sent"]')).toHaveText('0')
  await expect(pipe.locator('li[data-end="1"]')).toContainText('closed')
  await expect(app.getByRole('log', { name: /Output/ })).toContainText('reader: got 100 messages')

  await keepScreenshot(pipe, 'pipe-eof')
  await expectPanelAccessible(app, 'pipe card')
})

// A lab script of our own: a child dies holding the lock. ProcLab releases it and says so.
const ABANDONING_SCRIPT = `
import { Lock, Process, sleep } from 'proclab'

export async function careless(lock) {
  await lock.acquire()
  console.log('careless: holding the lock, and now dying')
  await sleep(200)
  process.exit(3)
}

export default async function main() {
  const lock = new Lock({ name: 'doomed-lock' })
  const p = new Process({ target: careless, args: [lock], name: 'careless' })
  await p.start()
  await sleep(100)
  console.log('main: got the lock: ' + (await lock.acquire({ timeout: 20000 })))
  await lock.release()
  await p.join()
}
`

test('a lock whose holder dies is marked abandoned', async ({ app }) => {
  test.setTimeout(90_000)
  const script = test.info().outputPath('abandon.mjs')
  writeFileSync(script, ABANDONING_SCRIPT)
  await app.getByLabel('Script path').fill(script)
  await app.getByRole('button', { name: 'Run script' }).click()
  const lock = card(app, 'doomed-lock')
  await finished(app, 60_000)
  await expect(count(lock, 'abandoned')).toHaveText('1')
  await expect(count(lock, 'acquires')).toHaveText('2')
  await expect(count(lock, 'releases')).toHaveText('1')
  await expect(lock.locator('.abandoned-note')).toContainText(/abandoned\s*careless \(pid \d+\) died holding it after .+; ProcLab released it\./)
  await lock.getByText('Recent holds').click()
  await expect(lock.locator('.holds-table tbody tr.abandoned')).toHaveCount(1)
  await expect(lock.locator('.holds-table tbody tr.abandoned')).toContainText('careless')
  await expectPanelAccessible(app, 'abandoned lock')
})

// Processes that block and stay blocked: two consumers in get() on an empty queue, a producer in
// put() on a full one, a reader in recv() on a pipe nobody writes to. Main waits for them.
const BLOCKING_SCRIPT = `
import { Pipe, Process, Queue } from 'proclab'

export async function consumer(jobs) {
  console.log('consumer: got ' + (await jobs.get()))
}

export async function producer(box) {
  await box.put('second')
}

export async function reader(end) {
  console.log('reader: got ' + (await end.recv()))
}

export default async function main() {
  const jobs = new Queue(0, { name: 'jobs' })
  const box = new Queue(1, { name: 'box' })
  await box.put('first')
  const [readEnd] = Pipe({ duplex: false, name: 'line' })
  const ps = [
    new Process({ target: consumer, args: [jobs], name: 'hungry-1' }),
    new Process({ target: consumer, args: [jobs], name: 'hungry-2' }),
    new Process({ target: producer, args: [box], name: 'stuffer' }),
    new Process({ target: reader, args: [readEnd], name: 'listener' }),
  ]
  for (const p of ps) await p.start()
  for (const p of ps) await p.join()
}
`

test('queue and pipe cards list who is blocked on them, for how long, until they exit', async ({ app }) => {
  test.setTimeout(90_000)
  await runScriptSource(app, BLOCKING_SCRIPT, 'blocked.mjs')
  // Found by name once, then by id: the region's name changes with the language below.
  await expect(card(app, 'jobs')).toBeVisible({ timeout: 30_000 })
  const jobs = app.locator(`[data-object="${await card(app, 'jobs').getAttribute('data-object')}"]`)
  const getters = jobs.getByTestId('waiting-getters')
  await expect(getters.locator('li')).toHaveCount(2, { timeout: 30_000 })
  await expect(getters).toHaveAccessibleName('Processes waiting to get an item, first in line first')
  for (const name of ['hungry-1', 'hungry-2']) await expect(getters).toContainText(new RegExp(`${name} \\(pid \\d+\\)\\s*waiting \\d`))
  // An unbounded Queue: nobody can wait in put(), so there is no such list.
  await expect(jobs.getByTestId('waiting-putters')).toHaveCount(0)
  // Each process reports its wait once it has lasted 5 ms; on a busy machine they start slowly.
  const box = app.locator(`[data-object="${await card(app, 'box').getAttribute('data-object')}"]`)
  await expect(box.getByTestId('waiting-putters').locator('li')).toHaveCount(1, { timeout: 30_000 })
  await expect(box.getByTestId('waiting-putters')).toContainText('stuffer')
  await expect(box.getByTestId('waiting-getters')).toHaveText('nobody')
  await expect(box.getByTestId('queue-depth')).toHaveText('1')
  const line = app.locator(`[data-object="${await card(app, 'line').getAttribute('data-object')}"]`)
  await expect(line.getByTestId('waiting-receivers').locator('li')).toHaveCount(1, { timeout: 30_000 })
  await expect(line.getByTestId('waiting-receivers')).toContainText('listener')
  await keepScreenshot(jobs, 'blocked-getters')
  await expectPanelAccessible(app, 'blocked queue and pipe')

  await chooseLanguage(app, 'zh')
  await expect(jobs).toContainText('在 get() 中等待')
  await expect(getters).toContainText(/已等待 \d/)
  await chooseLanguage(app, 'en')

  // Stopped, they exit: nobody waits any more.
  await app.getByRole('button', { name: 'Stop' }).click()
  await expect(getters).toHaveText('nobody', { timeout: 30_000 })
  await expect(box.getByTestId('waiting-putters')).toHaveText('nobody')
  await expect(line.getByTestId('waiting-receivers')).toHaveText('nobody')
})

test('a run without shared objects says so', async ({ app }) => {
  await runScenario(app, 'join')
  await expect(app.locator('tbody tr[aria-level="2"]')).toHaveCount(3)
  await expect(objectsPanel(app).getByTestId('objects-empty')).toBeVisible()
  await app.getByRole('button', { name: 'Stop' }).click()
})

test('pool-map: a Pool card per pool, every task done, none queued, running or failed', async ({ app }) => {
  test.setTimeout(180_000)
  await runScenario(app, 'pool-map')
  await finished(app, 150_000)
  const log = app.getByRole('log', { name: /Output/ })
  await expect(log).toContainText('both pools gave the same results')
  const n = Number(/and on (\d+)/.exec((await log.textContent()) ?? '')![1])
  // Each pool maps one warm-up task per worker, then the lesson's 8 tasks: on 1 worker, then on n.
  const pools = objectsPanel(app).locator('[data-family="pool"]')
  await expect(pools).toHaveCount(2)
  for (const [index, workers] of [1, n].entries()) {
    const pool = pools.nth(index)
    await expect(pool.getByRole('heading')).toContainText('Pool')
    await expect(count(pool, 'done')).toHaveText(String(8 + workers))
    await expect(count(pool, 'failed')).toHaveText('0')
    await expect(count(pool, 'queued')).toHaveText('0')
    await expect(count(pool, 'running')).toHaveText('0')
    await expect(count(pool, 'workers')).toHaveText(`0 of ${workers}`)
    await expect(pool.locator('[data-field="state"]')).toHaveText('closed')
  }
  await keepScreenshot(pools.nth(1), 'pool-map')
  await expectPanelAccessible(app, 'pool cards')

  // Each chunk (one task each here) is a span in its worker's lane: the timeline's text alternative lists them.
  await app.getByRole('tab', { name: 'Timeline' }).click()
  const table = app.getByRole('tabpanel', { name: 'Timeline' }).getByTestId('timeline-table')
  const workerRows = table.locator('tbody tr').filter({ has: app.getByRole('rowheader', { name: /^PoolWorker-\d+ \(pid \d+\)$/ }) })
  await expect(workerRows).toHaveCount(1 + n)
  await expect(table.locator('li[data-kind="task"][data-outcome="done"]')).toHaveCount(8 + 1 + 8 + n)
  await expect(table.locator('li[data-kind="task"]:not([data-outcome="done"])')).toHaveCount(0)
  for (const row of await workerRows.all()) await expect(row.locator('li[data-kind="task"]').first()).toBeVisible()
  await expect(app.locator('.timeline-legend .tl-task')).toHaveCount(2)
  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme })
    const summary = await axeViolations(app, { include: ['.timeline-view'] })
    expect(summary, `pool timeline, ${colorScheme}:\n${summary.join('\n')}`).toEqual([])
    await keepScreenshot(app.locator('.timeline-view'), `pool-timeline-${colorScheme}`)
  }
})
