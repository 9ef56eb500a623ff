// Step (issue 17), the store behind the Step buttons and the s key: when it may step, that the button
// stays greyed from the press until the step's end, how a refusal is kept and cleared, and that a
// replay position shows the steps of its events. The host is stood in for by a stub of `call`.
import '../../helpers/rendererGlobals'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventBody, FrameEvent } from '../../../src-shared/events'
import { i18n } from '../../../src-renderer/shared/i18n'
import { useRunStore } from '../../../src-renderer/features/lab/run'
import { useStepsStore } from '../../../src-renderer/features/lab/steps'
import { useStepAction } from '../../../src-renderer/features/lab/stepAction'

const host = vi.hoisted(() => ({
  answers: [] as Array<{ stepping: true; refused: null } | { stepping: false; refused: string }>,
  calls: [] as Array<{ name: string; args: unknown }>,
}))
vi.mock('../../../src-renderer/shared/transport', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-renderer/shared/transport')>()
  return {
    ...real,
    call: vi.fn(async (name: string, args: unknown) => {
      host.calls.push({ name, args })
      const answer = host.answers.shift()
      if (!answer) throw new Error('the host is gone')
      return answer
    }),
  }
})
const { answers, calls } = host

const C = { lid: 'r1.3', pid: 13 }
let seq = 0
const stamp = (...bodies: EventBody[]): FrameEvent[] => bodies.map((body) => ({ ...body, seq: ++seq, t: seq * 10, runId: 'r1' }) as FrameEvent)

function liveRun() {
  const run = useRunStore()
  run.foldMore(
    stamp(
      { kind: 'run.start', title: 'step', source: 'step.mjs' },
      { kind: 'process.start', lid: 'r1.1', pid: 11, ppid: 1, name: 'main', daemon: false, parentLid: null, target: 'main' },
      { kind: 'process.start', ...C, ppid: 11, name: 'consumer', daemon: false, parentLid: 'r1.1', target: 'consumer' },
      { kind: 'object.create', lid: 'r1.1', pid: 11, object: 'r1/1', type: 'queue', name: 'orders', capacity: null },
    ),
  )
  return run
}

describe('steps store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    // English words for the refusals (setLocale also writes to the page, which plain Node has not).
    ;(i18n.global.locale as unknown as { value: string }).value = 'en'
    answers.length = 0
    calls.length = 0
  })

  it('steps only a live process of a paused run, and greys the button from the press to the step', async () => {
    const run = liveRun()
    const steps = useStepsStore()
    const action = useStepAction()
    expect(action.canStep(C.lid)).toBe(false) // not paused
    run.foldMore(stamp({ kind: 'run.paused', processes: 2 }))
    expect(action.canStep(C.lid)).toBe(true)
    expect(action.canStep('r1.9')).toBe(false) // no such process

    answers.push({ stepping: true, refused: null })
    const asked = action.step(C.lid)
    expect(steps.busy(C.lid)).toBe(true)
    await asked
    expect(calls).toEqual([{ name: 'run.step', args: { lid: C.lid } }])
    // Answered, but its run.step has not come: still greyed, and a second press asks nothing.
    expect(steps.busy(C.lid)).toBe(true)
    await action.step(C.lid)
    expect(calls).toHaveLength(1)
    run.foldMore(stamp({ kind: 'run.step', ...C }))
    expect(steps.busy(C.lid)).toBe(true)
    expect(steps.steps[C.lid]?.phase).toBe('stepping')
    run.foldMore(stamp({ kind: 'queue.get', ...C, object: 'r1/1', depth: 0 }, { kind: 'process.at', ...C, op: 'queue.get', object: 'r1/1', line: 'step.mjs:12' }))
    expect(steps.busy(C.lid)).toBe(false)
    expect(steps.steps[C.lid]).toMatchObject({ phase: 'at', at: { op: 'queue.get', object: 'r1/1', line: 'step.mjs:12' }, deeds: [{ kind: 'queue.get', object: 'r1/1' }] })
    expect(steps.names).toEqual({ 'r1/1': 'orders' })

    run.foldMore(stamp({ kind: 'run.resumed', pausedUs: 5, held: 0, reason: 'user' }))
    expect(steps.steps).toEqual({})
    expect(action.canStep(C.lid)).toBe(false)
  })

  it('keeps a refusal (or a failed call) in words until the next step or the resume', async () => {
    const run = liveRun()
    const steps = useStepsStore()
    const action = useStepAction()
    run.foldMore(stamp({ kind: 'run.paused', processes: 2 }))
    answers.push({ stepping: false, refused: 'it is stepping already' })
    await action.step(C.lid)
    expect(steps.errors[C.lid]).toBe('Could not step consumer: it is stepping already')
    expect(steps.busy(C.lid)).toBe(false)
    await action.step(C.lid) // no answer queued: the call throws
    expect(steps.errors[C.lid]).toBe('Could not step consumer: the host is gone')
    run.foldMore(stamp({ kind: 'run.resumed', pausedUs: 5, held: 0, reason: 'user' }))
    expect(steps.errors).toEqual({})
  })

  it('a replay shows the steps of the events up to its position, and cannot step', () => {
    const run = useRunStore()
    const steps = useStepsStore()
    const action = useStepAction()
    run.enterReplay()
    run.showEvents([
      ...stamp(
        { kind: 'run.start', title: 'step', source: 'step.mjs' },
        { kind: 'process.start', ...C, ppid: 11, name: 'consumer', daemon: false, parentLid: null, target: 'consumer' },
        { kind: 'run.paused', processes: 1 },
        { kind: 'run.step', ...C },
        { kind: 'process.at', ...C, op: 'lock.acquire', object: null, line: null },
      ),
    ])
    expect(run.paused).not.toBeNull()
    expect(steps.steps[C.lid]?.phase).toBe('at')
    expect(action.canStep(C.lid)).toBe(false)
  })
})
