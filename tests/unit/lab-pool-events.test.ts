// The Pool's events from real pool runs: exact task counts, a failed task with its message, every
// span started in a worker ended in that same worker, replaced workers, and the summaries that keep
// a big map of tiny tasks from costing an event per task.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EventOf, LabEvent } from '../../src-shared/events'
import { SPANS_PER_REPORT } from '../../src-main/lab/pool-telemetry'
import { exportSession } from '../../src-main/session/index'
import { collect, tempDir, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'
import { runSource, type RunResult } from '../helpers/lab'
import { onWindows } from '../helpers/platform'

type PoolEvent = Extract<LabEvent, { kind: `pool.${string}` }>

function poolEvents(run: RunResult): PoolEvent[] {
  expect(run.end.ok, `${run.end.error ?? ''}\n${JSON.stringify([...run.output])}`).toBe(true)
  return run.events.filter((e): e is PoolEvent => e.kind.startsWith('pool.'))
}

function ofKind<K extends PoolEvent['kind']>(events: PoolEvent[], kind: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => e.kind === kind)
}

/** Task counts as the UI folds them: queued, done and failed, from single chunks and summaries. */
function totals(events: PoolEvent[]): { queued: number; done: number; failed: number; chunks: number } {
  let queued = 0
  let done = 0
  let failed = 0
  let chunks = 0
  for (const e of events) {
    if (e.kind === 'pool.queued') queued += e.tasks
    if (e.kind === 'pool.done') done += e.tasks
    if (e.kind === 'pool.failed') failed += e.tasks
    if (e.kind === 'pool.summary') {
      done += e.done
      failed += e.failed
    }
    if (e.kind === 'pool.done' || e.kind === 'pool.failed') chunks++
    if (e.kind === 'pool.summary') chunks += e.chunks
  }
  return { queued, done, failed, chunks }
}

/**
 * Every pool.start is ended by exactly one pool.done or pool.failed of the same chunk, later,
 * in the same worker; no worker runs two chunks at once. Returns the spans per worker lid.
 */
function pairedSpans(events: PoolEvent[]): Map<string, Array<{ chunk: number; start: number; end: number }>> {
  const open = new Map<number, EventOf<'pool.start'>>()
  const spans = new Map<string, Array<{ chunk: number; start: number; end: number }>>()
  const busy = new Set<string>()
  for (const e of events) {
    if (e.kind === 'pool.start') {
      expect(open.has(e.chunk), `chunk ${e.chunk} started twice`).toBe(false)
      expect(busy.has(e.lid), `worker ${e.lid} started chunk ${e.chunk} while running another`).toBe(false)
      open.set(e.chunk, e)
      busy.add(e.lid)
    }
    if ((e.kind === 'pool.done' || e.kind === 'pool.failed') && open.has(e.chunk)) {
      const start = open.get(e.chunk)!
      open.delete(e.chunk)
      busy.delete(e.lid)
      expect(e.lid).toBe(start.lid)
      expect(e.pid).toBe(start.pid)
      expect(e.tasks).toBe(start.tasks)
      expect(e.t).toBeGreaterThanOrEqual(start.t)
      const list = spans.get(e.lid) ?? []
      list.push({ chunk: e.chunk, start: start.t, end: e.t })
      spans.set(e.lid, list)
    }
  }
  expect([...open.keys()], 'chunks started and never ended').toEqual([])
  return spans
}

describe('Pool events', () => {
  it('a map and an apply that fails: exact counts, the failure with its message, spans paired in the workers that ran them', async () => {
    const run = await runSource(`
      import { Pool, sleep } from 'proclab'
      export async function slowSquare(x) { await sleep(5); return x * x }
      export function boom(x) { throw new RangeError('no good: ' + x) }
      export default async function main() {
        const pool = new Pool(2, { name: 'Squares' })
        await pool.map(slowSquare, Array.from({ length: 12 }, (_, i) => i), 2)
        const failure = await pool.apply(boom, [7]).catch((e) => e.message)
        console.log('failure: ' + failure)
        pool.close()
        await pool.join()
      }
    `)
    const events = poolEvents(run)
    const create = run.events.find((e): e is EventOf<'object.create'> => e.kind === 'object.create' && e.type === 'pool')!
    expect(create).toMatchObject({ name: 'Squares', capacity: 2, lid: run.start('MainProcess').lid })
    for (const e of events) expect(e.object).toBe(create.object)

    expect(ofKind(events, 'pool.queued').map((e) => [e.tasks, e.chunks, e.chunkSize])).toEqual([
      [12, 6, 2],
      [1, 1, 1],
    ])
    expect(totals(events)).toEqual({ queued: 13, done: 12, failed: 1, chunks: 7 })
    // Few chunks: each one reported on its own.
    expect(ofKind(events, 'pool.summary')).toEqual([])
    const failed = ofKind(events, 'pool.failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.error).toBe('no good: 7')
    expect(failed[0]!.tasks).toBe(1)

    const workers = ofKind(events, 'pool.worker')
    expect(workers).toHaveLength(2)
    for (const w of workers) expect(w).toMatchObject({ replaces: null, reason: null })
    const workerLids = new Set(workers.map((w) => w.lid))
    // The worker lids are the pool's worker processes, as the host knows them.
    for (const lid of workerLids) expect(run.starts.find((s) => s.lid === lid)?.name).toMatch(/^Squares-\d+$/)

    const spans = pairedSpans(events)
    expect([...spans.values()].flat()).toHaveLength(7)
    for (const lid of spans.keys()) expect(workerLids.has(lid)).toBe(true)
    expect(ofKind(events, 'pool.close').map((e) => e.terminated)).toEqual([false])

    // The Chrome/Perfetto trace: each chunk a 'pool' slice on a lane of its worker's track.
    const { dir, cleanup } = await tempDir()
    try {
      const file = join(dir, 'pool.ndjson')
      await writeSessionFile(file, run.events)
      const { out, text } = collect()
      await exportSession(file, 'chrome-trace', out, { onWarning: () => {} })
      const trace = JSON.parse(text()) as { traceEvents: TraceEvent[] }
      expect(traceProblems(trace)).toEqual([])
      const slices = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'pool')
      expect(slices).toHaveLength(7)
      const starts = ofKind(events, 'pool.start')
      for (const slice of slices) {
        const start = starts.find((s) => s.chunk === (slice.args as { chunk: number }).chunk)!
        expect(slice.pid).toBe(start.pid)
        expect(slice.ts).toBe(start.t)
        expect(slice.name).toBe('task Squares')
      }
      expect(slices.filter((s) => (s.args as { outcome: string }).outcome === 'failed').map((s) => (s.args as { error: string }).error)).toEqual(['no good: 7'])
    } finally {
      await cleanup()
    }
  })

  it('maxTasksPerChild: each worker ends after its chunks and a new one takes its place, named as its replacement', async () => {
    const run = await runSource(`
      import { Pool } from 'proclab'
      export function double(x) { return 2 * x }
      export default async function main() {
        const pool = new Pool(1, { maxTasksPerChild: 2 })
        await pool.map(double, [1, 2, 3, 4, 5, 6], 1)
        pool.terminate()
        await pool.join()
      }
    `)
    const events = poolEvents(run)
    expect(totals(events)).toMatchObject({ queued: 6, done: 6, failed: 0, chunks: 6 })
    const workers = ofKind(events, 'pool.worker')
    // 6 chunks at 2 a worker: 3 workers did the work (a 4th may start before terminate()).
    expect(workers.length).toBeGreaterThanOrEqual(3)
    expect(workers[0]).toMatchObject({ replaces: null, reason: null })
    for (let i = 1; i < workers.length; i++) expect(workers[i]).toMatchObject({ replaces: workers[i - 1]!.lid, reason: 'maxTasksPerChild' })
    const spans = pairedSpans(events)
    for (const w of workers.slice(0, 3)) expect(spans.get(w.lid)).toHaveLength(2)
    expect(ofKind(events, 'pool.close').map((e) => e.terminated)).toEqual([true])
  })

  it('a killed worker: its chunk fails with why, a replacement is named, and the pool goes on', async () => {
    const run = await runSource(`
      import { Pool, sleep } from 'proclab'
      export async function maybeDie(x) { if (x === 3) process.kill(process.pid, 'SIGKILL'); await sleep(1); return x }
      export default async function main() {
        const pool = new Pool(1)
        const results = await Promise.allSettled([1, 2, 3, 4].map((x) => pool.apply(maybeDie, [x])))
        console.log(JSON.stringify(results.map((r) => r.status)))
        pool.close()
        await pool.join()
      }
    `)
    const events = poolEvents(run)
    expect(totals(events)).toEqual({ queued: 4, done: 3, failed: 1, chunks: 4 })
    const failed = ofKind(events, 'pool.failed')[0]!
    // Windows has no signals: a killed process exits with code 1 there.
    expect(failed.error).toMatch(onWindows ? /exited with code 1 while running this task/ : /was ended by signal 9 while running this task/)
    const workers = ofKind(events, 'pool.worker')
    expect(workers).toHaveLength(2)
    expect(workers[1]).toMatchObject({ replaces: workers[0]!.lid, reason: 'exited' })
    // The failed chunk's span is in the worker that died.
    expect(failed.lid).toBe(workers[0]!.lid)
    pairedSpans(events)
  })

  it('a big map of tiny tasks in chunks of one is summarised, with exact counts, far below an event per task', async () => {
    const n = 3000
    const run = await runSource(`
      import { Pool } from 'proclab'
      export function inc(x) { return x + 1 }
      export function odd(x) { if (x % 500 === 499) throw new Error('odd one ' + x); return x }
      export default async function main() {
        const pool = new Pool(2)
        await pool.map(inc, Array.from({ length: ${n} }, (_, i) => i), 1)
        const settled = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => pool.apply(odd, [i])))
        console.log('rejected ' + settled.filter((s) => s.status === 'rejected').length)
        pool.close()
        await pool.join()
      }
    `)
    const events = poolEvents(run)
    expect(run.lines('MainProcess')).toContain('rejected 2')
    expect(totals(events)).toEqual({ queued: n + 1000, done: n + 998, failed: 2, chunks: n + 1000 })
    // 1000 apply() calls in a row are a few lines of news, not 1000.
    expect(ofKind(events, 'pool.queued').length).toBeLessThan(100)
    const summaries = ofKind(events, 'pool.summary')
    for (const s of summaries) {
      expect(s.chunks).toBeGreaterThan(SPANS_PER_REPORT)
      expect(s.durationUs).toBeGreaterThanOrEqual(0)
      if (s.failed > 0) expect(s.error).toMatch(/^odd one \d+$/)
    }
    // Failures inside summaries keep their message; those outside are single pool.failed events.
    const messages = [...ofKind(events, 'pool.failed').map((e) => e.error), ...summaries.filter((s) => s.failed).map((s) => s.error)]
    expect(messages.length).toBeGreaterThan(0)
    pairedSpans(events)
    // One by one, each chunk would be two events: at any pace above SPANS_PER_REPORT chunks a
    // worker in one report (160 a second), some are summarised.
    expect(summaries.length).toBeGreaterThan(0)
    expect(events.length).toBeLessThan(2 * (n + 1000))
  })
})
