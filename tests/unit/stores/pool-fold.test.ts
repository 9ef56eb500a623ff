// The Pool card's numbers and the timeline's task spans, folded by the real Pinia stores: from a
// hand-written stream with the awkward orders batched reports make, and from a real pool run.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FrameEvent } from '../../../src-shared/events'
import { useObjectsStore } from '../../../src-renderer/features/objects/objects'
import { useTimelineStore } from '../../../src-renderer/features/timeline/timeline'
import type { PoolModel } from '../../../src-renderer/features/objects/objectsModel'
import { runSource } from '../../helpers/lab'

let seq = 0
const R = 'r1'
const event = (t: number, body: Record<string, unknown>): FrameEvent => ({ seq: ++seq, t, runId: R, ...body }) as unknown as FrameEvent
const MAIN = { lid: 'r1/0', pid: 100 }
const W1 = { lid: 'r1/0.1', pid: 101 }
const W2 = { lid: 'r1/0.2', pid: 102 }
const W3 = { lid: 'r1/0.3', pid: 103 }
const POOL = 'r1/0/1'

function start(t: number, who: { lid: string; pid: number }, name: string): FrameEvent {
  return event(t, { kind: 'process.start', ...who, ppid: 1, name, daemon: true, parentLid: who === MAIN ? null : MAIN.lid, target: 'poolWorker' })
}
const pool = (t: number, who: { lid: string; pid: number }, body: Record<string, unknown>) => event(t, { ...who, object: POOL, ...body })

function poolCard(): PoolModel {
  const objects = useObjectsStore()
  objects.publish()
  expect(objects.pools).toHaveLength(1)
  return objects.pools[0]!
}

describe('Pool fold (objects and timeline stores)', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    seq = 0
  })

  it('counts tasks through queued, running, done and failed; summaries, unstarted failures and early exits included', () => {
    const objects = useObjectsStore()
    const timeline = useTimelineStore()
    const feed = (events: FrameEvent[]) => {
      objects.fold(events)
      timeline.fold(events)
    }
    feed([
      event(0, { kind: 'run.start', title: 'pool', source: 'x' }),
      start(10, MAIN, 'MainProcess'),
      event(20, { kind: 'object.create', ...MAIN, object: POOL, type: 'pool', name: 'Pool-1', capacity: 2 }),
      start(30, W1, 'PoolWorker-1'),
      start(31, W2, 'PoolWorker-2'),
      // One report: both workers up, 12 tasks in chunks of 2, a chunk started in each.
      pool(35, W1, { kind: 'pool.worker', replaces: null, reason: null }),
      pool(36, W2, { kind: 'pool.worker', replaces: null, reason: null }),
      pool(40, MAIN, { kind: 'pool.queued', tasks: 12, chunks: 6, chunkSize: 2 }),
      pool(50, W1, { kind: 'pool.start', chunk: 1, tasks: 2 }),
      pool(51, W2, { kind: 'pool.start', chunk: 2, tasks: 2 }),
    ])
    expect(poolCard()).toMatchObject({ capacity: 2, workerLids: [W1.lid, W2.lid], queued: 8, running: 4, done: 0, failed: 0, chunkSize: 2, state: 'run' })

    feed([
      pool(90, W1, { kind: 'pool.done', chunk: 1, tasks: 2 }),
      pool(95, W2, { kind: 'pool.failed', chunk: 2, tasks: 2, error: 'boom' }),
      // W1 did two more chunks between reports, summarised.
      pool(200, W1, { kind: 'pool.summary', chunks: 2, done: 2, failed: 2, durationUs: 100, error: 'bang' }),
    ])
    expect(poolCard()).toMatchObject({ queued: 4, running: 0, done: 4, failed: 4, chunks: 4, lastError: 'bang' })

    // W2 ends (maxTasksPerChild) before the report that names its replacement W3, whose exit
    // also comes before that report: W3 never counts as alive.
    feed([
      event(300, { kind: 'process.exit', ...W2, exitCode: 0, signal: null }),
      start(310, W3, 'PoolWorker-3'),
      event(320, { kind: 'process.exit', ...W3, exitCode: 0, signal: null }),
      pool(312, W3, { kind: 'pool.worker', replaces: W2.lid, reason: 'maxTasksPerChild' }),
      pool(313, W3, { kind: 'pool.start', chunk: 5, tasks: 2 }),
      pool(318, W3, { kind: 'pool.done', chunk: 5, tasks: 2 }),
      pool(330, MAIN, { kind: 'pool.close', terminated: true }),
      // Terminated: the last queued chunk fails without a worker.
      pool(331, MAIN, { kind: 'pool.failed', chunk: 6, tasks: 2, error: 'the pool was terminated before this task was done' }),
    ])
    expect(poolCard()).toMatchObject({ workerLids: [W1.lid], workersStarted: 3, replaced: { maxTasksPerChild: 1, exited: 0 }, queued: 0, running: 0, done: 6, failed: 6, chunks: 6, lastError: 'the pool was terminated before this task was done', state: 'terminate' })

    // The timeline: each chunk a task span in its worker's lane, in start order, with its outcome.
    timeline.publish()
    const lanes = timeline.model.lanes
    const tasks = (lid: string) => lanes[lid]!.spans.filter((s) => s.kind === 'task').map((s) => [s.start, s.end, s.outcome, s.tasks])
    expect(tasks(W1.lid)).toEqual([
      [50, 90, 'done', 2],
      [100, 200, 'failed', 4],
    ])
    expect(tasks(W2.lid)).toEqual([[51, 95, 'failed', 2]])
    expect(lanes[W2.lid]!.spans[0]).toMatchObject({ kind: 'task', error: 'boom' })
    // Its start and end came after its worker's exit: the span is still whole, and done.
    expect(tasks(W3.lid)).toEqual([[313, 318, 'done', 2]])
    // Tasks are no lock waits or holds.
    expect(Object.values(lanes).flatMap((lane) => lane.spans.map((span) => span.kind))).not.toContain('hold')
  })

  it('a worker that exits while its chunk shows running: the late done mends the span the exit closed', () => {
    const timeline = useTimelineStore()
    timeline.fold([
      event(0, { kind: 'run.start', title: 'pool', source: 'x' }),
      start(10, MAIN, 'MainProcess'),
      event(20, { kind: 'object.create', ...MAIN, object: POOL, type: 'pool', name: 'Pool-1', capacity: 1 }),
      start(30, W1, 'PoolWorker-1'),
      pool(50, W1, { kind: 'pool.start', chunk: 1, tasks: 3 }),
      event(120, { kind: 'process.exit', ...W1, exitCode: 0, signal: null }),
      pool(100, W1, { kind: 'pool.done', chunk: 1, tasks: 3 }),
    ])
    expect(timeline.model.lanes[W1.lid]!.spans.map((s) => [s.kind, s.start, s.end, s.outcome])).toEqual([['task', 50, 100, 'done']])
  })

  it('a real pool run folds to its final numbers: nothing queued or running, exact done and failed, a closed span per chunk', async () => {
    const run = await runSource(`
      import { Pool } from 'proclab'
      export function half(x) { if (x === 5) throw new Error('five is odd'); return x / 2 }
      export default async function main() {
        const pool = new Pool(2, { name: 'Halves' })
        const settled = await Promise.allSettled([pool.map(half, [0, 2, 4, 6], 1), pool.map(half, [5, 8], 1)])
        console.log(settled.map((s) => s.status).join(' '))
        pool.close()
        await pool.join()
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess')).toEqual(['fulfilled rejected'])
    const objects = useObjectsStore()
    const timeline = useTimelineStore()
    objects.fold(run.events)
    timeline.fold(run.events)
    const card = poolCard()
    expect(card).toMatchObject({ name: 'Halves', capacity: 2, queued: 0, running: 0, done: 5, failed: 1, chunks: 6, chunkSize: 1, lastError: 'five is odd', state: 'close', workersStarted: 2 })
    // Every worker has exited by run end.
    expect(card.workerLids).toEqual([])
    const spans = Object.values(timeline.model.lanes).flatMap((lane) => lane.spans.filter((s) => s.kind === 'task').map((s) => ({ ...s, name: lane.name })))
    expect(spans).toHaveLength(6)
    for (const span of spans) {
      expect(span.name).toMatch(/^Halves-\d+$/)
      expect(span.end).not.toBeNull()
      expect(['done', 'failed']).toContain(span.outcome)
    }
    expect(spans.filter((s) => s.outcome === 'failed').map((s) => s.error)).toEqual(['five is odd'])
  })
})
