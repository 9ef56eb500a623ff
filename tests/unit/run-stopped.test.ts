// A run the user stopped is not a failure: the run model says stopped, with no error, for a run of
// this version (run.end's `stopped`) and for one recorded before it said so (its error text).
import { describe, expect, it } from 'vitest'
import { applyEvent, emptyRun } from '../../src-renderer/features/lab/runModel'
import { runEndStopped, type LabEvent } from '../../src-shared/events'

function ended(end: Partial<Extract<LabEvent, { kind: 'run.end' }>>) {
  const model = emptyRun()
  applyEvent(model, { seq: 1, t: 0, runId: 'r1', kind: 'run.start', title: 'sleeper', source: '/tmp/s.mjs' })
  applyEvent(model, { seq: 2, t: 9, runId: 'r1', kind: 'run.end', ok: false, error: null, durationUs: 9, ...end })
  return model.result
}

describe('a stopped run', () => {
  it('is stopped, not failed, with no error to show', () => {
    expect(ended({ stopped: true })).toEqual({ ok: false, stopped: true, error: null, durationUs: 9, elapsedUs: 9 })
  })

  it('is read as stopped from a session recorded before run.end said so', () => {
    expect(ended({ error: 'stopped by the user' })).toEqual({ ok: false, stopped: true, error: null, durationUs: 9, elapsedUs: 9 })
  })

  it('leaves a failure a failure, and an ok run ok', () => {
    expect(ended({ error: 'the lab main process exited with code 1', stopped: false })).toEqual({ ok: false, stopped: false, error: 'the lab main process exited with code 1', durationUs: 9, elapsedUs: 9 })
    expect(ended({ ok: true })).toEqual({ ok: true, stopped: false, error: null, durationUs: 9, elapsedUs: 9 })
  })

  it('runEndStopped trusts `stopped` when present, else the former error text', () => {
    expect(runEndStopped({ stopped: false, error: 'stopped by the user' })).toBe(false)
    expect(runEndStopped({ error: 'stopped by the user' })).toBe(true)
    expect(runEndStopped({ error: null })).toBe(false)
  })
})
