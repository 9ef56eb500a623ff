// The Timeline tab against the real host: real printers contending for a real Lock, or taking
// turns by join. The test reads the chart through its text alternative and data attributes (what
// a screen reader gets), never through pixels; axe checks it in both colour schemes.
import { axeViolations } from './axe'
import type { Locator, Page } from '@playwright/test'
import { chooseLanguage, expect, runScenario, runScriptSource, test } from './fixtures'

interface Interval {
  start: number
  end: number
}

function timeline(page: Page): Locator {
  return page.getByRole('tabpanel', { name: 'Timeline' })
}

function laneRow(page: Page, name: string): Locator {
  return timeline(page).getByTestId('timeline-table').locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name} \\(pid \\d+\\)$`) }) })
}

async function intervals(items: Locator): Promise<Interval[]> {
  const all = await items.evaluateAll((els) => els.map((el) => ({ start: Number(el.getAttribute('data-start-us')), end: Number(el.getAttribute('data-end-us')) })))
  return all.sort((a, b) => a.start - b.start)
}

async function finished(page: Page, timeout = 60_000): Promise<void> {
  await expect(page.getByTestId('run-state')).toHaveText(/finished in/, { timeout })
}

async function viewRange(chart: Locator): Promise<Interval> {
  return { start: Number(await chart.getAttribute('data-view-start-us')), end: Number(await chart.getAttribute('data-view-end-us')) }
}

async function keepScreenshot(locator: Locator, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`)
  await locator.screenshot({ path })
  await test.info().attach(name, { path, contentType: 'image/png' })
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const summary = await axeViolations(page, { include: ['.timeline-view'] })
    expect(summary, `${where}, ${colorScheme}:\n${summary.join('\n')}`).toEqual([])
    await keepScreenshot(timeline(page), `${where.replace(/\W+/g, '-')}-${colorScheme}`)
  }
}

test('before any run the timeline says there is nothing yet', async ({ app }) => {
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await expect(timeline(app).getByTestId('timeline-empty')).toContainText('No run yet')
})

test('printers-lock: the lanes overlap, the lock holds never do, and the others wait in line', async ({ app }) => {
  test.setTimeout(120_000)
  // While it runs, at some moment one printer holds the lock and another waits for it. The page
  // notes every state the text alternative goes through: a busy machine may render that moment
  // only briefly, and polling from here could miss it.
  await app.evaluate(() => {
    const w = window as unknown as { sawContention: boolean }
    w.sawContention = false
    new MutationObserver(() => {
      const open = (kind: string) => document.querySelectorAll(`.timeline-table li[data-kind="${kind}"][data-open="true"][data-object="printer-lock"]`).length
      if (open('hold') === 1 && open('wait') >= 1) w.sawContention = true
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
  await runScenario(app, 'printers-lock')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  const table = timeline(app).getByTestId('timeline-table')
  await expect(table.locator('li[data-kind="hold"][data-object="printer-lock"]').first()).toBeVisible({ timeout: 60_000 })
  await keepScreenshot(timeline(app), 'printers-lock-running')

  await finished(app)
  expect(await app.evaluate(() => (window as unknown as { sawContention: boolean }).sawContention), 'never saw a printer holding the lock while another waited').toBe(true)
  const printers = ['printer-A', 'printer-B', 'printer-C']
  const lanes = await Promise.all(printers.map(async (name) => (await intervals(laneRow(app, name)))[0]!))
  // The three lanes live at the same time: they run in parallel…
  for (let i = 1; i < lanes.length; i++) expect(lanes[i]!.start).toBeLessThan(lanes[i - 1]!.end)
  // …but their holds of the lock are serial: six, and none starts before the previous one ended.
  const holds = await intervals(table.locator('li[data-kind="hold"][data-object="printer-lock"]'))
  expect(holds).toHaveLength(6)
  for (let i = 1; i < holds.length; i++) expect(holds[i]!.start, `hold ${i} starts before hold ${i - 1} ends`).toBeGreaterThanOrEqual(holds[i - 1]!.end)
  // Somebody waited, and every wait ended in that printer getting the lock.
  const waits = table.locator('li[data-kind="wait"][data-object="printer-lock"]')
  expect(await waits.count()).toBeGreaterThan(0)
  for (const outcome of await waits.evaluateAll((els) => els.map((el) => el.getAttribute('data-outcome')))) expect(outcome).toBe('acquired')
  await expect(laneRow(app, 'printer-A')).toContainText(/exit 0/)
  // The lanes come in tree order: the lab main first, its children under it.
  await expect(table.locator('tbody th[scope="row"]').first()).toHaveText(/^MainProcess \(pid \d+\)$/)
  await expect(timeline(app).locator('.timeline-legend')).toContainText('holds printer-lock')

  await expectAccessible(app, 'timeline printers-lock')
})

test('printers-join: each printer lane starts after the one before it exited', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'printers-join')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await finished(app)
  const lanes = []
  for (const name of ['printer-A', 'printer-B', 'printer-C']) {
    const row = laneRow(app, name)
    await expect(row).toContainText(/exit 0/)
    lanes.push((await intervals(row))[0]!)
    // No lock: nothing held, nothing waited for (its sleeps are blocking calls, listed apart).
    await expect(row.locator('li[data-kind="hold"], li[data-kind="wait"]')).toHaveCount(0)
  }
  for (let i = 1; i < lanes.length; i++) expect(lanes[i]!.start, 'a printer started before the one before it exited').toBeGreaterThanOrEqual(lanes[i - 1]!.end)
  // The main lane spans them all: it started them and joined each one.
  const main = (await intervals(laneRow(app, 'MainProcess')))[0]!
  expect(main.start).toBeLessThanOrEqual(lanes[0]!.start)
  expect(main.end).toBeGreaterThanOrEqual(lanes[2]!.end)
  // It joined each printer: a blocked call in its lane, not a lock wait.
  for (const name of ['printer-A', 'printer-B', 'printer-C']) await expect(laneRow(app, 'MainProcess').locator(`li[data-kind="blocked"][data-object="${name}"]`).first()).toHaveText(/^joining /)
  await keepScreenshot(timeline(app), 'printers-join')
})

// The main process blocks in get() until its child, which sleeps first, puts; then it joins the
// child, which sleeps again before it ends. Both waits last hundreds of milliseconds whatever the
// machine's load: each ends only on the other process's action.
const BLOCKED_SCRIPT = `
import { Process, Queue, sleep } from 'proclab'

export async function putter(orders) {
  await sleep(400)
  await orders.put('tea')
  await sleep(400)
}

export default async function main() {
  const orders = new Queue(0, { name: 'orders' })
  const child = new Process({ target: putter, args: [orders], name: 'putter' })
  await child.start()
  console.log('got', await orders.get())
  await child.join()
}
`

test('blocking calls: a main waiting in get, then joining its child, has both as spans on its lane, in words', async ({ app }) => {
  test.setTimeout(120_000)
  await runScriptSource(app, BLOCKED_SCRIPT, 'blocked.mjs')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await finished(app)
  const main = laneRow(app, 'MainProcess')
  const get = main.locator('li[data-kind="blocked"][data-object="orders"]')
  await expect(get).toHaveCount(1)
  await expect(get).toHaveText(/^get on orders from .*: returned$/)
  await expect(get).toHaveAttribute('data-outcome', 'done')
  // It waited until the put, which came after the child's 400 ms sleep: the span starts when get
  // was called, not when the wait was reported.
  const [span] = await intervals(get)
  expect(span!.end - span!.start).toBeGreaterThan(300_000)
  const join = main.locator('li[data-kind="blocked"][data-object="putter"]')
  await expect(join).toHaveText(/^joining putter from .*: returned$/)
  // The child's sleeps are on its own lane; none of this is a lock wait.
  await expect(laneRow(app, 'putter').locator('li[data-kind="blocked"]')).toHaveCount(2)
  await expect(timeline(app).locator('li[data-kind="wait"]')).toHaveCount(0)
  await expect(timeline(app).getByRole('list', { name: 'Legend' })).toContainText('blocked in a call')
  await expectAccessible(app, 'blocked calls')
  const lid = await main.getAttribute('data-lid')
  await chooseLanguage(app, 'zh')
  // The tab has its Chinese name now: the row is found by its lid.
  await expect(app.getByTestId('timeline-table').locator(`tr[data-lid="${lid}"] li[data-kind="blocked"][data-object="orders"]`)).toHaveText(/^从 .* 在 orders 上 get（.*）：已返回$/)
})

test('join: started together, the three children overlap on the timeline', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'join')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await finished(app)
  const rows = timeline(app).getByTestId('timeline-table').locator('tbody tr')
  await expect(rows).toHaveCount(4)
  const children = (await intervals(rows)).slice(1)
  // Each child started while the one started before it was still asleep: they ran at the same
  // time. (Not "all started before the first ended": the 1 s child can end before a loaded
  // machine has spawned the third, and that is still a parallel join.)
  for (let i = 1; i < children.length; i++) expect(children[i]!.start, `child ${i + 1} started after child ${i} ended`).toBeLessThan(children[i - 1]!.end)
})

test('keyboard and mouse: + and - zoom, arrows pan, 0 fits the run again; wheel zooms, drag pans', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'printers-join')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await finished(app)
  const chart = timeline(app).getByTestId('timeline-chart')
  await expect(timeline(app).getByTestId('timeline-range')).toContainText('following the run')
  const fitted = await viewRange(chart)
  expect(fitted.end).toBeGreaterThan(fitted.start)

  await chart.focus()
  // Focus puts the cursor on the first lane and reads out what is there.
  await expect(timeline(app).getByTestId('timeline-readout')).toContainText(/MainProcess \(pid \d+\)/)
  await app.keyboard.press('+')
  await expect.poll(async () => { const r = await viewRange(chart); return r.end - r.start }).toBeLessThan((fitted.end - fitted.start) * 0.9)
  const zoomed = await viewRange(chart)
  await expect(timeline(app).getByTestId('timeline-range')).not.toContainText('following the run')

  await app.keyboard.press('ArrowRight')
  await expect.poll(async () => (await viewRange(chart)).start).toBeGreaterThan(zoomed.start)
  const panned = await viewRange(chart)
  expect(panned.end - panned.start).toBeCloseTo(zoomed.end - zoomed.start, -1)
  await app.keyboard.press('ArrowLeft')
  await expect.poll(async () => (await viewRange(chart)).start).toBeLessThan(panned.start)

  await app.keyboard.press('-')
  await app.keyboard.press('-')
  await app.keyboard.press('0')
  await expect.poll(() => viewRange(chart)).toEqual(fitted)
  await expect(timeline(app).getByTestId('timeline-range')).toContainText('following the run')

  // Down moves the cursor to the next lane, and the read-out names it.
  await app.keyboard.press('ArrowDown')
  await expect(timeline(app).getByTestId('timeline-readout')).toContainText(/printer-A \(pid \d+\)/)

  // The mouse: the wheel zooms in around the pointer, a drag pans.
  const box = (await chart.boundingBox())!
  await app.mouse.move(box.x + box.width * 0.6, box.y + 40)
  await app.mouse.wheel(0, -400)
  await expect.poll(async () => { const r = await viewRange(chart); return r.end - r.start }).toBeLessThan((fitted.end - fitted.start) * 0.9)
  const wheeled = await viewRange(chart)
  await app.mouse.down()
  await app.mouse.move(box.x + box.width * 0.3, box.y + 40, { steps: 5 })
  await app.mouse.up()
  // Dragged to the left: later times come into view.
  await expect.poll(async () => (await viewRange(chart)).start).toBeGreaterThan(wheeled.start)
})

test('hovering a hold shows what it is', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'printers-lock')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await finished(app)
  const chart = timeline(app).getByTestId('timeline-chart')
  const table = timeline(app).getByTestId('timeline-table')
  // The first hold, from the text alternative; then the pointer over its middle on the canvas.
  const rows = table.locator('tbody tr')
  const rowIndex = await rows.evaluateAll((trs) => trs.findIndex((tr) => tr.querySelector('li[data-kind="hold"]')))
  const hold = (await intervals(rows.nth(rowIndex).locator('li[data-kind="hold"]')))[0]!
  const view = await viewRange(chart)
  const box = (await chart.boundingBox())!
  // Layout of the chart (timelineDraw.ts): a 190 px label column, a 24 px axis, 34 px lanes.
  const x = box.x + 190 + ((hold.start + hold.end) / 2 - view.start) / (view.end - view.start) * (box.width - 190)
  const y = box.y + 24 + rowIndex * 34 + 15
  await app.mouse.move(x, y)
  await expect(timeline(app).getByTestId('timeline-tip')).toContainText(/held printer-lock from/)
})

test('pipe-eof: the reader lane shows its messages and the EOF that ended them', async ({ app }) => {
  test.setTimeout(120_000)
  await runScenario(app, 'pipe-eof')
  await app.getByRole('tab', { name: 'Timeline' }).click()
  await finished(app)
  const reader = laneRow(app, 'reader')
  // It closed its copy of the write end, received the 100 messages, then got EOF once main closed its own.
  await expect(reader).toContainText('100 × pipe received')
  await expect(reader).toContainText('1 × pipe end closed')
  await expect(reader).toContainText(/\d+ × EOF/)
  await expect(reader).toContainText(/exit 0/)
  await expect(laneRow(app, 'MainProcess')).toContainText('100 × pipe sent')
})
