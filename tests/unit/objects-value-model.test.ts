// The renderer's model of a Value or an Array: a card family of its own, fed by the totals the
// broker reads from shared memory (value.counts replaces, never adds) and its lock's abandonments.
import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src-shared/events'
import { applyObjectEvent, emptyObjects, publishObject } from '../../src-renderer/features/objects/objectsModel'

const R = { runId: 'r1' }
const P = { lid: 'r1.L0', pid: 100 }

describe('objects model: Value and Array', () => {
  it('shows the latest totals, counts abandonments, and keeps an Array’s length', () => {
    const model = emptyObjects()
    const events: LabEvent[] = [
      { seq: 1, t: 10, ...R, kind: 'object.create', ...P, object: 'r1.L0/1', type: 'value', name: 'counter', capacity: 1 },
      { seq: 2, t: 11, ...R, kind: 'object.create', ...P, object: 'r1.L0/2', type: 'array', name: 'grid', capacity: 64 },
      { seq: 3, t: 20, ...R, kind: 'value.counts', ...P, object: 'r1.L0/1', reads: 10, writes: 9, acquires: 9, contended: 2 },
      { seq: 4, t: 30, ...R, kind: 'value.counts', ...P, object: 'r1.L0/1', reads: 400001, writes: 400000, acquires: 400000, contended: 1234 },
      { seq: 5, t: 40, ...R, kind: 'lock.abandoned', lid: 'r1.L1', pid: 101, object: 'r1.L0/1', heldUs: 5000 },
    ]
    const touched = new Set<string>()
    for (const event of events) applyObjectEvent(model, event, touched)
    const counter = publishObject(model.objects['r1.L0/1']!)
    expect(counter).toMatchObject({ family: 'value', name: 'counter', length: 1, reads: 400001, writes: 400000, acquires: 400000, contended: 1234, abandoned: 1, countedT: 30 })
    expect(model.objects['r1.L0/2']).toMatchObject({ family: 'value', type: 'array', length: 64, reads: 0, countedT: null })
    expect([...touched].sort()).toEqual(['r1.L0/1', 'r1.L0/2'])
  })
})
