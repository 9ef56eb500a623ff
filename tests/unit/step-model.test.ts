// Step (issue 17), the renderer's side: the fold of run.step / process.at (and what a stepped process
// does between them) into what the Lab tree and the details drawer show, fed events as the host sends them.
import { describe, expect, it } from 'vitest'
import type { EventBody, FrameEvent } from '../../src-shared/events'
import { applyStepEvents, deedsText, emptySteps, isStepping, MAX_DEEDS, shortLine, stepText, stepWhere, type StepModel } from '../../src-renderer/features/lab/stepModel'
import { messages } from '../../src-renderer/shared/i18n/messages/lab'
import type { MessageTree } from '../../src-renderer/shared/i18n/types'
import { applyTimelineEvents, emptyTimeline } from '../../src-renderer/features/timeline/timelineModel'

const C = { lid: 'r1.3', pid: 13 }
const P = { lid: 'r1.2', pid: 12 }

/** Stamps bodies after those stamped before, as the host numbers its events. */
function stamper(runId = 'r1') {
  let seq = 0
  return (bodies: EventBody[]): FrameEvent[] => bodies.map((body) => ({ ...body, seq: ++seq, t: seq * 10, runId }) as FrameEvent)
}

/** A t() over the real English (or Chinese) lab messages, enough to check the words. */
function tOf(lang: 'en' | 'zh') {
  return (key: string, named: Record<string, unknown> = {}): string => {
    const path = key.replace(/^lab\./, '').split('.')
    const message = path.reduce<string | MessageTree>((node, k) => (node as MessageTree)[k] as string | MessageTree, messages[lang]) as string
    return message.replace(/\{(\w+)\}/g, (_, name: string) => String(named[name]))
  }
}
const t = tOf('en')

/** A run with a queue "orders" and a lock "tally", paused. */
function pausedRun(): { model: StepModel; stamp: ReturnType<typeof stamper> } {
  const model = emptySteps()
  const stamp = stamper()
  applyStepEvents(
    model,
    stamp([
      { kind: 'run.start', title: 'step', source: 'step.mjs' },
      { kind: 'object.create', lid: 'r1.1', pid: 11, object: 'r1/1', type: 'queue', name: 'orders', capacity: null },
      { kind: 'object.create', lid: 'r1.1', pid: 11, object: 'r1/2', type: 'lock', name: 'tally', capacity: 1 },
      { kind: 'queue.put', ...P, object: 'r1/1', depth: 1 },
      { kind: 'run.paused', processes: 3 },
    ]),
  )
  return { model, stamp }
}

describe('step model', () => {
  it('says stepping between run.step and process.at, then where it stopped and what it did', () => {
    const { model, stamp } = pausedRun()
    expect(model.paused).toBe(true)
    expect(model.steps).toEqual({})
    expect(applyStepEvents(model, stamp([{ kind: 'run.step', ...C }]))).toBe(true)
    expect(isStepping(model, C.lid)).toBe(true)
    expect(isStepping(model, P.lid)).toBe(false)
    expect(stepText(t, model, model.steps[C.lid])?.short).toBe('stepping…')

    // What it did during the step: one get (its output is not a deed, nor another process's event).
    applyStepEvents(
      model,
      stamp([
        { kind: 'queue.get', ...C, object: 'r1/1', depth: 0 },
        { kind: 'stdout', ...C, line: 'got 0' },
        { kind: 'queue.put', ...P, object: 'r1/1', depth: 1 },
        { kind: 'process.at', ...C, op: 'lock.acquire', object: 'r1/2', line: '/home/u/lab/step.mjs:14' },
      ]),
    )
    const step = model.steps[C.lid]!
    expect(step.phase).toBe('at')
    expect(step.count).toBe(1)
    expect(step.at).toEqual({ op: 'lock.acquire', object: 'r1/2', line: '/home/u/lab/step.mjs:14' })
    expect(deedsText(model, step)).toEqual(['queue.get orders'])
    expect(isStepping(model, C.lid)).toBe(false)
    expect(stepText(t, model, step)).toEqual({
      short: 'at lock.acquire tally · step.mjs:14',
      full: 'Stopped by Step just before lock.acquire tally: the next Step does it (/home/u/lab/step.mjs:14)',
    })
    expect(stepText(tOf('zh'), model, step)?.short).toBe('停在 lock.acquire tally 之前 · step.mjs:14')
  })

  it('a second step starts afresh and counts; an unknown line or object reads without them', () => {
    const { model, stamp } = pausedRun()
    applyStepEvents(model, stamp([{ kind: 'run.step', ...C }, { kind: 'process.at', ...C, op: 'queue.get', object: 'r1/1', line: null }]))
    expect(stepText(t, model, model.steps[C.lid])?.short).toBe('at queue.get orders')
    expect(deedsText(model, model.steps[C.lid]!)).toEqual([])
    applyStepEvents(model, stamp([{ kind: 'run.step', ...C }]))
    expect(model.steps[C.lid]).toMatchObject({ phase: 'stepping', at: null, deeds: [], count: 2 })
    applyStepEvents(model, stamp([{ kind: 'process.at', ...C, op: 'event.wait', object: 'r1/9', line: 'C:\\lab\\step.mjs:3' }]))
    // An object the model never saw created is named by its id.
    expect(stepText(t, model, model.steps[C.lid])?.short).toBe('at event.wait r1/9 · step.mjs:3')
    expect(stepWhere(model, { op: 'barrier.wait', object: null, line: null })).toEqual({ what: 'barrier.wait', line: null, fullLine: null })
  })

  it('clears every step at run.resumed, and at the run end', () => {
    const { model, stamp } = pausedRun()
    applyStepEvents(model, stamp([{ kind: 'run.step', ...C }, { kind: 'run.step', ...P }, { kind: 'process.at', ...P, op: 'queue.put', object: 'r1/1', line: null }]))
    expect(Object.keys(model.steps).sort()).toEqual([P.lid, C.lid])
    expect(applyStepEvents(model, stamp([{ kind: 'run.resumed', pausedUs: 100, held: 0, reason: 'user' }]))).toBe(true)
    expect(model.steps).toEqual({})
    expect(model.paused).toBe(false)
    // Events after the resume are nobody's step.
    expect(applyStepEvents(model, stamp([{ kind: 'queue.get', ...C, object: 'r1/1', depth: 0 }]))).toBe(false)
    applyStepEvents(model, stamp([{ kind: 'run.paused', processes: 3 }, { kind: 'run.step', ...C }]))
    expect(isStepping(model, C.lid)).toBe(true)
    applyStepEvents(model, stamp([{ kind: 'run.end', ok: false, error: null, durationUs: 500, stopped: true }]))
    expect(model.steps).toEqual({})
  })

  it('a process that exits during its step ends it', () => {
    const { model, stamp } = pausedRun()
    applyStepEvents(model, stamp([{ kind: 'run.step', ...C }, { kind: 'process.exit', ...C, exitCode: 0, signal: null }]))
    expect(model.steps[C.lid]?.phase).toBe('ended')
    expect(isStepping(model, C.lid)).toBe(false)
    expect(deedsText(model, model.steps[C.lid]!)).toEqual(['process.exit'])
    expect(stepText(t, model, model.steps[C.lid])?.short).toBe('exited during its step')
  })

  it('ignores events seen already (a snapshot and a frame overlap) and those of another run', () => {
    const { model, stamp } = pausedRun()
    const [step] = stamp([{ kind: 'run.step', ...C }])
    applyStepEvents(model, [step!])
    const [at] = stamp([{ kind: 'process.at', ...C, op: 'queue.get', object: 'r1/1', line: null }])
    applyStepEvents(model, [at!])
    expect(applyStepEvents(model, [step!, at!])).toBe(false)
    expect(model.steps[C.lid]?.count).toBe(1)
    const other = { kind: 'run.step', ...P, seq: 1000, t: 1000, runId: 'r0' } as FrameEvent
    expect(applyStepEvents(model, [other])).toBe(false)
    expect(model.steps[P.lid]).toBeUndefined()
  })

  it('a new run forgets the old one, names included; a late UI learns the run from its first event', () => {
    const { model, stamp } = pausedRun()
    applyStepEvents(model, stamp([{ kind: 'run.step', ...C }, { kind: 'run.start', title: 'again', source: 'x' }]))
    expect(model).toMatchObject({ paused: false, steps: {}, names: {} })

    const late = emptySteps()
    const stampLate = stamper('r7')
    applyStepEvents(late, stampLate([{ kind: 'run.paused', processes: 2 }, { kind: 'process.at', ...C, op: 'pipe.recv', object: null, line: 'a.mjs:1' }]))
    // A process.at whose run.step came before this UI connected still says where it stands.
    expect(late.runId).toBe('r7')
    expect(stepText(t, late, late.steps[C.lid])?.short).toBe('at pipe.recv · a.mjs:1')
  })

  it('keeps at most MAX_DEEDS deeds of a step and counts the rest', () => {
    const { model, stamp } = pausedRun()
    applyStepEvents(model, stamp([{ kind: 'run.step', ...C }]))
    applyStepEvents(model, stamp(Array.from({ length: MAX_DEEDS + 3 }, () => ({ kind: 'queue.get', ...C, object: 'r1/1', depth: 0 }) as EventBody)))
    expect(model.steps[C.lid]?.deeds).toHaveLength(MAX_DEEDS)
    expect(model.steps[C.lid]?.moreDeeds).toBe(3)
  })

  it('shortens a script path to its file name and line', () => {
    expect(shortLine('/a/b/step.mjs:14')).toBe('step.mjs:14')
    expect(shortLine('C:\\a\\step.ts:2')).toBe('step.ts:2')
    expect(shortLine('step.mjs:1')).toBe('step.mjs:1')
  })

  it('the timeline marks each step as an instant on the lane of its process', () => {
    const model = emptyTimeline()
    const stamp = stamper()
    applyTimelineEvents(
      model,
      stamp([
        { kind: 'run.start', title: 'step', source: 'step.mjs' },
        { kind: 'process.start', ...C, ppid: 11, name: 'consumer', daemon: false, parentLid: 'r1.1', target: 'consumer' },
        { kind: 'run.paused', processes: 2 },
        { kind: 'run.step', ...C },
        { kind: 'process.at', ...C, op: 'queue.get', object: 'r1/1', line: null },
      ]),
    )
    const steps = model.ticks.filter((tick) => tick.kind === 'run.step')
    expect(steps).toEqual([{ t: 40, lid: C.lid, kind: 'run.step', object: null, value: null, text: null }])
  })
})
