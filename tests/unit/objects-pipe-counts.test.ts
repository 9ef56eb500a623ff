// The pipe card's totals (src-renderer/features/objects/objectsModel.ts) from events that each stand for one
// message (the broker path) and from summaries of many (a shared-memory pipe: `count`, `sized`).
import { describe, expect, it } from 'vitest'
import type { EventBody, LabEvent } from '../../src-shared/events'
import { applyObjectEvent, emptyObjects, type PipeModel } from '../../src-renderer/features/objects/objectsModel'

const p = { lid: 'L1', pid: 101 }

function pipeAfter(bodies: EventBody[]): PipeModel {
  const model = emptyObjects()
  const events = [{ kind: 'run.start', title: 't', source: 's' }, { kind: 'object.create', ...p, object: 'o1', type: 'pipe', name: 'pipe', capacity: null }, ...bodies]
  events.forEach((body, i) => applyObjectEvent(model, { ...body, seq: i + 1, t: i, runId: 'r1' } as LabEvent))
  return model.objects.o1 as PipeModel
}

describe('a pipe card', () => {
  it('adds the count of a summarised event, and its sized messages and bytes', () => {
    const pipe = pipeAfter([
      { kind: 'pipe.send', ...p, object: 'o1', end: 1, bytes: null },
      { kind: 'pipe.send', ...p, object: 'o1', end: 1, bytes: 300, count: 2500, sized: 3 },
      { kind: 'pipe.recv', ...p, object: 'o1', end: 0, bytes: 300, count: 2501, sized: 3 },
      { kind: 'pipe.send', ...p, object: 'o1', end: 1, bytes: 64 },
    ] as EventBody[])
    expect(pipe.dirs[1]).toMatchObject({ sent: 2502, bytesSent: 364, sizedSends: 4, received: 2501, bytesReceived: 300 })
  })
})
