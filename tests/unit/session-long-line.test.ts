// A session line has a cap (MAX_LINE_BYTES): readers skip a longer line without ever holding more
// than the cap of it, and count it as a damaged line; the recorder never writes one. Measured
// where it matters: a 200 MB line exported in every format and read for the replay and the
// Sessions tab, each in a process of its own, whose peak RSS (VmHWM) must stay far below the line.
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecorder, loadSession, MAX_LINE_BYTES, SessionFormatError } from '../../src-main/session'
import { readLineBatches } from '../../src-main/session/lines'
import type { LabEvent } from '../../src-shared/events'
import { HEADER, tempDir } from '../fixtures/session/helpers'

const root = fileURLToPath(new URL('../..', import.meta.url))
const reader = fileURLToPath(new URL('../fixtures/session/memory-reader.ts', import.meta.url))

let dir = ''
let cleanup = async () => {}
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterAll(() => cleanup())

async function linesOf(file: string, cap: number): Promise<Array<string | { bytes: number }>> {
  const all: Array<string | { bytes: number }> = []
  for await (const batch of readLineBatches(file, cap)) all.push(...batch)
  return all
}

describe('the line cap', () => {
  it('keeps a line of exactly the cap, skips one byte more, and says how long each skipped line was', async () => {
    const file = join(dir, 'caps.txt')
    await writeFile(file, `${'a'.repeat(10)}\n${'b'.repeat(11)}\r\n${'c'.repeat(3)}\n${'d'.repeat(25)}`)
    expect(await linesOf(file, 10)).toEqual(['a'.repeat(10), { bytes: 12 }, 'ccc', { bytes: 25 }])
  })

  it('reads past a long line that spans many chunks, and the lines around it are intact', async () => {
    const file = join(dir, 'spans.txt')
    // Chunks are 1 MiB: the long line starts mid-chunk and ends three chunks later.
    const long = 'x'.repeat(3 * 1024 * 1024 + 17)
    await writeFile(file, `before\n${'y'.repeat(1000)}\n${long}\nafter\n`)
    expect(await linesOf(file, 4096)).toEqual(['before', 'y'.repeat(1000), { bytes: long.length }, 'after'])
  })

  it('the reader counts a skipped line as a warning with its line number; a too long first line is no session', async () => {
    const file = join(dir, 'long-event.ndjson')
    const event = (seq: number) => JSON.stringify({ seq, t: seq, runId: 'r1', kind: 'stdout', lid: 'L1', pid: 1, line: `line ${seq}` })
    await writeFile(file, [JSON.stringify(HEADER), event(1), `{"seq":2,"t":2,"kind":"stdout","line":"${'z'.repeat(MAX_LINE_BYTES)}"}`, event(3)].join('\n') + '\n')
    const { events, warnings } = await loadSession(file)
    expect(events.map((e) => e.seq)).toEqual([1, 3])
    expect(warnings).toEqual([expect.objectContaining({ line: 3, kind: 'long-line' })])
    expect(warnings[0]!.message).toMatch(/line 3 is \d+ bytes long, more than a session line may be \(1048576 bytes\); it was skipped/)

    const noHeader = join(dir, 'long-header.ndjson')
    await writeFile(noHeader, `{"proclab":"session","format":1,"pad":"${'p'.repeat(MAX_LINE_BYTES)}"}\n${event(1)}\n`)
    await expect(loadSession(noHeader)).rejects.toThrow(SessionFormatError)
  })

  it('the recorder never writes a line the reader would skip: long fields are cut, a huge event becomes a note', async () => {
    const file = join(dir, 'recorded.ndjson')
    const recorder = await createRecorder(file, { version: 'test', platform: process.platform, startedAtWall: 0, hostPid: process.pid })
    const base = { runId: 'r1', lid: 'r1.1', pid: 4242 }
    // The longest output line the supervisor passes on (16 Ki units), all control characters: 6 bytes each in JSON.
    const controls = '\u0001'.repeat(16 * 1024)
    const events = [
      { ...base, seq: 1, t: 1, kind: 'stdout', line: controls },
      { ...base, seq: 2, t: 2, kind: 'process.start', ppid: 1, name: '名'.repeat(3_000_000), daemon: false, parentLid: null, target: 't'.repeat(2_000_000) },
      { seq: 3, t: 3, runId: 'r1', kind: 'run.end', ok: false, error: 'E'.repeat(5_000_000), durationUs: 3 },
      { seq: 4, t: 4, runId: 'r1', kind: 'monitor.sample', processes: Array.from({ length: 40_000 }, (_, i) => ({ lid: `r1.${i}`, pid: 10_000 + i, cpu: 1.5, rss: 1e7 })) },
      { ...base, seq: 5, t: 5, kind: 'stdout', line: 'after' },
    ] as unknown as LabEvent[]
    for (const event of events) recorder.append(event)
    await recorder.close()
    expect(recorder.stats).toMatchObject({ eventsWritten: 5, dropped: 0, cut: 3 })

    const lines = (await readFile(file, 'utf8')).split('\n').slice(0, -1)
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LINE_BYTES)
    const { events: back, warnings } = await loadSession(file)
    expect(warnings).toEqual([])
    expect(back.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'stdout'],
      [2, 'process.start'],
      [3, 'run.end'],
      [4, 'lab.error'],
      [5, 'stdout'],
    ])
    const [output, start, end, note] = back as unknown as Array<Record<string, unknown>>
    expect(output!.line).toBe(controls) // an output line is never cut
    expect(output!.truncated).toBeUndefined()
    expect(start).toMatchObject({ truncated: true, daemon: false, lid: 'r1.1', pid: 4242 })
    expect(start!.name).toBe(`${'名'.repeat(16 * 1024)}…`)
    expect(end).toMatchObject({ truncated: true, ok: false, error: `${'E'.repeat(16 * 1024)}…` })
    expect(note!.message).toMatch(/^a monitor\.sample event of \d+ bytes was longer than a session line may be \(1048576 bytes\); it was not recorded$/)
  })
})

/** Writes a session whose third line is a ~200 MB output line, in 1 MiB writes. */
async function writeHugeLineSession(file: string, lineBytes: number): Promise<void> {
  const out = createWriteStream(file)
  const write = (text: string) => new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)))
  const event = (body: object) => `${JSON.stringify(body)}\n`
  await write(event(HEADER))
  await write(event({ seq: 1, t: 10, runId: 'r1', kind: 'run.start', title: 'huge', source: 'huge.mjs' }))
  await write('{"seq":2,"t":20,"runId":"r1","kind":"stdout","lid":"r1.1","pid":7,"line":"')
  const chunk = 'x'.repeat(1024 * 1024)
  for (let written = 0; written < lineBytes; written += chunk.length) await write(chunk)
  await write('"}\n')
  await write(event({ seq: 3, t: 30, runId: 'r1', kind: 'stdout', lid: 'r1.1', pid: 7, line: 'after the huge line' }))
  await write(event({ seq: 4, t: 40, runId: 'r1', kind: 'run.end', ok: true, error: null, durationUs: 30 }))
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
}

function measure(file: string, operation: string): Promise<Record<string, unknown> & { growthKiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', reader, file, operation], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${operation} exited with ${code}: ${stderr}`))
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown> & { growthKiB: number })
    })
  })
}

describe.skipIf(process.platform !== 'linux')('a 200 MB line', () => {
  const LINE_BYTES = 200 * 1024 * 1024
  // Far below the line: a reader that held the line once would be over it by ten times.
  const LIMIT_KIB = 20 * 1024
  let file = ''
  beforeAll(async () => {
    file = join(dir, 'huge-line.ndjson')
    await writeHugeLineSession(file, LINE_BYTES)
  }, 60_000)

  for (const format of ['ndjson', 'csv', 'chrome-trace']) {
    it(`export as ${format}: the line skipped and counted, the rest intact, memory flat`, async () => {
      const found = await measure(file, `export:${format}`)
      expect(found).toMatchObject({ eventsRead: 3, skippedLines: 1, warnings: [{ line: 3, kind: 'long-line' }] })
      expect(found.growthKiB, JSON.stringify(found)).toBeLessThan(LIMIT_KIB)
    }, 60_000)
  }

  it('replay: the line skipped and counted, the rest of the run shown, memory flat', async () => {
    const found = await measure(file, 'replay')
    expect(found).toMatchObject({ kinds: ['run.start', 'stdout', 'run.end'], skippedLines: 1 })
    expect(found.message).toMatch(/1 damaged line was skipped/)
    expect(found.growthKiB, JSON.stringify(found)).toBeLessThan(LIMIT_KIB)
  }, 60_000)

  it('the Sessions tab scan: lines and runs counted, memory flat', async () => {
    const found = await measure(file, 'scan')
    expect(found).toMatchObject({ events: 4, runs: [{ runId: 'r1', ok: true }] })
    expect(found.growthKiB, JSON.stringify(found)).toBeLessThan(LIMIT_KIB)
  }, 60_000)
})
