// Pauses in the session (issue 17): a real run is paused and resumed with its session recorded;
// the file holds run.paused and run.resumed in order, the replay reads them, and every export
// keeps them (NDJSON as they are, a CSV row each, and a "paused" slice in the Chrome trace); a
// step in the pause is kept too (run.step, process.at; instants in the trace).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { CSV_COLUMNS, exportSession, loadSession } from '../../src-main/session'
import { runSource, waitUntil, withHost } from '../helpers/lab'
import { collect, parseCsv, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-pause-session-'))
  dirs.push(dir)
  return dir
}

async function exportText(file: string, format: 'ndjson' | 'csv' | 'chrome-trace'): Promise<string> {
  const { out, text } = collect()
  await exportSession(file, format, out, { onWarning: () => {} })
  return text()
}

describe('pauses in the session log and its exports', () => {
  it('records a real pause and resume, and every export keeps them', async () => {
    const dir = tempDir()
    const file = join(dir, 'paused.ndjson')
    const go = join(dir, 'go')
    const source = `
      import { existsSync } from 'node:fs'
      import { Process, Event } from 'proclab'
      export async function idle() {
        const never = new Event()
        while (!existsSync(${JSON.stringify(go)})) await never.wait(3)
      }
      export default async function main() {
        const p = new Process({ target: idle, name: 'idler' })
        await p.start()
        await p.join()
      }
    `
    const run = await runSource(source, {
      sessionLog: file,
      during: async (host, events) => {
        await waitUntil(() => events.some((e) => e.kind === 'process.start' && e.name === 'idler'), 60_000, 'the idler started')
        expect(await host.call('run.pause', {})).toEqual({ paused: true })
        const idler = events.find((e): e is EventOf<'process.start'> => e.kind === 'process.start' && e.name === 'idler')!
        expect(await host.call('run.step', { lid: idler.lid })).toEqual({ stepping: true, refused: null })
        await waitUntil(() => events.some((e) => e.kind === 'process.at'), 60_000, 'the idler stopped before its wait')
        expect(await host.call('run.resume', {})).toEqual({ resumed: true })
        writeFileSync(go, '')
      },
    })
    expect(run.end.ok).toBe(true)
    const session = await loadSession(file)
    expect(session.warnings).toEqual([])
    const paused = session.events.find((e): e is EventOf<'run.paused'> => e.kind === 'run.paused')!
    const resumed = session.events.find((e): e is EventOf<'run.resumed'> => e.kind === 'run.resumed')!
    const end = session.events.find((e): e is EventOf<'run.end'> => e.kind === 'run.end')!
    expect(paused.seq).toBeLessThan(resumed.seq)
    // The lab main and the idler, at least.
    expect(paused.processes).toBeGreaterThanOrEqual(2)
    expect(resumed).toMatchObject({ reason: 'user', pausedUs: resumed.t - paused.t })
    expect(end.pausedUs).toBe(resumed.pausedUs)

    const ndjson = (await exportText(file, 'ndjson')).split('\n').filter(Boolean).slice(1).map((line) => JSON.parse(line) as { kind: string })
    expect(ndjson.filter((e) => e.kind.startsWith('run.')).map((e) => e.kind)).toEqual(['run.start', 'run.paused', 'run.step', 'run.resumed', 'run.end'])
    expect(ndjson.find((e) => e.kind === 'process.at')).toMatchObject({ op: 'event.wait', line: 'lab.mjs:6' })

    const rows = parseCsv(await exportText(file, 'csv'))
    const byKind = (kind: string) => rows.slice(1).map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))).find((r) => r.kind === kind)
    expect(byKind('run.paused')).toMatchObject({ seq: String(paused.seq), t_us: String(paused.t) })
    expect(JSON.parse(byKind('run.paused')!.detail!)).toMatchObject({ processes: paused.processes })
    expect(byKind('run.resumed')).toMatchObject({ seq: String(resumed.seq), value: String(resumed.pausedUs) })

    const trace = JSON.parse(await exportText(file, 'chrome-trace')) as { traceEvents: TraceEvent[] }
    expect(traceProblems(trace)).toEqual([])
    const slices = trace.traceEvents.filter((e) => e.ph === 'X' && e.name === 'paused')
    expect(slices).toHaveLength(1)
    expect(slices[0]).toMatchObject({ ts: paused.t, dur: resumed.pausedUs, cat: 'pause' })
    expect(trace.traceEvents.filter((e) => e.ph === 'i').map((e) => e.name)).toEqual(expect.arrayContaining(['step', 'stopped before event.wait']))
  })

  it('draws a pause the run ended in (no resume in the file) up to the run end', async () => {
    const dir = tempDir()
    const file = join(dir, 'cut.ndjson')
    const R = { runId: 'r1' }
    await writeSessionFile(file, [
      { seq: 1, t: 0, ...R, kind: 'run.start', title: 't', source: 's' },
      { seq: 2, t: 10, ...R, kind: 'process.start', lid: 'r1', pid: 11, ppid: 1, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' },
      { seq: 3, t: 100, ...R, kind: 'run.paused', processes: 1 },
      { seq: 4, t: 400, ...R, kind: 'process.exit', lid: 'r1', pid: 11, exitCode: -9, signal: 'SIGKILL' },
      { seq: 5, t: 500, ...R, kind: 'run.end', ok: false, error: 'killed', durationUs: 500 },
    ])
    const trace = JSON.parse(await exportText(file, 'chrome-trace')) as { traceEvents: TraceEvent[] }
    expect(traceProblems(trace)).toEqual([])
    expect(trace.traceEvents.filter((e) => e.ph === 'X' && e.name === 'paused')).toMatchObject([{ ts: 100, dur: 400 }])
  })

  it('replays a recorded pause: sessions.read hands both events to the UI, whose shapes they pass', async () => {
    const dir = tempDir()
    const id = 'session-2025-01-01T00-00-00-000Z-1.ndjson'
    const R = { runId: 'r1' }
    await writeSessionFile(join(dir, id), [
      { seq: 1, t: 0, ...R, kind: 'run.start', title: 't', source: 's' },
      { seq: 2, t: 10, ...R, kind: 'process.start', lid: 'r1', pid: 11, ppid: 1, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' },
      { seq: 3, t: 100, ...R, kind: 'run.paused', processes: 1 },
      { seq: 4, t: 300, ...R, kind: 'run.resumed', pausedUs: 200, held: 3, reason: 'user' },
      { seq: 5, t: 400, ...R, kind: 'process.exit', lid: 'r1', pid: 11, exitCode: 0, signal: null },
      { seq: 6, t: 500, ...R, kind: 'run.end', ok: true, error: null, durationUs: 500, pausedUs: 200 },
      // A damaged pause (a field of the wrong type) counts as a damaged line, as any other event would.
      { seq: 7, t: 600, ...R, kind: 'run.paused', processes: 'many' },
    ])
    await withHost({ sessionsDir: dir }, async (host) => {
      const replay = await host.call('sessions.read', { id })
      expect(replay.events.map((e) => e.kind)).toEqual(['run.start', 'process.start', 'run.paused', 'run.resumed', 'process.exit', 'run.end'])
      expect(replay.skippedLines).toBe(1)
    })
  })
})
