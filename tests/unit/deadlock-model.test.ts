// The renderer's fold of deadlock.found / deadlock.cleared and process.stuck (the Lab view's banner),
// and the timeline's lanes filtered to a deadlock's processes.
import { describe, expect, it } from 'vitest'
import type { EventBody, LabEvent } from '../../src-shared/events'
import { applyDeadlockEvents, deadlockLids, type DeadlockItem, type StuckItem } from '../../src-renderer/features/lab/deadlockModel'
import { focusedLanes } from '../../src-renderer/features/timeline/timeline'
import type { Lane } from '../../src-renderer/features/timeline/timelineModel'

function stamp(bodies: EventBody[]): LabEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: i + 1, t: (i + 1) * 10, runId: 'r1' }) as LabEvent)
}

const cycle = [
  { lid: 'r1.2', pid: 12, waitsFor: 'r1/2' },
  { lid: 'r1.3', pid: 13, waitsFor: 'r1/1' },
]

describe('deadlock model', () => {
  it('keeps a deadlock after it is cleared, marked so, until the next run', () => {
    const items: DeadlockItem[] = []
    const stuck: StuckItem[] = []
    expect(applyDeadlockEvents(items, stamp([{ kind: 'deadlock.found', deadlock: 4, cycle, stuck: ['r1.4'] }]), stuck)).toBe(true)
    expect(items).toEqual([{ id: 4, t: 10, cycle, stuck: ['r1.4'], cleared: null }])
    expect(deadlockLids(items[0]!)).toEqual(['r1.2', 'r1.3', 'r1.4'])
    // A clear of another deadlock changes nothing; its own marks it.
    expect(applyDeadlockEvents(items, stamp([{ kind: 'deadlock.cleared', deadlock: 5, by: 'r1.2', reason: 'gone' }]), stuck)).toBe(false)
    applyDeadlockEvents(items, stamp([{ kind: 'deadlock.cleared', deadlock: 4, by: 'r1.3', reason: 'gone' }]), stuck)
    expect(items[0]!.cleared).toEqual({ by: 'r1.3', reason: 'gone' })
    applyDeadlockEvents(items, stamp([{ kind: 'run.start', title: 'again', source: 'x' }]), stuck)
    expect(items).toEqual([])
  })

  it('keeps a stuck wait until its process.resume, then marks it over', () => {
    const items: DeadlockItem[] = []
    const stuck: StuckItem[] = []
    applyDeadlockEvents(items, stamp([{ kind: 'process.stuck', lid: 'r1.2', pid: 12, wait: 3, on: 'pipe.recv', object: 'r1/1' }]), stuck)
    expect(stuck).toEqual([{ lid: 'r1.2', wait: 3, object: 'r1/1', t: 10, over: false }])
    applyDeadlockEvents(items, stamp([{ kind: 'process.resume', lid: 'r1.2', pid: 12, wait: 2, outcome: 'done', waitedUs: 5 }]), stuck)
    expect(stuck[0]!.over).toBe(false)
    applyDeadlockEvents(items, stamp([{ kind: 'process.resume', lid: 'r1.2', pid: 12, wait: 3, outcome: 'gone', waitedUs: 5 }]), stuck)
    expect(stuck[0]!.over).toBe(true)
  })

  it('the timeline shows all lanes, or only the focused ones in their order', () => {
    const lanes = ['r1', 'r1.2', 'r1.3', 'r1.4'].map((lid) => ({ lid }) as Lane)
    expect(focusedLanes(lanes, null)).toBe(lanes)
    expect(focusedLanes(lanes, ['r1.3', 'r1.2']).map((l) => l.lid)).toEqual(['r1.2', 'r1.3'])
  })
})
