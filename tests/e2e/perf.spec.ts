// The UI under a flood: the event-flood scenario makes about 100,000 events a second for 5 s
// (lines from four printers plus queue traffic). The page must stay responsive and the counters
// must end exact. Responsive is measured from a Chromium trace of the page's main thread: no task
// may cost the page more than 50 ms of its own time (thread time: script, style, layout, paint),
// and none may keep the user waiting half a second (wall time).
import { expect, runScenario, test } from './fixtures'
import { traceTasks, type PageTask } from './page-trace'

/**
 * Why thread time for the goal: a long task's wall time includes the time the OS gave the core to
 * another program. On this 2-core machine under the flood, the worst task of a CI run took 86 ms of
 * wall time and 12 ms of the page's thread (2026-12-06); the page's own costliest task was 19 ms.
 * Wall time is still bounded, loosely, so a page that freezes fails whatever the cause.
 */
const GOAL_MS = 50
const FROZEN_MS = 500
const PRINTED_LINES = 4 * 25_000 * 5
const SUMMARY_LINES = 4 + 1 // each printer's "done" line and the consumer's count
const ITEMS = 5_000
/** Tasks longer than a frame are listed in the report. */
const FRAME_MS = 16

test.use({ trace: 'off', serverNice: 10 })

function describe(task: PageTask): string {
  return `${task.wallMs} ms wall, ${task.cpuMs} ms cpu at ${task.start} ms: ${task.parts}`
}

test('100,000 events a second for 5 s: the page keeps responding and every total is exact (long tasks measured)', async ({ app, browser }) => {
  test.setTimeout(120_000)
  const tasks = await traceTasks(browser, app, FRAME_MS, async () => {
    await runScenario(app, 'event-flood')
    await expect(app.getByTestId('run-state')).toHaveText(/finished in/, { timeout: 90_000 })
  })

  // Totals: every line counted (the pane keeps only the latest ones), every put and get.
  await expect(app.getByTestId('output-count')).toHaveAttribute('data-total', String(PRINTED_LINES + SUMMARY_LINES))
  const queue = app.getByRole('region', { name: /^Shared objects/ }).getByRole('region', { name: /^items / })
  await expect(queue.locator('[data-count="puts"]')).toHaveText(/^5,?001$/) // the items and the None-like sentinel
  await expect(queue.locator('[data-count="gets"]')).toHaveText(/^5,?001$/)
  // The consumer's one line may have scrolled by under the printers' last lines: narrowed to its process, it is in view.
  const consumer = await app.locator('#output-process option', { hasText: /^consumer \[/ }).getAttribute('value')
  await app.locator('#output-process').selectOption(consumer ?? 'no consumer in the process filter')
  await expect(app.getByRole('log', { name: /Output/ })).toContainText(`consumer got ${ITEMS} items`)

  const worstWall = Math.max(0, ...tasks.map((task) => task.wallMs))
  const worstCpu = Math.max(0, ...tasks.map((task) => task.cpuMs))
  const long = tasks.filter((task) => task.wallMs > GOAL_MS).length
  const summary = `${tasks.length} tasks over ${FRAME_MS} ms and ${long} over ${GOAL_MS} ms of wall time, the worst ${worstWall} ms; the page's own work in a task: at most ${worstCpu} ms`
  const listed = [...tasks].sort((a, b) => b.wallMs - a.wallMs).slice(0, 5).map(describe).join('\n  ')
  test.info().annotations.push({ type: 'long tasks', description: `${summary}${listed ? `\n  ${listed}` : ''}` })
  console.log(`perf: ${summary}${listed ? `\n  ${listed}` : ''}`)
  expect(tasks.filter((task) => task.cpuMs > GOAL_MS).map(describe), `tasks whose own work took over ${GOAL_MS} ms`).toEqual([])
  expect(tasks.filter((task) => task.wallMs > FROZEN_MS).map(describe), `tasks that froze the page over ${FROZEN_MS} ms`).toEqual([])
})
