// The lock panel's contention heat bar: waiters over time, folded from lock events, and cut into
// cells of time for the bar.
import { describe, expect, it } from 'vitest'
import type { EventBody, LabEvent } from '../../src-shared/events'
import { applyObjectEvent, contentionCells, emptyObjects, type LockModel } from '../../src-renderer/features/objects/objectsModel'

function stamp(bodies: Array<[number, EventBody]>): LabEvent[] {
  return bodies.map(([t, body], i) => ({ ...body, seq: i + 1, t, runId: 'r1' }) as LabEvent)
}

const p = (n: number) => ({ lid: `L${n}`, pid: 100 + n })
const op = (kind: 'lock.request' | 'lock.acquire' | 'lock.release', n: number): EventBody => ({ kind, ...p(n), object: 'o1', waitedUs: 0, heldUs: 0 }) as EventBody

describe('lock contention over time', () => {
  const events = stamp([
    [0, { kind: 'run.start', title: 't', source: 's' }],
    [0, { kind: 'object.create', ...p(0), object: 'o1', type: 'lock', name: 'l', capacity: null }],
    [100, op('lock.request', 1)],
    [100, op('lock.acquire', 1)],
    [200, op('lock.request', 2)], // one waits
    [300, op('lock.request', 3)], // two wait
    [500, op('lock.release', 1)],
    [500, op('lock.acquire', 2)], // one waits
    [700, op('lock.release', 2)],
    [700, op('lock.acquire', 3)], // nobody waits
    [900, op('lock.release', 3)],
    [950, { kind: 'process.exit', ...p(3), exitCode: 0, signal: null }],
  ])

  function lock(): LockModel {
    const model = emptyObjects()
    for (const event of events) applyObjectEvent(model, event)
    return model.objects.o1 as LockModel
  }

  it('records how many waited, each time it changed', () => {
    const l = lock()
    expect(l.contention.map((s) => [s.t, s.depth])).toEqual([
      [0, 0],
      [200, 1],
      [300, 2],
      [500, 1],
      [700, 0],
    ])
    expect(l.peakWaiting).toBe(2)
  })

  it('cuts it into cells with the most waiting at once and the time-weighted mean', () => {
    const cells = contentionCells(lock().contention, 0, 1000, 10)
    expect(cells.map((c) => c.max)).toEqual([0, 0, 1, 2, 2, 1, 1, 0, 0, 0])
    expect(cells[3]!.mean).toBeCloseTo(2, 6)
    expect(cells[2]!.mean).toBeCloseTo(1, 6)
    // Cells partly covered weigh the part: 600–650 had one waiting, 650–700 too.
    expect(cells[6]!.mean).toBeCloseTo(1, 6)
  })

  it('an uncontended lock has an empty bar', () => {
    const quiet = stamp([
      [0, { kind: 'run.start', title: 't', source: 's' }],
      [0, { kind: 'object.create', ...p(0), object: 'o1', type: 'lock', name: 'l', capacity: null }],
      [10, op('lock.request', 1)],
      [10, op('lock.acquire', 1)],
      [20, op('lock.release', 1)],
    ])
    const model = emptyObjects()
    for (const event of quiet) applyObjectEvent(model, event)
    const l = model.objects.o1 as LockModel
    // A request to a free lock is granted at once: the card lists it until the acquire lands,
    // but nobody contended.
    expect(l.peakWaiting).toBe(0)
    expect(l.contention).toHaveLength(1)
    expect(contentionCells(l.contention, 0, 1000, 4).map((c) => c.max)).toEqual([0, 0, 0, 0])
  })
})
