// Deadlock events (issue 17) in the exports: a Chrome trace instant on the host naming the cycle and
// one on each member's track; a CSV row with the deadlock's number and the cycle in its detail; the
// replay's shape check accepts them and refuses a damaged cycle.
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
const cycle = [
  { lid: 'A', pid: 11, waitsFor: 'r1/2' },
  { lid: 'B', pid: 12, waitsFor: 'r1/1' },
]
const events = [
  { seq: 1, t: 0, ...R, kind: 'run.start', title: 'deadlock', source: 'deadlock-two-locks' },
  { seq: 2, t: 1, ...R, kind: 'process.start', lid: 'A', pid: 11, ppid: 1, name: 'worker-1', daemon: false, parentLid: null, target: 'worker' },
  { seq: 3, t: 2, ...R, kind: 'process.start', lid: 'B', pid: 12, ppid: 1, name: 'worker-2', daemon: false, parentLid: null, target: 'worker' },
  { seq: 4, t: 10, ...R, kind: 'deadlock.found', deadlock: 7, cycle, stuck: [] },
  { seq: 5, t: 20, ...R, kind: 'deadlock.cleared', deadlock: 7, by: 'A', reason: 'gone' },
  { seq: 6, t: 21, ...R, kind: 'process.stuck', lid: 'B', pid: 12, wait: 1, on: 'pipe.recv', object: 'r1/3' },
  { seq: 7, t: 21, ...R, kind: 'process.exit', lid: 'A', pid: 11, exitCode: -15, signal: 'SIGTERM' },
  { seq: 8, t: 22, ...R, kind: 'process.exit', lid: 'B', pid: 12, exitCode: -15, signal: 'SIGTERM' },
  { seq: 9, t: 30, ...R, kind: 'run.end', ok: true, error: null, durationUs: 30 },
]

async function exported(format: 'csv' | 'chrome-trace'): Promise<string> {
  const file = join(dir, 'deadlock.ndjson')
  await writeSessionFile(file, events)
  const { out, text } = collect()
  await exportSession(file, format, out, { onWarning: () => {} })
  return text()
}

describe('deadlock events in exports', () => {
  it('are instants in a Chrome trace: the cycle on the host, a mark on each member', async () => {
    const trace = JSON.parse(await exported('chrome-trace')) as { traceEvents: TraceEvent[] }
    expect(traceProblems(trace)).toEqual([])
    const instants = trace.traceEvents.filter((e) => e.cat === 'deadlock')
    expect(instants.map((e) => [e.name, e.ph, e.ts])).toEqual([
      ['deadlock 7', 'i', 10],
      ['deadlock 7: waits for r1/2', 'i', 10],
      ['deadlock 7: waits for r1/1', 'i', 10],
      ['deadlock 7 cleared', 'i', 20],
      ['stuck in recv r1/3', 'i', 21],
    ])
    expect(instants[0]!.args).toMatchObject({ cycle: 'A → r1/2 → B → r1/1' })
    // The members' marks are on their own processes' tracks, not the host's.
    expect(new Set(instants.slice(1, 3).map((e) => e.pid)).size).toBe(2)
    expect(instants[1]!.pid).not.toBe(instants[0]!.pid)
  })

  it('are rows in CSV with the deadlock number as the value and the cycle in the detail', async () => {
    const rows = parseCsv(await exported('csv'))
    const found = rows.find((row) => row[3] === 'deadlock.found')!
    expect(found[7]).toBe('7')
    expect(JSON.parse(found[8]!)).toMatchObject({ cycle, stuck: [] })
    const cleared = rows.find((row) => row[3] === 'deadlock.cleared')!
    expect(JSON.parse(cleared[8]!)).toMatchObject({ by: 'A', reason: 'gone' })
  })

  it('pass the replay shape check, and a damaged cycle does not', () => {
    for (const event of events) expect(shapeProblem(event)).toBeNull()
    expect(shapeProblem({ ...events[3]!, cycle: [] })).toBe('its cycle is not a list of { lid, pid, waitsFor } links')
    expect(shapeProblem({ ...events[3]!, cycle: [{ lid: 'A', pid: 11 }] })).toBe('its cycle is not a list of { lid, pid, waitsFor } links')
    expect(shapeProblem({ ...events[3]!, stuck: [1] })).toBe('its stuck is not a list of lids')
  })
})
