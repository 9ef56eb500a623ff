// A host records its whole session as it happens; the record reads back and exports.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { exportSession, loadSession } from '../../src-main/session'
import { monotonicMicros } from '../../src-main/lab/protocol'
import { runLab } from '../helpers/lab'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

describe('session log of a host', () => {
  it('records every event of a run, in order and without gaps, and exports it as a trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proclab-session-'))
    dirs.push(dir)
    const file = join(dir, 'run.ndjson')
    const wallBefore = Date.now()
    const monotonicBefore = monotonicMicros()
    const run = await runLab({ scenario: 'hello' }, { sessionLog: file })
    const session = await loadSession(file)
    expect(session.header).toMatchObject({ proclab: 'session', format: 1, hostPid: process.pid, platform: process.platform })
    // t = 0 on both clocks: the wall clock for people, the monotonic one (lab processes' stamps) for lining sessions up.
    expect(session.header.startedAtWall).toBeGreaterThanOrEqual(wallBefore)
    expect(session.header.startedAtMonotonicUs).toBeGreaterThanOrEqual(monotonicBefore)
    expect(session.header.startedAtMonotonicUs! + session.events.at(-1)!.t).toBeLessThanOrEqual(monotonicMicros())
    const seqs = session.events.map((e) => e.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    // Everything the host emitted during the run is on disk.
    expect(session.events.map((e) => e.kind)).toEqual(run.events.map((e) => e.kind))
    const out = new PassThrough()
    const chunks: Buffer[] = []
    out.on('data', (chunk: Buffer) => chunks.push(chunk))
    await exportSession(file, 'chrome-trace', out)
    const trace = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { traceEvents: Array<{ ph: string; name: string; args?: { name?: string } }> }
    const processNames = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args?.name)
    expect(processNames).toEqual(expect.arrayContaining([`MainProcess (${run.start('MainProcess').pid})`, `Process-1 (${run.start('Process-1').pid})`]))
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true)
  })
})
