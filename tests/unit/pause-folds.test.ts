// How the UI reads a run's pauses (issue 17): the Lab's run model (its clock leaves paused time
// out and stands still while paused) and the timeline (a band per pause), live and from a file.
import { describe, expect, it } from 'vitest'
import type { EventBody, LabEvent } from '../../src-shared/events'
import { applyEvent, emptyRun, runElapsedUs } from '../../src-renderer/features/lab/runModel'
import { applyTimelineEvents, emptyTimeline, pausedWithin } from '../../src-renderer/features/timeline/timelineModel'

function stamp(bodies: Array<[number, EventBody]>, runId = 'r1'): LabEvent[] {
  return bodies.map(([t, body], i) => ({ ...body, seq: i + 1, t, runId }) as LabEvent)
}

const main = { lid: 'r1', pid: 100 }
const events = stamp([
  [1_000, { kind: 'run.start', title: 't', source: 's' }],
  [1_100, { kind: 'process.start', ...main, ppid: 1, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' }],
  [2_000, { kind: 'run.paused', processes: 1 }],
  [5_000, { kind: 'run.resumed', pausedUs: 3_000, held: 2, reason: 'user' }],
  [6_000, { kind: 'run.paused', processes: 1 }],
  [7_000, { kind: 'run.resumed', pausedUs: 1_000, held: 0, reason: 'stop' }],
  [8_000, { kind: 'run.end', ok: false, error: null, durationUs: 7_000, stopped: true, pausedUs: 4_000 }],
])

describe('the run model and its clock', () => {
  it('stands still while paused and leaves paused time out', () => {
    const model = emptyRun()
    for (const event of events.slice(0, 3)) applyEvent(model, event)
    expect(model.paused).toEqual({ since: 2_000 })
    // Paused at 1 ms of run time, however late "now" is.
    expect(runElapsedUs(model, 2_500)).toBe(1_000)
    expect(runElapsedUs(model, 60_000)).toBe(1_000)
    applyEvent(model, events[3]!)
    expect(model.paused).toBeNull()
    expect(model.pausedUs).toBe(3_000)
    expect(runElapsedUs(model, 5_500)).toBe(1_500)
    for (const event of events.slice(4)) applyEvent(model, event)
    expect(model.running).toBe(false)
    expect(model.result).toMatchObject({ stopped: true, durationUs: 7_000, elapsedUs: 3_000 })
  })

  it('reads a run.end from before pausing existed as never paused', () => {
    const model = emptyRun()
    for (const event of stamp([
      [0, { kind: 'run.start', title: 't', source: 's' }],
      [9, { kind: 'run.end', ok: true, error: null, durationUs: 9 }],
    ]))
      applyEvent(model, event)
    expect(model.result?.elapsedUs).toBe(9)
  })
})

describe('the timeline', () => {
  it('keeps each pause as a band, ending at its resume or at the run end', () => {
    const model = emptyTimeline()
    applyTimelineEvents(model, events.slice(0, 5))
    expect(model.pauses).toEqual([{ start: 2_000, end: 5_000 }, { start: 6_000, end: null }])
    // A run that ends while paused ends its pause too (a lab main killed while paused).
    applyTimelineEvents(model, stamp([[9_000, { kind: 'run.end', ok: false, error: 'x', durationUs: 8_000 }]]).map((e) => ({ ...e, seq: 100 })))
    expect(model.pauses).toEqual([{ start: 2_000, end: 5_000 }, { start: 6_000, end: 9_000 }])
    expect(pausedWithin(model.pauses, 1_000, 9_000)).toBe(6_000)
    expect(pausedWithin(model.pauses, 4_000, 6_500)).toBe(1_500)
  })
})
