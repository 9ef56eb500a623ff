// The renderer's model of a Manager's dict, list or Namespace: the contents come whole with each
// write that changed them (the latest replaces what was shown; a write without them keeps it),
// reads and refusals are counted, the last call named, and a shutdown empties it for good.
import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src-shared/events'
import { applyObjectEvent, emptyObjects, publishObject } from '../../src-renderer/features/objects/objectsModel'

const R = { runId: 'r1' }
const P = { lid: 'r1.L0', pid: 100 }
const W = { lid: 'r1.L1', pid: 101 }
const D = 'r1.L0/1'

describe('objects model: Manager proxies', () => {
  it('shows the contents of the latest write, counts the calls and names the last one', () => {
    const model = emptyObjects()
    const events: LabEvent[] = [
      { seq: 1, t: 10, ...R, kind: 'object.create', ...P, object: D, type: 'dict', name: 'results', capacity: null },
      { seq: 2, t: 11, ...R, kind: 'object.create', ...P, object: 'r1.L0/2', type: 'namespace', name: 'ns', capacity: null },
      { seq: 3, t: 20, ...R, kind: 'manager.write', ...W, object: D, op: 'set', key: "'a'", size: 1, entries: [{ key: "'a'", value: '1' }], more: 0 },
      { seq: 4, t: 21, ...R, kind: 'manager.write', ...W, object: D, op: 'update', key: null, size: 30, entries: [{ key: "'a'", value: '2' }], more: 29 },
      { seq: 5, t: 22, ...R, kind: 'manager.read', ...P, object: D, op: 'get', key: "'a'", size: 30 },
      { seq: 6, t: 22, ...R, kind: 'manager.write', ...W, object: D, op: 'set', key: "'zz'", size: 31, more: 30 },
      { seq: 7, t: 23, ...R, kind: 'manager.refused', ...P, object: D, op: 'getItem', key: "'z'", error: "no key 'z' in the dict" },
    ]
    const touched = new Set<string>()
    for (const event of events) applyObjectEvent(model, event, touched)
    expect(publishObject(model.objects[D]!)).toMatchObject({
      family: 'proxy',
      type: 'dict',
      entries: [{ key: "'a'", value: '2' }],
      size: 31,
      more: 30,
      reads: 1,
      writes: 3,
      refused: 1,
      last: { op: 'getItem', key: "'z'", lid: 'r1.L0', pid: 100, refused: true },
      shut: false,
    })
    expect(model.objects['r1.L0/2']).toMatchObject({ family: 'proxy', type: 'namespace', entries: [], size: 0, last: null })
    expect([...touched].sort()).toEqual([D, 'r1.L0/2'])

    applyObjectEvent(model, { seq: 8, t: 30, ...R, kind: 'manager.write', ...P, object: D, op: 'shutdown', key: null, size: 0, entries: [], more: 0 })
    expect(model.objects[D]).toMatchObject({ entries: [], size: 0, shut: true, writes: 4 })
  })
})
