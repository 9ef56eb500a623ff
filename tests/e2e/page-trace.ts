// The page's main-thread tasks, read from a Chromium trace: for each, its wall time (what the user
// waits) and its thread time (what the page's own code, style, layout and paint cost). A long
// task's wall time includes any time the OS gave the core to another program; its thread time
// does not, so the two together tell a slow page from a busy machine.
import type { Browser, Page } from '@playwright/test'

export interface PageTask {
  /** Milliseconds from the start of the trace. */
  start: number
  wallMs: number
  cpuMs: number
  /** The largest pieces of work inside the task, for a failure message ("Layout 12 ms, Paint 3 ms"). */
  parts: string
}

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline']

/** Runs `body` while tracing the page, and returns its main thread's tasks longer than `minWallMs`. */
export async function traceTasks(browser: Browser, page: Page, minWallMs: number, body: () => Promise<void>): Promise<PageTask[]> {
  await browser.startTracing(page, { categories: CATEGORIES })
  let failure: unknown = null
  await body().catch((error: unknown) => (failure = error ?? new Error('failed')))
  const trace = await browser.stopTracing()
  if (failure !== null) throw failure
  return longTasksOf(parseTrace(trace), minWallMs)
}

function parseTrace(buffer: Buffer): TraceEvent[] {
  const parsed = JSON.parse(buffer.toString('utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] }
  return Array.isArray(parsed) ? parsed : parsed.traceEvents
}

/** The tasks of the renderer's main thread (the busiest CrRendererMain: the page under test). */
export function longTasksOf(events: TraceEvent[], minWallMs: number): PageTask[] {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`))
  const timed = events.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`))
  const perThread = new Map<string, TraceEvent[]>()
  for (const event of timed) {
    const key = `${event.pid}:${event.tid}`
    const list = perThread.get(key) ?? []
    list.push(event)
    perThread.set(key, list)
  }
  const busiest = [...perThread.values()].sort((a, b) => b.length - a.length)[0] ?? []
  if (busiest.length === 0) throw new Error('the trace has no events of a renderer main thread (CrRendererMain)')
  const origin = Math.min(...busiest.map((e) => e.ts))
  const tasks = busiest.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) / 1000 > minWallMs)
  return tasks.map((task) => {
    const end = task.ts + (task.dur ?? 0)
    const inside = busiest.filter((e) => e !== task && e.name !== 'RunTask' && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end)
    return {
      start: Math.round((task.ts - origin) / 1000),
      wallMs: Math.round((task.dur ?? 0) / 1000),
      // Without thread time in the trace, wall time is all there is.
      cpuMs: Math.round((task.tdur ?? task.dur ?? 0) / 1000),
      parts: largestParts(inside),
    }
  })
}

function largestParts(events: TraceEvent[]): string {
  const byName = new Map<string, { wall: number; cpu: number }>()
  for (const e of events) {
    const sum = byName.get(e.name) ?? { wall: 0, cpu: 0 }
    sum.wall += (e.dur ?? 0) / 1000
    sum.cpu += (e.tdur ?? e.dur ?? 0) / 1000
    byName.set(e.name, sum)
  }
  return [...byName]
    .sort((a, b) => b[1].wall - a[1].wall)
    .slice(0, 4)
    .map(([name, sum]) => `${name} ${Math.round(sum.wall)} ms (cpu ${Math.round(sum.cpu)})`)
    .join(', ')
}
