// The Lab view uses the window (issue 14). At 1440×900 and 1280×720, with a run of thirteen
// processes on screen: the process tree shows most of them and the output a screenful of lines
// (before, a fixed box showed about four rows and nine lines at 1440×900); with the details drawer
// open, no cell or button of the tree or the drawer is cut off; the drawer's list of children is a
// list, not bullets over links; names and the words after them are apart. Then the splitters: the
// keyboard and the mouse move them, a reload keeps where they were, a corrupt stored size falls
// back to the default, and axe finds nothing in either scheme.
import { axeViolations } from './axe'
import type { Locator, Page } from '@playwright/test'
import { PANE_LIMITS } from '../../src-renderer/features/lab/paneSizes'
import { expect, labRow, labRows, runScriptSource, test } from './fixtures'

const WORKERS = 10
const LINES_EACH = 4

/**
 * Thirteen processes that stay: a holder keeps a Lock, a waiter waits for it (the lock card lists
 * "waiter (pid n) waiting …"), and ten workers print four lines each and sleep. The Event is made
 * by the lab main ("made by MainProcess"). The run ends with the test's server.
 */
const SCRIPT = `
import { Event, Lock, Process, currentProcess, sleep } from 'proclab'

export async function worker() {
  const me = currentProcess().name
  for (let i = 1; i <= ${LINES_EACH}; i++) console.log(me + ': line ' + i + ' of ${LINES_EACH}')
  await sleep(600_000)
}

export async function holder(lock, held) {
  await lock.acquire()
  await held.set()
  await sleep(600_000)
}

export async function waiter(lock, held) {
  await held.wait()
  await lock.acquire()
}

export default async function main() {
  const lock = new Lock({ name: 'layout-lock' })
  const held = new Event({ name: 'layout-held' })
  const all = [
    new Process({ target: holder, args: [lock, held], name: 'holder' }),
    new Process({ target: waiter, args: [lock, held], name: 'waiter' }),
  ]
  for (let i = 1; i <= ${WORKERS}; i++) all.push(new Process({ target: worker, name: 'worker-' + i }))
  for (const p of all) await p.start()
  for (const p of all) await p.join()
}
`

/**
 * Rows and lines fully in view with this run (its long script path takes two lines of the title):
 * with the splitters where they start, 1440×900 showed 10 rows and 15 lines, 1280×720 showed
 * 6 rows and 10 lines. The fixed boxes before them showed 3 rows and 9 lines at either size.
 */
const SIZES = [
  { name: '1440x900', viewport: { width: 1440, height: 900 }, rows: 9, lines: 14 },
  { name: '1280x720', viewport: { width: 1280, height: 720 }, rows: 6, lines: 10 },
]

async function startRun(page: Page): Promise<void> {
  await runScriptSource(page, SCRIPT, 'layout.mjs')
  await expect(labRows(page)).toHaveCount(WORKERS + 3)
  await expect(page.getByTestId('output-count')).toHaveAttribute('data-total', String(WORKERS * LINES_EACH))
  await expect(page.locator('[data-testid="lock-waiting"] li')).toHaveCount(1)
}

/** How many of `items` lie wholly inside the visible part of `scroller` (below `under`, if given). */
function countFullyShown(scroller: Locator, items: string, under?: string): Promise<number> {
  return scroller.evaluate(
    (el, { items, under }) => {
      const box = el.getBoundingClientRect()
      const top = under ? el.querySelector(under)!.getBoundingClientRect().bottom : box.top + el.clientTop
      const bottom = box.top + el.clientTop + el.clientHeight
      return [...el.querySelectorAll(items)].filter((item) => {
        const r = item.getBoundingClientRect()
        return r.height > 0 && r.top >= top - 0.5 && r.bottom <= bottom + 0.5
      }).length
    },
    { items, under },
  )
}

/**
 * What of `items` is cut off: each must lie inside the visible part of its scroll container (the
 * tree's or the drawer's client box, scrollbars excluded) and inside the window. `vertical` also
 * checks the vertical extent, after scrolling the item into view (the drawer scrolls: that is fine;
 * being cut by something that does not scroll is not). And the container must not scroll sideways.
 */
async function clipped(scroller: Locator, items: Locator, vertical: boolean): Promise<string[]> {
  const problems = await items.evaluateAll(
    (elements, { vertical }) =>
      elements.flatMap((el) => {
        if (vertical) el.scrollIntoView({ block: 'nearest', inline: 'nearest' })
        const container = el.closest('.tree-scroll, .details')!
        const c = container.getBoundingClientRect()
        const left = c.left + container.clientLeft
        const top = c.top + container.clientTop
        const view = { left, right: left + container.clientWidth, top, bottom: top + container.clientHeight }
        const r = el.getBoundingClientRect()
        const name = `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}" [${Math.round(r.left)}, ${Math.round(r.right)}] × [${Math.round(r.top)}, ${Math.round(r.bottom)}]`
        const out: string[] = []
        if (r.left < view.left - 0.5 || r.right > view.right + 0.5) out.push(`${name} leaves its container sideways [${Math.round(view.left)}, ${Math.round(view.right)}]`)
        // A scroll position is a whole pixel, the layout is not: up to a pixel off after scrolling.
        if (vertical && (r.top < view.top - 1 || r.bottom > view.bottom + 1)) out.push(`${name} is cut at the top or bottom of its container [${Math.round(view.top)}, ${Math.round(view.bottom)}]`)
        if (r.left < 0 || r.right > innerWidth || (vertical && (r.top < 0 || r.bottom > innerHeight))) out.push(`${name} leaves the window`)
        return out
      }),
    { vertical },
  )
  const overflow = await scroller.evaluate((el) => el.scrollWidth - el.clientWidth)
  if (overflow > 0) problems.push(`${await scroller.evaluate((el) => el.className)} scrolls sideways by ${overflow} px`)
  return problems
}

for (const size of SIZES) {
  test.describe(`at ${size.name}`, () => {
    test.use({ viewport: size.viewport })

    test(`the tree and the output fill the window, the drawer cuts nothing off, names and words are apart`, async ({ app }) => {
      await startRun(app)
      const treeScroll = app.locator('.lab-tree-area .tree-scroll')
      const output = app.getByRole('log', { name: /Output/ })

      // The output follows its end: by now it shows the last lines.
      const rows = await countFullyShown(treeScroll, 'tbody tr', 'thead')
      const lines = await countFullyShown(output, 'li.output-line')
      test.info().annotations.push({ type: 'shown', description: `${size.name}: ${rows} tree rows, ${lines} output lines` })
      expect(rows, 'tree rows fully in view').toBeGreaterThanOrEqual(size.rows)
      expect(lines, 'output lines fully in view').toBeGreaterThanOrEqual(size.lines)

      // The drawer open on a running worker: every uptime cell and row button of the rows in view,
      // and every button of the drawer, whole and on screen.
      await labRow(app, 'worker-1').click()
      const drawer = app.getByTestId('lab-details')
      await expect(drawer.getByRole('heading', { name: 'Details: worker-1' })).toBeVisible()
      const shownRows = treeScroll.locator('tbody tr')
      expect(await clipped(treeScroll, treeScroll.locator('thead th'), false)).toEqual([])
      expect(await clipped(treeScroll, shownRows.locator('td[data-col="uptime"], td[data-col="actions"] button'), false)).toEqual([])
      expect(await clipped(drawer, drawer.locator('button, dd'), true)).toEqual([])

      // The lab main's children: one per line, each link right of its bullet (they were laid out in a row, bullets over links).
      await labRow(app, 'MainProcess').click()
      await expect(drawer.getByRole('heading', { name: 'Details: MainProcess' })).toBeVisible()
      const children = drawer.locator('.child-list li')
      await expect(children).toHaveCount(WORKERS + 2)
      const overlaps = await drawer.locator('.child-list').evaluate((list) => {
        const items = [...list.querySelectorAll('li')]
        return items.flatMap((li, i) => {
          const r = li.getBoundingClientRect()
          const out = getComputedStyle(li).display === 'list-item' ? [] : [`item ${i} is not a list item`]
          const prev = items[i - 1]?.getBoundingClientRect()
          if (prev && r.top < prev.bottom - 0.5) out.push(`item ${i} overlaps the one before`)
          const link = li.querySelector('button')!.getBoundingClientRect()
          if (link.left < r.left - 0.5) out.push(`item ${i}'s link starts left of its item`)
          return out
        })
      })
      expect(overlaps).toEqual([])
      expect(await clipped(drawer, drawer.locator('button'), true)).toEqual([])

      // One space between a name and the words around it: in the text (as copied, as read out) and
      // as laid out (innerText). toHaveText would forgive a missing or doubled space: compared raw.
      const spacing = [
        { item: app.locator('[data-testid="lock-waiting"] li').first(), reads: /^waiter \(pid \d+\) waiting \d[\d.]*m?s$/ },
        { item: app.locator('[data-testid="lock-holders"] li').first(), reads: /^held holder \(pid \d+\) for \d[\d.]*m?s$/ },
        { item: app.locator('.other-objects li', { hasText: 'layout-held' }), reads: /^layout-held \(Event\), made by MainProcess \(pid \d+\)$/ },
      ]
      for (const { item, reads } of spacing) {
        const text = await item.evaluate((el) => ({ dom: el.textContent!.trim(), laidOut: (el as HTMLElement).innerText.trim() }))
        expect(text.dom).toMatch(reads)
        expect(text.laidOut).toMatch(reads)
      }
      await keep(app, `lab-layout-${size.name}`)
    })
  })
}

test.describe('the splitters', () => {
  test.use({ viewport: { width: 1440, height: 900 } })

  test('move with the keyboard and the mouse, and keep their place over a reload', async ({ app }) => {
    test.setTimeout(120_000)
    await startRun(app)
    const treeSplitter = app.getByRole('separator', { name: /Height of the process tree/ })
    const mainSplitter = app.getByRole('separator', { name: /Width of the tree and output/ })
    const treeArea = app.locator('#lab-tree-area')
    const side = app.locator('.lab-side')
    const height = async () => (await treeArea.boundingBox())!.height
    const width = async () => (await side.boundingBox())!.width

    await expect(treeSplitter).toHaveAttribute('aria-orientation', 'horizontal')
    await expect(treeSplitter).toHaveAttribute('aria-controls', 'lab-tree-area')
    await expect(treeSplitter).toHaveAttribute('aria-valuemin', String(PANE_LIMITS.tree.min))
    await expect(treeSplitter).toHaveAttribute('aria-valuemax', String(PANE_LIMITS.tree.max))
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.initial))
    await expect(mainSplitter).toHaveAttribute('aria-orientation', 'vertical')
    await expect(mainSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.main.initial))

    // Keyboard: Tab reaches it; the arrows of its axis move it a step, Home and End to its limits.
    await treeSplitter.focus()
    await expect(treeSplitter).toBeFocused()
    const start = await height()
    await app.keyboard.press('ArrowDown')
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.initial + 2))
    expect(await height()).toBeGreaterThan(start)
    await app.keyboard.press('ArrowUp')
    await app.keyboard.press('ArrowUp')
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.initial - 2))
    expect(await height()).toBeLessThan(start)
    await app.keyboard.press('ArrowLeft') // not its axis
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.initial - 2))
    await app.keyboard.press('Home')
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.min))
    const smallest = await height()
    await app.keyboard.press('End')
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.max))
    expect(await height()).toBeGreaterThan(smallest * 3)
    await app.keyboard.press('Home')
    for (let i = 0; i < 10; i++) await app.keyboard.press('ArrowDown')
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.min + 20))

    await mainSplitter.focus()
    const sideBefore = await width()
    await app.keyboard.press('ArrowLeft')
    await expect(mainSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.main.initial - 2))
    expect(await width()).toBeGreaterThan(sideBefore)

    // Mouse: the separator's middle follows the pointer, so a pane grows by what it was dragged.
    const treeBefore = await height()
    await drag(app, treeSplitter, 0, 90)
    expect(Math.abs((await height()) - treeBefore - 90), 'tree area grew by the drag').toBeLessThanOrEqual(2)
    const sideBeforeDrag = await width()
    await drag(app, mainSplitter, -70, 0)
    expect(Math.abs((await width()) - sideBeforeDrag - 70), 'side column grew by the drag').toBeLessThanOrEqual(2)
    const kept = { tree: await treeSplitter.getAttribute('aria-valuenow'), main: await mainSplitter.getAttribute('aria-valuenow'), height: await height(), width: await width() }

    // A reload keeps both.
    await app.reload()
    await expect(app.getByTestId('connection-status')).toHaveAttribute('data-connected', 'true')
    await expect(labRows(app)).toHaveCount(WORKERS + 3)
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', kept.tree!)
    await expect(mainSplitter).toHaveAttribute('aria-valuenow', kept.main!)
    expect(Math.abs((await height()) - kept.height)).toBeLessThanOrEqual(1)
    expect(Math.abs((await width()) - kept.width)).toBeLessThanOrEqual(1)
  })

  // Without a run: what is checked is how the page reads what it stored.
  test('ignore a corrupt stored size, pane by pane', async ({ app }) => {
    const treeSplitter = app.getByRole('separator', { name: /Height of the process tree/ })
    const mainSplitter = app.getByRole('separator', { name: /Width of the tree and output/ })
    // A stored size that is not one (out of range, not a number, not JSON) gives the default.
    for (const corrupt of ['{"tree":"half","main":1e9}', '{"tree":5,"main":-3}', 'not json', '[80,40]']) {
      await app.evaluate((raw) => localStorage.setItem('proclab.labPanes', raw), corrupt)
      await app.reload()
      await expect(treeSplitter, corrupt).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.tree.initial))
      await expect(mainSplitter, corrupt).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.main.initial))
    }
    // One good value and one bad: the good one is kept.
    await app.evaluate(() => localStorage.setItem('proclab.labPanes', '{"tree":63,"main":"wide"}'))
    await app.reload()
    await expect(treeSplitter).toHaveAttribute('aria-valuenow', '63')
    await expect(mainSplitter).toHaveAttribute('aria-valuenow', String(PANE_LIMITS.main.initial))
  })

  test('pass axe in both schemes, one of them focused', async ({ app }) => {
    test.setTimeout(120_000) // a run, then axe twice: about 20 s each on a loaded machine
    await startRun(app)
    const treeSplitter = app.getByRole('separator', { name: /Height of the process tree/ })
    // The separators in both schemes, one focused (its focus ring too).
    await treeSplitter.focus()
    for (const colorScheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme })
      const summary = await axeViolations(app, { include: ['.lab-view'] })
      expect(summary, `Lab view, ${colorScheme}:\n${summary.join('\n')}`).toEqual([])
    }
  })
})

/** Presses the mouse on the middle of `handle`, moves it by (dx, dy) in steps, and lets go. */
async function drag(page: Page, handle: Locator, dx: number, dy: number): Promise<void> {
  const box = (await handle.boundingBox())!
  const x = box.x + box.width / 2
  const y = box.y + box.height / 2
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + dx, y + dy, { steps: 5 })
  await page.mouse.up()
}

async function keep(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`)
  await page.screenshot({ path })
  await test.info().attach(name, { path, contentType: 'image/png' })
}
