import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createRecorder,
  exportSession,
  listSessions,
  loadSession,
  readSession,
  SessionFormatError,
  sessionFileName,
  type SessionWarning,
} from '../../src-main/session/index'
import { collect, HEADER, tempDir, writeSessionFile } from '../fixtures/session/helpers'

const sample = fileURLToPath(new URL('../fixtures/session/sample-session.ndjson', import.meta.url))
const ev = (seq: number) => ({ seq, t: seq * 100, runId: 'r', kind: 'stdout', lid: 'L1', pid: 7, line: `第${seq}行` })

let dir = ''
let cleanup = async () => {}
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

async function readAll(file: string) {
  const warnings: SessionWarning[] = []
  const records = []
  for await (const record of readSession(file, { onWarning: (w) => warnings.push(w) })) records.push(record)
  return { records, warnings }
}

describe('readSession', () => {
  it('yields the header, then the events in order', async () => {
    const file = join(dir, 'ok.ndjson')
    await writeSessionFile(file, [ev(1), ev(2), ev(3)])
    const { records, warnings } = await readAll(file)
    expect(records[0]).toEqual({ type: 'header', header: HEADER })
    expect(records.slice(1).map((r) => (r.type === 'event' ? [r.event.seq, r.line] : null))).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ])
    expect(warnings).toEqual([])
  })

  it('skips a torn last line with a warning, keeping the rest', async () => {
    const { events, warnings } = await loadSession(sample)
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ kind: 'torn-last-line', line: 13 })
    expect(warnings[0]!.message).toMatch(/last line \(line 13\) is incomplete/)
  })

  it('skips corrupt lines in the middle, naming their line numbers', async () => {
    const file = join(dir, 'garbage.ndjson')
    const lines = [HEADER, ev(1), ev(2)].map((x) => JSON.stringify(x))
    lines.push('}}} not json at all', JSON.stringify({ hello: 'no stamp' }), JSON.stringify(ev(3)), '', JSON.stringify(ev(4)))
    await writeFile(file, lines.join('\n') + '\n')
    const { events, warnings } = await loadSession(file)
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4])
    expect(warnings.map((w) => [w.kind, w.line])).toEqual([
      ['corrupt-line', 4],
      ['corrupt-line', 5],
    ])
    expect(warnings[0]!.message).toContain('line 4')
  })

  it('reads CRLF files and passes unknown kinds through', async () => {
    const file = join(dir, 'crlf.ndjson')
    const future = { seq: 2, t: 5, runId: null, kind: 'barrier.wait', lid: 'L1', pid: 7, object: 'b', parties: 3 }
    await writeFile(file, [HEADER, ev(1), future].map((x) => JSON.stringify(x)).join('\r\n') + '\r\n')
    const { events, warnings } = await loadSession(file)
    expect(events).toEqual([ev(1), future])
    expect(warnings).toEqual([])
  })

  it('warns through process.emitWarning by default, never throws for damage', async () => {
    const seen: string[] = []
    const listener = (w: Error) => seen.push(w.name)
    process.on('warning', listener)
    try {
      for await (const _ of readSession(sample)) void _
      await new Promise((r) => setImmediate(r))
    } finally {
      process.off('warning', listener)
    }
    expect(seen).toContain('SessionWarning')
  })

  it('refuses a file that is not a session, with a plain message', async () => {
    const file = join(dir, 'foreign.ndjson')
    await writeFile(file, '{"some":"json"}\n' + JSON.stringify(ev(1)) + '\n')
    await expect(loadSession(file)).rejects.toThrow(SessionFormatError)
    await expect(loadSession(file)).rejects.toThrow(/is not a ProcLab session/)
    const csv = join(dir, 'data.ndjson')
    await writeFile(csv, 'seq,t\n1,2\n')
    await expect(loadSession(csv)).rejects.toThrow(/is not a ProcLab session/)
  })

  it('refuses an empty file and a cut-short header', async () => {
    const empty = join(dir, 'empty.ndjson')
    await writeFile(empty, '')
    await expect(loadSession(empty)).rejects.toThrow(/is empty/)
    const cut = join(dir, 'cut.ndjson')
    await writeFile(cut, '{"proclab":"session","format":1,"vers')
    await expect(loadSession(cut)).rejects.toThrow(/cut short/)
  })

  it('refuses a newer format by name', async () => {
    const file = join(dir, 'newer.ndjson')
    await writeSessionFile(file, [ev(1)], { ...HEADER, format: 2 })
    const error = await loadSession(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionFormatError)
    expect((error as Error).message).toBe('this session was written by a newer ProcLab (format 2); this version reads format 1')
  })

  it('streams a session far larger than one read chunk, lines split across chunks', async () => {
    const file = join(dir, 'big.ndjson')
    const recorder = await createRecorder(file, HEADER)
    const long = '长'.repeat(300_000) // ~900 KB of UTF-8: spans chunk boundaries mid-character
    for (let seq = 1; seq <= 20_000; seq++) recorder.append({ ...ev(seq), line: seq % 5000 === 0 ? long : `第${seq}行` } as never)
    await recorder.close()
    let n = 0
    let longs = 0
    for await (const record of readSession(file, { onWarning: (w) => expect.fail(w.message) })) {
      if (record.type !== 'event') continue
      n++
      if (record.event.seq !== n) expect.fail(`seq ${record.event.seq} at position ${n}`)
      if (record.event.kind === 'stdout' && record.event.line === long) longs++
    }
    expect(n).toBe(20_000)
    expect(longs).toBe(4)
  })
})

describe('a file of damage', () => {
  it('counts every damaged line but keeps only the first warnings, so memory does not grow with the damage', async () => {
    const file = join(dir, 'junk.ndjson')
    const junk = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? 'not json' : '{"seq":"x"}'))
    await writeFile(file, [JSON.stringify(HEADER), ...junk, JSON.stringify(ev(1))].join('\n') + '\n')
    let forwarded = 0
    const { out } = collect()
    const result = await exportSession(file, 'ndjson', out, { onWarning: () => forwarded++ })
    expect(result).toMatchObject({ eventsRead: 1, skippedLines: 5000 })
    expect(forwarded).toBe(5000)
    expect(result.warnings).toHaveLength(100)
    expect(result.warnings.map((w) => w.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2))
  })
})

describe('session files', () => {
  it('lists sessions newest first with header info, and flags foreign files', async () => {
    await writeSessionFile(join(dir, sessionFileName(1000, 1)), [ev(1)], { ...HEADER, startedAtWall: 1000 })
    await writeSessionFile(join(dir, sessionFileName(2000, 2)), [ev(1)], { ...HEADER, startedAtWall: 2000, hostPid: 2 })
    await writeFile(join(dir, 'notes.ndjson'), 'hello\n')
    await writeFile(join(dir, 'ignored.txt'), 'x')
    const list = await listSessions(dir)
    expect(list.map((s) => s.header?.startedAtWall ?? null)).toEqual([2000, 1000, null])
    expect(list[0]!.size).toBeGreaterThan(0)
    expect(list[2]!.error).toMatch(/not a ProcLab session/)
    expect(await listSessions(join(dir, 'missing'))).toEqual([])
  })

  it('names files by start time and host pid', () => {
    expect(sessionFileName(Date.UTC(2025, 0, 2, 3, 4, 5, 6), 42)).toBe('session-2025-01-02T03-04-05-006Z-42.ndjson')
  })
})
