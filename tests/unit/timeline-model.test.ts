// The timeline fold: spans and ticks from event sequences shaped as src-shared/events.ts says,
// and from real runs of the printers scenarios through a real host (real processes, real Lock).
import { describe, expect, it } from 'vitest'
import type { EventBody, LabEvent } from '../../src-shared/events'
import { applyTimelineEvents, emptyTimeline, laneTreeOrder, MAX_SPANS_PER_LANE, MAX_TICKS, openSpans, overlaps, spanWindow, spansOf, ticksIn, type TimelineModel } from '../../src-renderer/features/timeline/timelineModel'
import { runLab } from '../helpers/lab'

/** Stamps bodies as the host would: seq gap-free, t as given. */
function stamp(bodies: Array<[number, EventBody]>, runId = 'r1'): LabEvent[] {
  return bodies.map(([t, body], i) => ({ ...body, seq: i + 1, t, runId }) as LabEvent)
}

const main = { lid: 'L0', pid: 100 }
const a = { lid: 'L1', pid: 101 }
const b = { lid: 'L2', pid: 102 }
const start = (p: { lid: string; pid: number }, name: string, parentLid: string | null): EventBody => ({ kind: 'process.start', ...p, ppid: 1, name, daemon: false, parentLid, target: 'task' })
const lockOp = (kind: 'lock.request' | 'lock.acquire' | 'lock.release' | 'lock.timeout' | 'lock.abandoned', p: { lid: string; pid: number }, n = 0) =>
  ({ kind, ...p, object: 'o1', waitedUs: n, heldUs: n }) as EventBody

function fold(events: LabEvent[]): TimelineModel {
  const model = emptyTimeline()
  applyTimelineEvents(model, events)
  return model
}

describe('timeline fold', () => {
  const contended = stamp([
    [0, { kind: 'run.start', title: 't', source: 's' }],
    [10, start(main, 'MainProcess', null)],
    [20, { kind: 'object.create', ...main, object: 'o1', type: 'lock', name: 'the-lock', capacity: null }],
    [30, start(a, 'A', main.lid)],
    [40, start(b, 'B', main.lid)],
    [1_000, lockOp('lock.request', a)],
    [1_020, lockOp('lock.acquire', a, 20)],
    [2_000, lockOp('lock.request', b)],
    [9_000, lockOp('lock.release', a, 7_980)],
    [9_010, lockOp('lock.acquire', b, 7_010)],
    [15_000, lockOp('lock.release', b, 5_990)],
    [16_000, { kind: 'queue.put', ...b, object: 'q', depth: 1 }],
    [17_000, { kind: 'stdout', ...a, line: 'hello' }],
    [20_000, { kind: 'process.exit', ...a, exitCode: 0, signal: null }],
    [21_000, { kind: 'process.exit', ...b, exitCode: -15, signal: 'SIGTERM' }],
    [22_000, { kind: 'process.exit', ...main, exitCode: 0, signal: null }],
    [22_500, { kind: 'run.end', ok: true, error: null, durationUs: 22_500 }],
  ])

  it('draws holds and the wait before a contended acquire; an uncontended acquire has no wait', () => {
    const model = fold(contended)
    const laneA = model.lanes[a.lid]!
    const laneB = model.lanes[b.lid]!
    expect(spansOf(laneA, 'wait')).toEqual([]) // 20 µs: granted at once
    expect(spansOf(laneA, 'hold')).toEqual([{ kind: 'hold', lid: a.lid, pid: a.pid, object: 'o1', start: 1_020, end: 9_000, outcome: 'released', depth: 1 }])
    expect(spansOf(laneB, 'wait')).toEqual([{ kind: 'wait', lid: b.lid, pid: b.pid, object: 'o1', start: 2_000, end: 9_010, outcome: 'acquired', depth: 1 }])
    expect(spansOf(laneB, 'hold')).toEqual([{ kind: 'hold', lid: b.lid, pid: b.pid, object: 'o1', start: 9_010, end: 15_000, outcome: 'released', depth: 1 }])
    expect(overlaps(laneA.spans[0]!, spansOf(laneB, 'hold')[0]!)).toBe(false)
    expect(model.objects.o1?.name).toBe('the-lock')
  })

  it('gives each process a lane from start to exit, with its exit code and signal, in tree order', () => {
    const model = fold(contended)
    expect(laneTreeOrder(model).map((l) => `${l.name} ${l.start}-${l.end} ${l.exitCode} ${l.signal}`)).toEqual([
      'MainProcess 10-22000 0 null',
      'A 30-20000 0 null',
      'B 40-21000 -15 SIGTERM',
    ])
    expect(model.origin).toBe(0)
    expect(model.end).toBe(22_500)
  })

  it('keeps queue and output events as ticks, in time order', () => {
    const model = fold(contended)
    expect(model.ticks.map((t) => [t.kind, t.lid, t.value ?? t.text])).toEqual([
      ['queue.put', b.lid, 1],
      ['stdout', a.lid, 'hello'],
    ])
    expect(ticksIn(model.ticks, 16_500, 30_000)).toEqual({ first: 1, last: 2 })
  })

  it('folds a frame split anywhere to the same model, and ignores events it has seen', () => {
    const whole = fold(contended)
    const split = emptyTimeline()
    applyTimelineEvents(split, contended.slice(0, 7))
    applyTimelineEvents(split, contended.slice(5)) // overlaps: seq drops the repeats
    // The models' folds are objects of their own: compare what they made.
    const made = (model: typeof whole) => ({ ...model, locks: null, activity: null, processes: null })
    expect(made(split)).toEqual(made(whole))
  })

  it('closes what a dying process held or waited for, and marks an abandoned hold', () => {
    const model = fold(
      stamp([
        [0, { kind: 'run.start', title: 't', source: 's' }],
        [1, start(a, 'A', null)],
        [2, start(b, 'B', null)],
        [3, { kind: 'object.create', ...a, object: 'o1', type: 'lock', name: 'l', capacity: null }],
        [10, lockOp('lock.request', a)],
        [11, lockOp('lock.acquire', a, 1)],
        [500, lockOp('lock.request', b)],
        [5_000, { kind: 'process.exit', ...a, exitCode: 3, signal: null }],
        [5_010, lockOp('lock.abandoned', a, 4_999)],
        [5_020, lockOp('lock.acquire', b, 4_520)],
        [6_000, { kind: 'process.exit', ...b, exitCode: null, signal: 'SIGKILL' }],
      ]),
    )
    expect(model.lanes[a.lid]!.spans).toEqual([{ kind: 'hold', lid: a.lid, pid: a.pid, object: 'o1', start: 11, end: 5_000, outcome: 'abandoned', depth: 1 }])
    expect(model.lanes[b.lid]!.spans.map((s) => [s.kind, s.start, s.end, s.outcome])).toEqual([
      ['wait', 500, 5_020, 'acquired'],
      ['hold', 5_020, 6_000, 'gone'],
    ])
  })

  it("draws a Value's abandoned hold, the only one of its holds it hears of, from when it was taken", () => {
    const model = fold(
      stamp([
        [0, { kind: 'run.start', title: 't', source: 's' }],
        [1, start(a, 'A', null)],
        [3, { kind: 'object.create', ...a, object: 'v1', type: 'value', name: 'counter', capacity: 1 }],
        [5, { kind: 'object.create', ...a, object: 'o1', type: 'lock', name: 'l', capacity: null }],
        [400, lockOp('lock.request', a)],
        [410, lockOp('lock.acquire', a, 10)],
        [700, lockOp('lock.release', a, 290)],
        [5_000, { kind: 'process.exit', ...a, exitCode: null, signal: 'SIGKILL' }],
        [5_010, { kind: 'lock.abandoned', ...a, object: 'v1', heldUs: 4_810 }],
      ]),
    )
    expect(model.lanes[a.lid]!.spans.map((s) => [s.object, s.start, s.end, s.outcome])).toEqual([
      ['v1', 200, 5_010, 'abandoned'],
      ['o1', 410, 700, 'released'],
    ])
  })

  it('a timed-out wait ends as a timeout; an RLock re-entry opens no wait', () => {
    const model = fold(
      stamp([
        [0, { kind: 'run.start', title: 't', source: 's' }],
        [1, start(a, 'A', null)],
        [2, { kind: 'object.create', ...a, object: 'o1', type: 'rlock', name: 'r', capacity: null }],
        [3, start(b, 'B', null)],
        [10, lockOp('lock.request', a)],
        [11, lockOp('lock.acquire', a, 1)],
        [20, lockOp('lock.request', a)], // re-entry: no acquire follows
        [900, lockOp('lock.release', a, 889)],
        [1_000, { kind: 'object.create', ...a, object: 'o2', type: 'lock', name: 'l', capacity: null }],
        [1_010, { kind: 'lock.request', ...b, object: 'o2' }],
        [1_020, { kind: 'lock.acquire', ...b, object: 'o2', waitedUs: 10 }],
        [1_100, { kind: 'lock.request', ...a, object: 'o2' }],
        [3_100, { kind: 'lock.timeout', ...a, object: 'o2', waitedUs: 2_000 }],
      ]),
    )
    expect(model.lanes[a.lid]!.spans.map((s) => [s.kind, s.object, s.start, s.end, s.outcome])).toEqual([
      ['hold', 'o1', 11, 900, 'released'],
      ['wait', 'o2', 1_100, 3_100, 'timeout'],
    ])
  })

  it('a new run starts over; events of another run are ignored', () => {
    const model = fold(contended)
    const generation = model.generation
    applyTimelineEvents(model, [
      { seq: 100, t: 30_000, runId: 'r2', kind: 'run.start', title: 'again', source: 's' },
      { seq: 101, t: 30_001, runId: 'r1', kind: 'stdout', ...a, line: 'late' },
      { seq: 102, t: 30_010, runId: 'r2', ...start(main, 'MainProcess', null) } as LabEvent,
    ])
    expect(model.generation).toBe(generation + 1)
    expect(model.runId).toBe('r2')
    expect(model.order).toEqual([main.lid])
    expect(model.ticks).toEqual([])
  })

  it('caps ticks and spans on a flood, keeping the newest and the open ones', () => {
    const events: Array<[number, EventBody]> = [
      [0, { kind: 'run.start', title: 't', source: 's' }],
      [1, start(a, 'A', null)],
      [2, { kind: 'object.create', ...a, object: 'o1', type: 'semaphore', name: 's', capacity: 2 }],
      [3, lockOp('lock.request', a)],
      [4, lockOp('lock.acquire', a)], // held throughout: must survive trimming
    ]
    let t = 10
    for (let i = 0; i < MAX_SPANS_PER_LANE * 2; i++) {
      // Each release says it ends the hold taken 1 µs before it, not the long one.
      events.push([t++, lockOp('lock.request', a)], [t++, lockOp('lock.acquire', a)], [t++, lockOp('lock.release', a, 1)])
    }
    for (let i = 0; i < MAX_TICKS * 2; i++) events.push([t++, { kind: 'queue.put', ...a, object: 'q', depth: i }])
    const model = fold(stamp(events))
    const lane = model.lanes[a.lid]!
    expect(lane.spans.length).toBeLessThanOrEqual(MAX_SPANS_PER_LANE * 1.25)
    expect(lane.spans.length + lane.droppedSpans).toBe(MAX_SPANS_PER_LANE * 2 + 1)
    expect(lane.spans.some((s) => s.end === null && s.start === 4)).toBe(true)
    expect(model.ticks.length).toBeLessThanOrEqual(MAX_TICKS * 1.25)
    expect(model.ticks.length + model.droppedTicks).toBe(MAX_TICKS * 2)
    expect(model.ticks.at(-1)?.value).toBe(MAX_TICKS * 2 - 1)
  })

  it('closes spans without scanning history: a long hold stays open under 40,000 short ones', () => {
    const events: Array<[number, EventBody]> = [
      [0, { kind: 'run.start', title: 't', source: 's' }],
      [1, start(a, 'A', null)],
      [2, { kind: 'object.create', ...a, object: 'o1', type: 'lock', name: 'outer', capacity: null }],
      [3, { kind: 'object.create', ...a, object: 'o2', type: 'lock', name: 'inner', capacity: null }],
      [4, { kind: 'lock.request', ...a, object: 'o1' }],
      [5, { kind: 'lock.acquire', ...a, object: 'o1', waitedUs: 1 }],
    ]
    let t = 10
    for (let i = 0; i < 40_000; i++) {
      events.push([t++, { kind: 'lock.request', ...a, object: 'o2' }], [t++, { kind: 'lock.acquire', ...a, object: 'o2', waitedUs: 1 }], [t++, { kind: 'lock.release', ...a, object: 'o2', heldUs: 1 }])
    }
    const stamped = stamp(events)
    const model = emptyTimeline()
    const cpu = process.cpuUsage()
    applyTimelineEvents(model, stamped)
    const used = process.cpuUsage(cpu)
    expect((used.user + used.system) / 1e6).toBeLessThan(1)
    const lane = model.lanes[a.lid]!
    expect(openSpans(lane).map((s) => [s.object, s.start])).toEqual([['o1', 5]])
    // A window at the end of the run holds only the last few short spans, not the whole history.
    const window = spanWindow(lane, t - 10, t)
    expect(window.last - window.first).toBeLessThanOrEqual(5)
    expect(lane.longestUs).toBe(1)
  })

  it('folds 100,000 events in well under a second of CPU', () => {
    const events: Array<[number, EventBody]> = [[0, { kind: 'run.start', title: 't', source: 's' }], [1, start(a, 'A', null)], [2, start(b, 'B', null)]]
    let t = 10
    while (events.length < 100_000) {
      const p = events.length % 2 ? a : b
      events.push([t++, lockOp('lock.request', p)], [t++, lockOp('lock.acquire', p)], [t++, { kind: 'queue.put', ...p, object: 'q', depth: 1 }], [t++, lockOp('lock.release', p)])
    }
    const stamped = stamp(events)
    const model = emptyTimeline()
    const cpu = process.cpuUsage()
    for (let i = 0; i < stamped.length; i += 2_000) applyTimelineEvents(model, stamped.slice(i, i + 2_000))
    const used = process.cpuUsage(cpu)
    // CPU time, not wall time: a busy machine slows the test, not the verdict. The budget is loose
    // (a fold of this size takes tens of ms); it catches an accidental quadratic, not a slow box.
    expect((used.user + used.system) / 1e6).toBeLessThan(1)
    expect(model.ticks.length).toBeGreaterThan(0)
  })
})

describe('timeline of real runs', () => {
  it('printers-lock: three lanes run together, the lock holds never overlap, and the others wait', async () => {
    const run = await runLab({ scenario: 'printers-lock' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const model = fold(run.events)
    const printers = laneTreeOrder(model).filter((l) => l.name.startsWith('printer-'))
    expect(printers.map((l) => l.name)).toEqual(['printer-A', 'printer-B', 'printer-C'])
    // The lanes themselves overlap: the printers live at the same time.
    expect(overlaps(printers[0]!, printers[1]!) && overlaps(printers[1]!, printers[2]!)).toBe(true)
    const holds = printers.flatMap((l) => spansOf(l, 'hold')).sort((x, y) => x.start - y.start)
    expect(holds).toHaveLength(6)
    for (const hold of holds) expect(hold.outcome).toBe('released')
    for (let i = 1; i < holds.length; i++) expect(holds[i]!.start).toBeGreaterThanOrEqual(holds[i - 1]!.end!)
    // Contended: somebody waited, and each wait ended in the acquire that followed it.
    const waits = printers.flatMap((l) => spansOf(l, 'wait'))
    expect(waits.length).toBeGreaterThan(0)
    for (const wait of waits) {
      expect(wait.outcome).toBe('acquired')
      expect(holds.some((h) => h.lid === wait.lid && h.start === wait.end)).toBe(true)
    }
    // A wait overlaps some other printer's hold: that is what the printer waited for.
    for (const wait of waits) expect(holds.some((h) => h.lid !== wait.lid && overlaps(h, wait)), JSON.stringify({ wait, holds })).toBe(true)
    expect(Object.values(model.objects).map((o) => o.name)).toContain('printer-lock')
    expect(model.ticks.filter((t) => t.kind === 'stdout').length).toBeGreaterThanOrEqual(30)
  }, 60_000)

  it('printers-join: each printer lane starts after the previous one exited, inside the main lane', async () => {
    const run = await runLab({ scenario: 'printers-join' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const model = fold(run.events)
    const lanes = laneTreeOrder(model)
    expect(lanes.map((l) => l.name)).toEqual(['MainProcess', 'printer-A', 'printer-B', 'printer-C'])
    const [mainLane, ...printers] = lanes
    for (let i = 1; i < printers.length; i++) expect(printers[i]!.start).toBeGreaterThanOrEqual(printers[i - 1]!.end!)
    for (const lane of printers) {
      expect(overlaps(lane, mainLane!)).toBe(true)
      expect(lane.exitCode).toBe(0)
      // No locks here: the only spans are the blocking calls that lasted (the printers' sleeps).
      expect(lane.spans.filter((s) => s.kind !== 'blocked')).toEqual([])
    }
    // The main process joins each printer in turn: a join span on its lane, ended by that printer's exit.
    const joins = spansOf(mainLane!, 'blocked').filter((s) => s.kind === 'blocked' && s.on === 'join')
    for (const printer of printers) {
      const join = joins.find((s) => s.kind === 'blocked' && s.target === printer.lid)
      expect(join, printer.name).toBeDefined()
      expect(join!.outcome).toBe('done')
      expect(join!.start).toBeLessThanOrEqual(printer.end!)
      expect(join!.end).toBeGreaterThanOrEqual(printer.end!)
    }
  }, 60_000)
})
