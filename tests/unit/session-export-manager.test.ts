// Manager proxies' events in the exports: each call an instant on its caller's track named for
// what it did, a write also a size counter; CSV keeps every field; the replay's shape check
// accepts them and refuses a damaged entries list.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportSession } from '../../src-main/session/index'
import { shapeProblem } from '../../src-main/session/event-shape'
import { collect, parseCsv, tempDir, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'

let dir = ''
let cleanup = async () => {}
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

const R = { runId: 'r1' }
const events = [
  { seq: 1, t: 0, ...R, kind: 'process.start', lid: 'A', pid: 11, ppid: 1, name: 'worker', daemon: false, parentLid: null, target: 'work' },
  { seq: 2, t: 1, ...R, kind: 'object.create', lid: 'A', pid: 11, object: 'r1/1', type: 'dict', name: 'results', capacity: null },
  { seq: 3, t: 5, ...R, kind: 'manager.write', lid: 'A', pid: 11, object: 'r1/1', op: 'set', key: "'a'", size: 1, entries: [{ key: "'a'", value: '1' }], more: 0 },
  { seq: 4, t: 6, ...R, kind: 'manager.read', lid: 'A', pid: 11, object: 'r1/1', op: 'get', key: "'a'", size: 1 },
  { seq: 5, t: 7, ...R, kind: 'manager.refused', lid: 'A', pid: 11, object: 'r1/1', op: 'getItem', key: "'b'", error: "no key 'b' in the dict" },
]

async function exported(format: 'csv' | 'chrome-trace'): Promise<string> {
  const file = join(dir, 'manager.ndjson')
  await writeSessionFile(file, events)
  const { out, text } = collect()
  await exportSession(file, format, out, { onWarning: () => {} })
  return text()
}

describe('Manager events in exports', () => {
  it('are instants named for the call in a Chrome trace, with a size counter per write', async () => {
    const trace = JSON.parse(await exported('chrome-trace')) as { traceEvents: TraceEvent[] }
    expect(traceProblems(trace)).toEqual([])
    const instants = trace.traceEvents.filter((e) => e.cat === 'manager')
    expect(instants.map((e) => [e.name, e.ph, e.ts, e.pid])).toEqual([
      ['set results', 'i', 5, 11],
      ['get results', 'i', 6, 11],
      ['getItem results', 'i', 7, 11],
    ])
    expect(instants[0]!.args).toMatchObject({ object: 'results', op: 'set', key: "'a'", size: 1, more: 0 })
    expect(instants[0]!.args).not.toHaveProperty('entries')
    expect(instants[2]!.args).toMatchObject({ error: "no key 'b' in the dict" })
    expect(trace.traceEvents.filter((e) => e.ph === 'C').map((e) => [e.name, e.ts, e.args])).toEqual([['results size', 5, { size: 1 }]])
  })

  it('keep every field in CSV', async () => {
    const rows = parseCsv(await exported('csv'))
    const write = rows.find((row) => row[3] === 'manager.write')!
    expect(write[6]).toBe('results')
    expect(JSON.parse(write[8]!)).toMatchObject({ op: 'set', entries: [{ key: "'a'", value: '1' }] })
  })

  it('pass the replay shape check, and a damaged entries list does not', () => {
    for (const event of events) expect(shapeProblem(event)).toBeNull()
    expect(shapeProblem({ ...events[2]!, entries: undefined })).toBeNull()
    expect(shapeProblem({ ...events[2]!, entries: [{ key: 1 }] })).toBe('its entries is not a list of { key, value } previews')
  })
})
