// The Sessions tab's host commands against a real host recording into a temporary sessions folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Host } from '../../src-main/host'
import { createHost } from '../../src-main/host'
import { loadSession, readRunForReplay, sessionFileName } from '../../src-main/session'
import type { LabEvent } from '../../src-shared/events'
import { HEADER, parseCsv, tempDir, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'

let dir = ''
let cleanup = async () => {}
let host: (Host & { exportsDir: string }) | null = null
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await host?.dispose()
  host = null
  await cleanup()
})

async function startHost(): Promise<Host & { exportsDir: string }> {
  host = await createHost({ sessionsDir: join(dir, 'sessions') })
  return host
}

/** Two runs: r1 (hello, ended) and r2 (printers, two processes, a torn last line). */
function twoRuns(): object[] {
  let seq = 0
  const e = (t: number, runId: string, body: object) => ({ seq: ++seq, t, runId, ...body })
  return [
    e(0, 'r1', { kind: 'run.start', title: 'Hello', source: 'hello.mjs' }),
    e(10, 'r1', { kind: 'process.start', lid: 'L1', pid: 2001, ppid: 1000, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' }),
    e(20, 'r1', { kind: 'process.exit', lid: 'L1', pid: 2001, exitCode: 0, signal: null }),
    e(30, 'r1', { kind: 'run.end', ok: true, error: null, durationUs: 30 }),
    e(100, 'r2', { kind: 'run.start', title: '打印机', source: 'printers.mjs' }),
    e(110, 'r2', { kind: 'process.start', lid: 'L2', pid: 2002, ppid: 1000, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' }),
    e(120, 'r2', { kind: 'process.start', lid: 'L3', pid: 2003, ppid: 2002, name: '打印机1', daemon: false, parentLid: 'L2', target: 'printer' }),
    e(130, 'r2', { kind: 'stdout', lid: 'L3', pid: 2003, line: '打印 "文件", 第1页' }),
    e(140, 'r2', { kind: 'process.exit', lid: 'L3', pid: 2003, exitCode: -15, signal: 'SIGTERM' }),
  ]
}

async function fakeSession(events: object[], header: object = HEADER, wall = Date.UTC(2025, 0, 1)): Promise<string> {
  const id = sessionFileName(wall, 4242)
  await writeSessionFile(join(dir, 'sessions', id), events, header)
  return id
}

describe('sessions.list', () => {
  it('lists the current session and the others with their runs and event counts', async () => {
    const h = await startHost()
    const id = await fakeSession(twoRuns())
    const list = await h.call('sessions.list', {})
    const current = list.find((s) => s.current)
    expect(current?.id).toBe(basename(h.info.sessionFile!))
    const other = list.find((s) => s.id === id)
    expect(other).toMatchObject({ current: false, events: 9, eventsEstimated: false, format: 1, startedAtWall: HEADER.startedAtWall, error: null })
    expect(other?.runs?.map((r) => [r.runId, r.title, r.events, r.ok])).toEqual([
      ['r1', 'Hello', null, true],
      ['r2', '打印机', null, null],
    ])
    // What each ran, as `proclab sessions` words it, for the Sessions tab.
    expect(other?.ran?.map((r) => [r.name, r.kind, r.result, r.seconds])).toEqual([
      ['hello.mjs', 'script', 'ok', 0.00003],
      ['printers.mjs', 'script', 'unfinished', null],
    ])
  })
})

describe('sessions.delete', () => {
  it('refuses path traversal and anything that is not a session file name', async () => {
    const h = await startHost()
    const id = await fakeSession(twoRuns())
    const bad = ['../' + id, '/etc/passwd', `${id}/../../x`, '..', '', 'notes.ndjson', `sessions/${id}`, id.replace('.ndjson', '.txt'), `..\\${id}`, `${id}\0`]
    for (const candidate of bad) {
      const response = await h.handle({ id: 1, cmd: 'sessions.delete', args: { id: candidate } })
      expect(response, candidate).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    }
    expect(existsSync(join(dir, 'sessions', id))).toBe(true)
    expect(await h.handle({ id: 2, cmd: 'sessions.delete', args: { id: sessionFileName(Date.UTC(2020, 0, 1), 1) } })).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('refuses the current session and deletes another', async () => {
    const h = await startHost()
    const id = await fakeSession(twoRuns())
    const currentId = basename(h.info.sessionFile!)
    const refused = await h.handle({ id: 1, cmd: 'sessions.delete', args: { id: currentId } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused' } })
    expect(existsSync(h.info.sessionFile!)).toBe(true)
    expect(await h.call('sessions.delete', { id })).toEqual({ id, deleted: true })
    expect(existsSync(join(dir, 'sessions', id))).toBe(false)
    expect((await h.call('sessions.list', {})).map((s) => s.id)).toEqual([currentId])
  })
})

describe('sessions.deleteMany', () => {
  it('deletes the sessions named, refuses the one being recorded, and says which went', async () => {
    const h = await startHost()
    const [a, b, kept] = await Promise.all([1, 2, 3].map((n) => fakeSession(twoRuns(), HEADER, Date.UTC(2025, 0, n))))
    const currentId = basename(h.info.sessionFile!)
    const answer = await h.call('sessions.deleteMany', { ids: [a!, currentId, b!] })
    expect(answer.deleted).toEqual([a, b])
    expect(answer.failed).toEqual([{ id: currentId, code: 'refused', error: expect.stringContaining('being recorded now') }])
    expect(existsSync(join(dir, 'sessions', a!))).toBe(false)
    expect(existsSync(join(dir, 'sessions', b!))).toBe(false)
    expect(existsSync(join(dir, 'sessions', kept!))).toBe(true)
    expect(existsSync(h.info.sessionFile!)).toBe(true)
  })

  it('refuses the whole request when one name is outside the sessions folder, and deletes nothing', async () => {
    const h = await startHost()
    const id = await fakeSession(twoRuns())
    // A file beside the sessions folder, named as a session: reachable only by a path.
    const outside = sessionFileName(Date.UTC(2024, 5, 1), 7)
    await writeSessionFile(join(dir, outside), twoRuns(), HEADER)
    for (const bad of [`../${outside}`, join(dir, outside), `sessions/../${outside}`, `..\\${outside}`, 'notes.txt']) {
      // Through the contract, as a UI sends it: a bad request.
      const response = await h.handle({ id: 1, cmd: 'sessions.deleteMany', args: { ids: [id, bad] } })
      expect(response, bad).toMatchObject({ ok: false, error: { code: 'bad-request' } })
      // Past the contract, as a caller inside the host could: the host still refuses.
      await expect(h.call('sessions.deleteMany', { ids: [id, bad] }), bad).rejects.toMatchObject({ code: 'bad-request' })
    }
    expect(existsSync(join(dir, outside))).toBe(true)
    expect(existsSync(join(dir, 'sessions', id))).toBe(true)
    expect(await h.handle({ id: 2, cmd: 'sessions.deleteMany', args: { ids: [] } })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
  })
})

describe('sessions.read', () => {
  it('gives the last run by default, another on request, and skips damaged lines with a count', async () => {
    const h = await startHost()
    const events = twoRuns()
    const id = await fakeSession(events)
    // A corrupt line in the middle and a torn last line.
    const file = join(dir, 'sessions', id)
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.splice(3, 0, '{"seq":99,"t":')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, lines.join('\n').replace(/\n$/, '') + '\n{"seq":10,"t":150,"runId":"r2","kind":"std')
    const last = await h.call('sessions.read', { id })
    expect(last.runId).toBe('r2')
    expect(last.runs.map((r) => [r.runId, r.events])).toEqual([
      ['r1', 4],
      ['r2', 5],
    ])
    expect(last.events.map((e) => e.kind)).toEqual(['run.start', 'process.start', 'process.start', 'stdout', 'process.exit'])
    expect(last.skippedLines).toBe(2)
    expect(last.message).toMatch(/2 damaged lines were skipped.*cut short/)
    const first = await h.call('sessions.read', { id, runId: 'r1' })
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4])
    expect(await h.handle({ id: 1, cmd: 'sessions.read', args: { id, runId: 'r9' } })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('r1, r2') } })
  })

  it('refuses a file of another format version, or no session at all, with a clear error', async () => {
    const h = await startHost()
    const newer = await fakeSession(twoRuns(), { ...HEADER, format: 2 })
    const response = await h.handle({ id: 1, cmd: 'sessions.read', args: { id: newer } })
    expect(response).toMatchObject({ ok: false, error: { code: 'failed' } })
    if (!response.ok) expect(response.error.message).toBe(`Cannot open session ${newer}: this session was written by a newer ProcLab (format 2); this version reads format 1`)
    const foreign = await fakeSession([{ hello: 'world' }], { name: 'not a session' }, Date.UTC(2024, 5, 1))
    const refused = await h.handle({ id: 2, cmd: 'sessions.read', args: { id: foreign } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringContaining('is not a ProcLab session') } })
    // The list says the same instead of failing as a whole.
    const listed = (await h.call('sessions.list', {})).find((s) => s.id === newer)
    expect(listed).toMatchObject({ startedAtWall: null, error: expect.stringContaining('newer ProcLab') })
  })

  it('still finds a run whose run.start line was lost', async () => {
    const file = join(dir, 'headless-run.ndjson')
    const events = twoRuns().filter((e) => (e as { seq: number }).seq !== 5)
    await writeSessionFile(file, events)
    const replay = await readRunForReplay(file, 'headless-run.ndjson', undefined)
    expect(replay.runId).toBe('r2')
    expect(replay.events.map((e) => e.seq)).toEqual([6, 7, 8, 9])
    expect(replay.runs.map((r) => [r.runId, r.title, r.events])).toEqual([
      ['r1', 'Hello', 4],
      ['r2', 'r2', 4],
    ])
  })

  it('caps what a replay holds and says how much it left out', async () => {
    const { dir: d } = { dir }
    const events = twoRuns()
    for (let i = 0; i < 50; i++) events.push({ seq: 10 + i, t: 200 + i, runId: 'r2', kind: 'stdout', lid: 'L2', pid: 2002, line: `line ${i}` })
    const file = join(d, 'big.ndjson')
    await writeSessionFile(file, events)
    const replay = await readRunForReplay(file, 'big.ndjson', undefined, { maxEvents: 20, maxBytes: 1 << 20 })
    expect(replay.events).toHaveLength(20)
    expect(replay.omitted).toBe(35)
    expect(replay.message).toMatch(/55 events; the replay shows the first 20/)
  })

  it('thins a flood of output as the live view does, so the replay still reaches the end, with every line counted', async () => {
    let seq = 0
    const stamp = (t: number) => ({ seq: ++seq, t, runId: 'r1' })
    const events: object[] = [{ ...stamp(0), kind: 'run.start', title: 'flood', source: 'flood.mjs' }]
    for (const [lid, pid] of [['A', 11], ['B', 12]] as const) events.push({ ...stamp(1), kind: 'process.start', lid, pid, ppid: 1, name: lid, daemon: false, parentLid: null, target: 'flood' })
    // 40,000 lines in half a second of session time (80,000 a second), two printers interleaved.
    for (let i = 0; i < 20_000; i++) {
      events.push({ ...stamp(10 + i * 25), kind: 'stdout', lid: 'A', pid: 11, line: `a ${i}` })
      events.push({ ...stamp(10 + i * 25), kind: 'stdout', lid: 'B', pid: 12, line: `b ${i}` })
    }
    events.push({ ...stamp(600_000), kind: 'process.exit', lid: 'A', pid: 11, exitCode: 0, signal: null })
    events.push({ ...stamp(600_001), kind: 'process.exit', lid: 'B', pid: 12, exitCode: 0, signal: null })
    events.push({ ...stamp(600_002), kind: 'run.end', ok: true, error: null, durationUs: 600_002 })
    const file = join(dir, 'flood.ndjson')
    await writeSessionFile(file, events)

    const replay = await readRunForReplay(file, 'flood.ndjson', undefined, { maxEvents: 10_000, maxBytes: 1 << 24 })
    expect(replay.omitted).toBe(0)
    expect(replay.events.at(-1)).toMatchObject({ kind: 'run.end' })
    expect(replay.events.filter((e) => e.kind === 'process.exit')).toHaveLength(2)
    let lines = 0
    let shown = 0
    for (const e of replay.events) {
      if (e.kind === 'stdout') {
        lines++
        shown++
      }
      if (e.kind === 'output.gap') lines += e.count
    }
    expect(lines).toBe(40_000)
    expect(shown).toBeLessThanOrEqual(6 * 1_200) // 12,000 lines a second of session time
    expect(replay.message).toMatch(/went by faster than the live view shows/)
    // Seq order holds, gaps included: the replay folds events in that order.
    const seqs = replay.events.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
  })
})

describe('sessions.export', () => {
  it('writes each format into exports/ beside the sessions, valid and complete, and records the action', async () => {
    const h = await startHost()
    const id = await fakeSession(twoRuns())
    const ndjson = await h.call('sessions.export', { id, format: 'ndjson' })
    expect(ndjson.path).toBe(join(h.exportsDir, ndjson.name))
    expect(h.exportsDir).toBe(join(dir, 'exports'))
    const lines = readFileSync(ndjson.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as LabEvent)
    expect(lines).toHaveLength(10)
    expect(ndjson.written).toBe(9)

    const csv = await h.call('sessions.export', { id, format: 'csv', kinds: ['stdout'] })
    const rows = parseCsv(readFileSync(csv.path, 'utf8'))
    expect(rows).toEqual([expect.arrayContaining(['seq', 'kind']), expect.arrayContaining(['8', 'stdout', '打印机1', expect.stringContaining('打印 "文件", 第1页')])])

    const trace = await h.call('sessions.export', { id, format: 'chrome-trace' })
    const parsed = JSON.parse(readFileSync(trace.path, 'utf8')) as { traceEvents: TraceEvent[] }
    expect(traceProblems(parsed)).toEqual([])
    expect(parsed.traceEvents.some((e) => e.ph === 'M' && e.args?.name === '打印机1 (2003)')).toBe(true)

    // Nothing half-written is left behind, and a bad range is refused before any file is made.
    expect(readdirSync(h.exportsDir).sort()).toEqual([ndjson.name, csv.name, trace.name].sort())
    expect(await h.handle({ id: 1, cmd: 'sessions.export', args: { id, format: 'csv', fromUs: 10, toUs: 5 } })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    expect(await h.handle({ id: 2, cmd: 'sessions.export', args: { id, format: 'xml' } })).toMatchObject({ ok: false, error: { code: 'bad-request' } })

    const file = h.info.sessionFile!
    await h.dispose()
    const recorded = (await loadSession(file)).events.filter((e) => e.kind === 'user.export')
    expect(recorded.map((e) => e.kind === 'user.export' && [e.format, e.ok, e.path])).toEqual([
      ['ndjson', true, ndjson.path],
      ['csv', true, csv.path],
      ['chrome-trace', true, trace.path],
    ])
  })
})

describe('user actions and samples in the log', () => {
  it('records run and stop with their result, and samples the lab processes while a run is live', async () => {
    host = await createHost({ sessionsDir: join(dir, 'sessions'), sampleIntervalMs: 200 })
    const h = host
    expect(await h.handle({ id: 1, cmd: 'run.start', args: { scenario: 'nope' } })).toMatchObject({ ok: false })
    const { runId } = await h.call('run.start', { scenario: 'long-sleeper' })
    const sampled = new Promise<LabEvent>((resolve) => h.onEvent((e) => e.kind === 'monitor.sample' && e.processes.length >= 2 && resolve(e)))
    const sample = await sampled
    expect(await h.call('run.stop', {})).toEqual({ stopped: true })
    const file = h.info.sessionFile!
    await h.dispose()
    const events = (await loadSession(file)).events
    const runs = events.filter((e) => e.kind === 'user.run')
    expect(runs).toEqual([
      expect.objectContaining({ source: 'scenario:nope', ok: false, error: expect.stringContaining("No scenario 'nope'"), startedRunId: null, runId: null }),
      expect.objectContaining({ source: 'scenario:long-sleeper', ok: true, error: null, startedRunId: runId, runId }),
    ])
    expect(events.filter((e) => e.kind === 'user.stop')).toEqual([expect.objectContaining({ ok: true, stopped: true, runId })])
    if (sample.kind !== 'monitor.sample') throw new Error('not a sample')
    const pids = new Set(events.filter((e) => e.kind === 'process.start').map((e) => e.kind === 'process.start' && e.pid))
    for (const p of sample.processes) {
      expect(pids.has(p.pid)).toBe(true)
      expect(p.rss).toBeGreaterThan(1024 * 1024)
      expect(p.cpu).toBeGreaterThanOrEqual(0)
    }
    expect(sample.runId).toBe(runId)
    // Sampling stops with the run.
    const last = events.findLast((e) => e.kind === 'monitor.sample')!
    const end = events.find((e) => e.kind === 'run.end')!
    expect(last.seq).toBeLessThan(end.seq)
  })
})
