// The paused view's queue items (issue 17): a queue card shows the first items the host previews
// (object.items, at the pause and after each step) with the total, until the run resumes or ends.
import { describe, expect, it } from 'vitest'
import type { EventBody, LabEvent } from '../../src-shared/events'
import { applyObjectEvent, emptyObjects, publishObject, type ObjectsModel, type PipeModel, type QueueModel } from '../../src-renderer/features/objects/objectsModel'

const p = { lid: 'L1', pid: 101 }

function fold(model: ObjectsModel, bodies: EventBody[], touched?: Set<string>): void {
  for (const body of bodies) applyObjectEvent(model, { ...body, seq: model.lastSeq + 1, t: model.lastSeq + 1, runId: 'r1' } as LabEvent, touched)
}

function queueRun(): ObjectsModel {
  const model = emptyObjects()
  fold(model, [
    { kind: 'run.start', title: 't', source: 's' },
    { kind: 'object.create', ...p, object: 'q1', type: 'queue', name: 'orders', capacity: null },
    { kind: 'object.create', ...p, object: 'l1', type: 'lock', name: 'tally', capacity: 1 },
    { kind: 'object.create', ...p, object: 'p1', type: 'pipe', name: 'wire', capacity: null },
    { kind: 'queue.put', ...p, object: 'q1', depth: 1 },
  ])
  return model
}

const queue = (model: ObjectsModel) => model.objects.q1 as QueueModel

describe('a paused queue card', () => {
  it('shows no items while the run goes on, then the latest preview and total until the resume', () => {
    const model = queueRun()
    expect(queue(model).items).toBeNull()
    const touched = new Set<string>()
    fold(model, [{ kind: 'run.paused', processes: 3 }, { kind: 'object.items', object: 'q1', part: null, items: ['1', '2', '3'], total: 14 }], touched)
    expect(queue(model).items).toEqual({ previews: ['1', '2', '3'], total: 14 })
    expect(touched.has('q1')).toBe(true)
    // After a step that took one: the newer preview replaces the older.
    fold(model, [{ kind: 'queue.get', ...p, object: 'q1', depth: 0 }, { kind: 'object.items', object: 'q1', part: null, items: ['2', '3'], total: 13 }])
    expect(queue(model).items).toEqual({ previews: ['2', '3'], total: 13 })
    // A published copy keeps what it showed.
    const shown = publishObject(queue(model)) as QueueModel
    touched.clear()
    fold(model, [{ kind: 'run.resumed', pausedUs: 10, held: 0, reason: 'user' }], touched)
    expect(queue(model).items).toBeNull()
    expect(touched.has('q1')).toBe(true)
    expect(shown.items).toEqual({ previews: ['2', '3'], total: 13 })
  })

  it('ignores items of an object that is no queue, and forgets them at the run end', () => {
    const model = queueRun()
    fold(model, [{ kind: 'object.items', object: 'l1', part: null, items: ['x'], total: 1 }, { kind: 'object.items', object: 'q1', part: null, items: [], total: 0 }])
    expect((model.objects.l1 as unknown as { items?: unknown }).items).toBeUndefined()
    expect(queue(model).items).toEqual({ previews: [], total: 0 })
    fold(model, [{ kind: 'run.end', ok: true, error: null, durationUs: 5 }])
    expect(queue(model).items).toBeNull()
  })

  it('a pipe keeps the messages on their way to each end apart, until the resume', () => {
    const model = queueRun()
    const pipe = () => model.objects.p1 as PipeModel
    expect(pipe().items).toBeNull()
    fold(model, [{ kind: 'run.paused', processes: 2 }, { kind: 'object.items', object: 'p1', part: 1, items: ["'hi'"], total: 3 }])
    expect(pipe().items).toEqual([null, { previews: ["'hi'"], total: 3 }])
    const shown = publishObject(pipe()) as PipeModel
    fold(model, [{ kind: 'object.items', object: 'p1', part: 0, items: [], total: 0 }])
    expect(pipe().items).toEqual([{ previews: [], total: 0 }, { previews: ["'hi'"], total: 3 }])
    expect(shown.items).toEqual([null, { previews: ["'hi'"], total: 3 }])
    fold(model, [{ kind: 'run.resumed', pausedUs: 10, held: 0, reason: 'user' }])
    expect(pipe().items).toBeNull()
  })
})
