import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeSyntheticSession } from '../../src-main/cli/bench/synthetic-session'
import { CSV_COLUMNS, exportSession, SessionFormatError } from '../../src-main/session/index'
import { collect, parseCsv, tempDir, traceProblems, writeSessionFile, type TraceEvent } from '../fixtures/session/helpers'

const sample = fileURLToPath(new URL('../fixtures/session/sample-session.ndjson', import.meta.url))

let dir = ''
let cleanup = async () => {}
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

async function exportText(file: string, format: 'ndjson' | 'csv' | 'chrome-trace', options = {}) {
  const { out, text } = collect()
  const result = await exportSession(file, format, out, { onWarning: () => {}, ...options })
  return { text: text(), result }
}

async function trace(file: string, options = {}) {
  const { text } = await exportText(file, 'chrome-trace', options)
  const parsed = JSON.parse(text) as { traceEvents: TraceEvent[]; displayTimeUnit: string }
  expect(parsed.displayTimeUnit).toBe('ms')
  expect(traceProblems(parsed)).toEqual([])
  return parsed.traceEvents
}

// Contention written as the broker will report it: who waits, who holds, for how long.
const R = { runId: 'r1' }
const start = (seq: number, t: number, lid: string, pid: number, name: string) => ({ seq, t, ...R, kind: 'process.start', lid, pid, ppid: 1, name, daemon: false, parentLid: null, target: 'task' })
const lock = (seq: number, t: number, kind: string, lid: string, pid: number, object: string, extra = {}) => ({ seq, t, ...R, kind, lid, pid, object, ...extra })
const contention = [
  start(1, 0, 'A', 11, '任务A'),
  start(2, 1, 'B', 12, '任务B'),
  start(3, 2, 'C', 13, '任务C'),
  lock(4, 10, 'lock.request', 'A', 11, 'L'),
  lock(5, 11, 'lock.acquire', 'A', 11, 'L', { waitedUs: 1 }),
  lock(6, 12, 'lock.request', 'B', 12, 'L'),
  lock(7, 13, 'lock.request', 'C', 13, 'L'),
  lock(8, 14, 'lock.request', 'B', 12, 'M'), // a second task of B waits for M meanwhile
  lock(9, 15, 'lock.acquire', 'B', 12, 'M', { waitedUs: 1 }),
  lock(10, 20, 'lock.release', 'A', 11, 'L', { heldUs: 9 }),
  lock(11, 21, 'lock.acquire', 'B', 12, 'L', { waitedUs: 9 }),
  lock(12, 25, 'lock.release', 'B', 12, 'M', { heldUs: 10 }), // M held 15–25, L held 21–30: not nested
  lock(13, 30, 'lock.release', 'B', 12, 'L', { heldUs: 9 }),
  lock(14, 31, 'lock.acquire', 'C', 13, 'L', { waitedUs: 18 }),
  { seq: 15, t: 35, ...R, kind: 'process.exit', lid: 'C', pid: 13, exitCode: -9, signal: 'SIGKILL' },
  lock(16, 36, 'lock.abandoned', 'C', 13, 'L'),
  lock(17, 40, 'lock.acquire', 'A', 11, 'R', { waitedUs: 0 }), // RLock taken twice
  lock(18, 41, 'lock.acquire', 'A', 11, 'R', { waitedUs: 0 }),
  lock(19, 42, 'lock.release', 'A', 11, 'R', { heldUs: 1 }),
  lock(20, 43, 'lock.release', 'A', 11, 'R', { heldUs: 3 }),
  lock(21, 44, 'lock.release', 'B', 12, 'Z', { heldUs: 4 }), // its acquire was never recorded
  { seq: 22, t: 50, ...R, kind: 'queue.put', lid: 'A', pid: 11, object: 'q', depth: 1 },
  { seq: 23, t: 51, ...R, kind: 'queue.get', lid: 'B', pid: 12, object: 'q', depth: 0 },
  { seq: 24, t: 52, ...R, kind: 'pipe.send', lid: 'A', pid: 11, object: 'p', bytes: 10 },
  { seq: 25, t: 53, ...R, kind: 'pipe.recv', lid: 'B', pid: 12, object: 'p', bytes: 10 },
  { seq: 26, t: 54, ...R, kind: 'pipe.eof', lid: 'B', pid: 12, object: 'p' },
  { seq: 27, t: 60, ...R, kind: 'process.exit', lid: 'A', pid: 11, exitCode: 0, signal: null },
  start(28, 61, 'D', 11, '任务D'), // pid 11 reused
  { seq: 29, t: 70, ...R, kind: 'stdout', lid: 'D', pid: 11, line: 'reused pid' },
  { seq: 30, t: 70, ...R, kind: 'monitor.sample', processes: [{ lid: 'D', pid: 11, cpu: 97.5, rss: 52428800 }, { lid: 'B', pid: 12, cpu: 0, rss: 1048576 }] },
]

describe('NDJSON export', () => {
  it('copies the session, dropping damaged lines', async () => {
    const { text, result } = await exportText(sample, 'ndjson')
    const original = (await readFile(sample, 'utf8')).split('\n')
    expect(text).toBe(original.slice(0, 12).join('\n') + '\n')
    expect(result).toMatchObject({ eventsRead: 11, written: 11 })
    expect(result.warnings).toHaveLength(1)
  })

  it('filters by time range and kinds, and says so in the header', async () => {
    const { text } = await exportText(sample, 'ndjson', { fromUs: 200, toUs: 700, kinds: ['stdout', 'stderr', 'process.exit'] })
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ proclab: 'session', format: 1, filter: { fromUs: 200, toUs: 700 } })
    expect(lines.slice(1).map((e) => e.seq)).toEqual([4, 5, 7])
  })
})

describe('CSV export', () => {
  it('round-trips quotes, commas, line breaks and Chinese through an RFC 4180 parser', async () => {
    const { text } = await exportText(sample, 'csv')
    expect(text.charCodeAt(0)).not.toBe(0xfeff)
    const rows = parseCsv(text)
    expect(rows[0]).toEqual([...CSV_COLUMNS])
    expect(rows).toHaveLength(12)
    const bySeq = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))]))
    expect(bySeq.get('3')).toMatchObject({ kind: 'process.start', pid: '2001', name: '任务1', t_us: '200', wall: '2025-01-01T00:00:00.000Z' })
    expect(bySeq.get('4')).toMatchObject({ kind: 'stdout', name: '任务1', detail: '小黑 says "hi", then, a comma' })
    expect(bySeq.get('5')).toMatchObject({ kind: 'stderr', detail: 'two\nlines' })
    expect(bySeq.get('7')).toMatchObject({ kind: 'process.exit', name: '任务1', value: '-15' })
    expect(JSON.parse(bySeq.get('7')!.detail!)).toEqual({ runId: 'r1', lid: 'L1', signal: 'SIGTERM' })
    expect(bySeq.get('6')).toMatchObject({ kind: 'user.kill', name: '任务1', pid: '2001' })
    expect(bySeq.get('9')).toMatchObject({ kind: 'lab.error', pid: '', name: '' })
    expect(JSON.parse(bySeq.get('9')!.detail!).message).toBe('script failed: 任务2 not exported')
    expect(bySeq.get('1')).toMatchObject({ kind: 'run.start', detail: '{"runId":"r1","title":"多进程 demo","source":"scenario:demo"}' })
  })

  it('fills object and value for lock, queue and pipe events, and keeps unknown kinds', async () => {
    const file = join(dir, 'c.ndjson')
    await writeSessionFile(file, contention)
    const rows = parseCsv((await exportText(file, 'csv', { kinds: ['lock.acquire', 'queue.get', 'pipe.eof'] })).text)
    expect(rows.slice(1).map((r) => [r[0], r[5], r[6], r[7]])).toEqual([
      ['5', '任务A', 'L', '1'],
      ['9', '任务B', 'M', '1'],
      ['11', '任务B', 'L', '9'],
      ['14', '任务C', 'L', '18'],
      ['17', '任务A', 'R', '0'],
      ['18', '任务A', 'R', '0'],
      ['23', '任务B', 'q', '0'],
      ['26', '任务B', 'p', ''],
    ])
  })
})

describe('Chrome trace export', () => {
  it('names every process, draws lifetimes, output, user actions and errors', async () => {
    const events = await trace(sample)
    const names = events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name)
    expect(names).toEqual(expect.arrayContaining(['ProcLab host (1000)', 'MainProcess (2000)', '任务1 (2001)']))
    const lifetime = events.find((e) => e.ph === 'X' && e.name === '任务1')!
    expect(lifetime).toMatchObject({ pid: 2001, tid: 2001, ts: 200, dur: 400, cat: 'process' })
    expect(lifetime.args).toMatchObject({ exitCode: -15, signal: 'SIGTERM', target: 'task' })
    expect(events.find((e) => e.name === 'stderr')).toMatchObject({ ph: 'i', pid: 2001, ts: 400, args: { line: 'two\nlines' } })
    expect(events.find((e) => e.name === 'kill SIGTERM')).toMatchObject({ ph: 'i', pid: 2001, ts: 500 })
    expect(events.find((e) => e.name === 'join')).toMatchObject({ ph: 'i', pid: 2001, args: { exitCode: -15, timedOut: false } })
    expect(events.find((e) => e.name === 'lab.error')).toMatchObject({ ph: 'i', pid: 1000, args: { message: 'script failed: 任务2 not exported' } })
    expect(events.find((e) => e.name === 'run: 多进程 demo')).toMatchObject({ ph: 'X', pid: 1000, ts: 0, dur: 1000 })
  })

  it('puts lock waits and holds on separate tracks that never overlap', async () => {
    const file = join(dir, 'locks.ndjson')
    await writeSessionFile(file, contention)
    const events = await trace(file)
    const slices = events.filter((e) => e.ph === 'X' && e.cat === 'lock')
    const threadName = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}/${e.tid}`, e.args!.name as string]))
    const tracks = new Map<string, TraceEvent[]>()
    for (const s of slices) {
      const key = `${s.pid}/${s.tid}`
      tracks.set(key, [...(tracks.get(key) ?? []), s])
    }
    for (const [key, list] of tracks) {
      const kinds = new Set(list.map((s) => s.name.split(' ')[0]))
      expect(kinds.size, `waits and holds mixed on ${key}`).toBe(1)
      expect(threadName.get(key)).toMatch(kinds.has('wait') ? /^lock waits/ : /^lock holds/)
      const sorted = [...list].sort((a, b) => a.ts - b.ts)
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.ts).toBeGreaterThanOrEqual(sorted[i - 1]!.ts + sorted[i - 1]!.dur!)
    }
    const find = (name: string, pid: number, ts: number) => slices.find((s) => s.name === name && s.pid === pid && s.ts === ts)
    expect(find('wait L', 12, 12)).toMatchObject({ dur: 9 })
    expect(find('hold L', 12, 21)).toMatchObject({ dur: 9 })
    expect(find('hold M', 12, 15)).toMatchObject({ dur: 10 })
    expect(find('wait L', 13, 13)).toMatchObject({ dur: 18 })
    // C died holding L: the hold ends at its exit, and the abandonment is marked.
    expect(find('hold L', 13, 31)).toMatchObject({ dur: 4, args: { outcome: 'gone' } })
    expect(events.find((e) => e.name === 'abandoned L')).toMatchObject({ ph: 'i', pid: 13, ts: 36 })
    expect(slices.filter((s) => s.name === 'hold R').map((s) => [s.ts, s.dur])).toEqual([
      [41, 1],
      [40, 3],
    ])
    expect(find('hold Z', 12, 40)).toMatchObject({ dur: 4 })
  })

  it("draws what a process is blocked on as slices on its 'waits' lane, from when each wait began", async () => {
    const file = join(dir, 'waits.ndjson')
    const wait = (seq: number, t: number, lid: string, pid: number, n: number, on: string, extra = {}) => ({ seq, t, ...R, kind: 'process.wait', lid, pid, wait: n, on, object: null, target: null, timeoutMs: null, waitedUs: 6, ...extra })
    const resume = (seq: number, t: number, lid: string, pid: number, n: number, outcome: string) => ({ seq, t, ...R, kind: 'process.resume', lid, pid, wait: n, outcome, waitedUs: t })
    await writeSessionFile(file, [
      start(1, 0, 'A', 11, 'main'),
      start(2, 1, 'B', 12, 'child'),
      wait(3, 20, 'A', 11, 1, 'queue.get', { object: 'q' }),
      wait(4, 26, 'A', 11, 2, 'join', { target: 'B' }),
      wait(5, 30, 'B', 12, 1, 'sleep', { timeoutMs: 100 }),
      resume(6, 40, 'A', 11, 1, 'done'),
      resume(7, 50, 'B', 12, 1, 'gone'),
      { seq: 8, t: 51, ...R, kind: 'process.exit', lid: 'B', pid: 12, exitCode: -9, signal: 'SIGKILL' },
      resume(9, 60, 'A', 11, 2, 'done'),
    ])
    const events = await trace(file)
    const slices = events.filter((e) => e.ph === 'X' && e.cat === 'wait')
    const threadName = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}/${e.tid}`, e.args!.name as string]))
    expect(slices.map((s) => [s.name, s.pid, s.ts, s.dur, s.args!.outcome])).toEqual([
      ['queue.get q', 11, 14, 26, 'done'],
      ['sleep', 12, 24, 26, 'gone'],
      ['join B', 11, 20, 40, 'done'],
    ])
    for (const s of slices) expect(threadName.get(`${s.pid}/${s.tid}`)).toMatch(/^waits/)
  })

  it('draws queue depth and pipe messages in transit as counters, pipe traffic and unknown kinds as instants', async () => {
    const file = join(dir, 'q.ndjson')
    await writeSessionFile(file, contention)
    const events = await trace(file)
    expect(events.filter((e) => e.ph === 'C' && e.name.startsWith('queue')).map((e) => [e.name, e.ts, e.args!.depth, e.pid])).toEqual([
      ['queue q depth', 50, 1, 1000],
      ['queue q depth', 51, 0, 1000],
    ])
    // These pipe events are of an old form (no `end`): taken as one way, 0 → 1.
    expect(events.filter((e) => e.ph === 'C' && e.name.startsWith('pipe')).map((e) => [e.name, e.ts, e.args])).toEqual([
      ['pipe p in transit', 52, { '0→1': 1, '1→0': 0 }],
      ['pipe p in transit', 53, { '0→1': 0, '1→0': 0 }],
    ])
    expect(events.find((e) => e.name === 'pipe.send p')).toMatchObject({ ph: 'i', pid: 11, args: { bytes: 10 } })
    expect(events.find((e) => e.name === 'pipe.eof')).toMatchObject({ ph: 'i', pid: 12, ts: 54, args: { object: 'p' } })
  })

  it('keeps a reused pid apart and ends lifetimes without an exit at the last event', async () => {
    const file = join(dir, 'reuse.ndjson')
    await writeSessionFile(file, contention)
    const events = await trace(file)
    const d = events.find((e) => e.ph === 'X' && e.name === '任务D')!
    const a = events.find((e) => e.ph === 'X' && e.name === '任务A')!
    expect(d.pid).not.toBe(a.pid)
    expect(events.find((e) => e.ph === 'M' && e.name === 'process_name' && e.pid === d.pid)!.args!.name).toBe('任务D (11)')
    expect(d).toMatchObject({ ts: 61, dur: 9, args: { exited: false } })
    expect(events.find((e) => e.name === 'stdout')!.pid).toBe(d.pid)
  })

  it('draws the samples of each process as CPU and memory counters on its own track', async () => {
    const file = join(dir, 'samples.ndjson')
    await writeSessionFile(file, contention)
    const events = await trace(file)
    const d = events.find((e) => e.ph === 'X' && e.name === '任务D')!
    const b = events.find((e) => e.ph === 'X' && e.name === '任务B')!
    const counters = events.filter((e) => e.ph === 'C' && !/^(queue|pipe) /.test(e.name)).map((e) => [e.name, e.pid, e.ts, e.args])
    expect(counters).toEqual([
      ['CPU %', d.pid, 70, { cpu: 97.5 }],
      ['memory MiB', d.pid, 70, { rss: 50 }],
      ['CPU %', b.pid, 70, { cpu: 0 }],
      ['memory MiB', b.pid, 70, { rss: 1 }],
    ])
  })

  it('clips slices to a time range', async () => {
    const file = join(dir, 'clip.ndjson')
    await writeSessionFile(file, contention)
    const events = await trace(file, { fromUs: 22, toUs: 33 })
    for (const e of events.filter((x) => x.ph !== 'M')) {
      expect(e.ts).toBeGreaterThanOrEqual(22)
      expect(e.ts + (e.dur ?? 0)).toBeLessThanOrEqual(33)
    }
    expect(events.find((e) => e.name === 'hold L' && e.pid === 12)).toMatchObject({ ts: 22, dur: 8 })
  })
})

describe('exportSession', () => {
  it('refuses a foreign file before writing anything', async () => {
    const file = join(dir, 'x.ndjson')
    await writeSessionFile(file, [], { hello: 1 })
    const { out, text } = collect()
    await expect(exportSession(file, 'csv', out)).rejects.toThrow(SessionFormatError)
    expect(text()).toBe('')
  })

  it('streams 100k events to files in every format and ends the streams', async () => {
    const file = join(dir, 'big.ndjson')
    await writeSyntheticSession(file, 100_000)
    for (const format of ['ndjson', 'csv', 'chrome-trace'] as const) {
      const target = join(dir, `out.${format}`)
      const result = await exportSession(file, format, createWriteStream(target))
      expect(result.eventsRead).toBe(100_000)
      expect(result.bytes).toBe((await readFile(target)).length)
      if (format === 'chrome-trace') expect(traceProblems(JSON.parse(await readFile(target, 'utf8')))).toEqual([])
      if (format === 'csv') expect(parseCsv(await readFile(target, 'utf8'))).toHaveLength(100_001)
    }
  }, 90_000) // 300k lines written and read on a loaded 2-core machine

  it('waits for a slow reader instead of buffering the whole export', async () => {
    const file = join(dir, 'slow.ndjson')
    await writeSyntheticSession(file, 20_000)
    let maxBuffered = 0
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk, _encoding, callback) {
        maxBuffered = Math.max(maxBuffered, out.writableLength)
        setTimeout(callback, 1)
      },
    })
    await exportSession(file, 'ndjson', out)
    expect(maxBuffered).toBeLessThan(1024 * 1024)
  })

  it('fails, not hangs, when the output breaks', async () => {
    const file = join(dir, 'broken.ndjson')
    await writeSyntheticSession(file, 50_000)
    const out = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'))
      },
    })
    await expect(exportSession(file, 'csv', out)).rejects.toThrow('disk full')
  })
})
