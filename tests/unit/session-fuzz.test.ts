// Session files are data from disk: damaged by a crash, edited by hand, written by another version
// or made to hurt. Whatever a file holds, the reader, the replay (sessions.read through a real
// host) and the three exporters must end cleanly: a SessionFormatError (or the host's error
// reply) for a file that is no session, else well-formed output with the bad lines skipped and
// counted; and the host must still run a lab afterwards. Deterministic: FUZZ_SEED picks the
// random cases (the seed is in every failure's message); FUZZ_KEEP=1 keeps the files to look at.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost, type Host } from '../../src-main/host'
import { exportSession, readSession, SessionFormatError, sessionFileName, type ExportFormat, type SessionWarning } from '../../src-main/session'
import { shapeProblem } from '../../src-main/session/event-shape'
import type { SessionReplay } from '../../src-shared/contract'
import type { EventKind, LabEvent } from '../../src-shared/events'
import { seededRandom } from '../helpers/seeded-random'
import { collect, HEADER, parseCsv, tempDir, traceProblems, type TraceEvent } from '../fixtures/session/helpers'

const SEED = Number(process.env.FUZZ_SEED ?? 20250112)

const rand = seededRandom(SEED)
const int = (n: number) => Math.floor(rand() * n)

/** One event of every kind the host emits, in one run, as the recorder would write them. */
const BASE: Array<Record<string, unknown>> = (() => {
  const bodies: Array<Record<string, unknown> & { kind: EventKind | 'session.capped' | 'future.kind' }> = [
    { kind: 'user.run', source: 'scenario:demo', ok: true, error: null, startedRunId: 'r1' },
    { kind: 'run.start', title: '多进程 demo', source: 'scenario:demo' },
    { kind: 'process.start', lid: 'r1.L0', pid: 2000, ppid: 1000, name: 'MainProcess', daemon: false, parentLid: null, target: 'main' },
    { kind: 'process.start', lid: 'r1.L1', pid: 2001, ppid: 2000, name: '任务1', daemon: false, parentLid: 'r1.L0', target: 'task' },
    { kind: 'object.create', lid: 'r1.L0', pid: 2000, object: 'r1.L0/1', type: 'lock', name: 'printer', capacity: null },
    { kind: 'object.create', lid: 'r1.L0', pid: 2000, object: 'r1.L0/2', type: 'queue', name: 'q', capacity: 2 },
    { kind: 'object.create', lid: 'r1.L0', pid: 2000, object: 'r1.L0/3', type: 'pipe', name: 'p', capacity: null },
    { kind: 'lock.request', lid: 'r1.L1', pid: 2001, object: 'r1.L0/1' },
    { kind: 'lock.acquire', lid: 'r1.L1', pid: 2001, object: 'r1.L0/1', waitedUs: 5 },
    { kind: 'stdout', lid: 'r1.L1', pid: 2001, line: '小黑 says "hi", then, a comma' },
    { kind: 'stderr', lid: 'r1.L1', pid: 2001, line: 'two\nlines' },
    { kind: 'lock.release', lid: 'r1.L1', pid: 2001, object: 'r1.L0/1', heldUs: 20 },
    { kind: 'lock.request', lid: 'r1.L0', pid: 2000, object: 'r1.L0/1' },
    { kind: 'lock.timeout', lid: 'r1.L0', pid: 2000, object: 'r1.L0/1', waitedUs: 10 },
    { kind: 'lock.abandoned', lid: 'r1.L1', pid: 2001, object: 'r1.L0/1', heldUs: 3 },
    { kind: 'queue.put', lid: 'r1.L1', pid: 2001, object: 'r1.L0/2', depth: 1 },
    { kind: 'queue.full', lid: 'r1.L1', pid: 2001, object: 'r1.L0/2', depth: 2 },
    { kind: 'queue.get', lid: 'r1.L0', pid: 2000, object: 'r1.L0/2', depth: 0 },
    { kind: 'queue.empty', lid: 'r1.L0', pid: 2000, object: 'r1.L0/2', depth: 0 },
    { kind: 'pipe.send', lid: 'r1.L1', pid: 2001, object: 'r1.L0/3', end: 1, bytes: 64 },
    { kind: 'pipe.recv', lid: 'r1.L0', pid: 2000, object: 'r1.L0/3', end: 0, bytes: 64 },
    { kind: 'pipe.close', lid: 'r1.L1', pid: 2001, object: 'r1.L0/3', end: 1 },
    { kind: 'pipe.eof', lid: 'r1.L0', pid: 2000, object: 'r1.L0/3', end: 0 },
    { kind: 'monitor.sample', processes: [{ lid: 'r1.L1', pid: 2001, cpu: 12.5, rss: 41_000_000 }] },
    { kind: 'user.kill', pid: 2001, lid: 'r1.L1', signal: 'SIGTERM', ok: true, error: null },
    { kind: 'process.exit', lid: 'r1.L1', pid: 2001, exitCode: -15, signal: 'SIGTERM' },
    { kind: 'user.join', pid: 2001, lid: 'r1.L1', exitCode: -15, timedOut: false },
    { kind: 'lab.error', message: 'script failed: 任务2 not exported' },
    { kind: 'future.kind', something: { nested: [1, 2, 3] } },
    { kind: 'user.stop', ok: true, stopped: false, error: null },
    { kind: 'process.exit', lid: 'r1.L0', pid: 2000, exitCode: 0, signal: null },
    { kind: 'run.end', ok: true, error: null, durationUs: 3100 },
    { kind: 'user.export', session: 'session-x.ndjson', format: 'csv', ok: true, path: '/tmp/x.csv', error: null },
    { kind: 'session.capped', maxBytes: 1024, message: 'the session log reached its size cap' },
  ]
  return bodies.map((body, i) => ({ seq: i + 1, t: (i + 1) * 100, runId: body.kind.startsWith('user.') ? null : 'r1', ...body }))
})()

// Values JSON cannot carry are spliced in as raw text: 1e400 reads back as Infinity. A marker is
// a string value whose JSON (quotes included) is replaced.
const RAW = { inf: '@@1e400@@', negInf: '@@-1e400@@', tiny: '@@1e-400@@', deep: '@@deep@@', deepObject: '@@deepObject@@', bigInt: '@@bigint@@' }
const RAW_TEXT: Record<string, string> = {
  [RAW.inf]: '1e400',
  [RAW.negInf]: '-1e400',
  [RAW.tiny]: '1e-400',
  [RAW.deep]: '['.repeat(10_000) + ']'.repeat(10_000),
  [RAW.deepObject]: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
  [RAW.bigInt]: '9'.repeat(400),
}
function raw(text: string): string {
  return text.replace(/"(@@[^"]+@@)"/g, (marker, name: string) => RAW_TEXT[name] ?? marker)
}
const JUNK: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 64,
  -(2 ** 53) - 2,
  1e308,
  '',
  'x',
  '\u0000\u001b[31m\ud800',
  '__proto__',
  'constructor',
  [],
  [null, 'x', 1],
  {},
  { __proto__: null, lid: 'r1.L1', pid: 'x' },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  RAW.inf,
  RAW.negInf,
  RAW.tiny,
  RAW.bigInt,
]
/** Big junk: tried in one field of each event (and the header), not in all, to keep the test quick. */
const DEEP_JUNK = [RAW.deep, RAW.deepObject]

const line = (value: unknown) => raw(JSON.stringify(value))
const HEADER_LINE = line(HEADER)
const BASE_FILE = [HEADER_LINE, ...BASE.map(line)].join('\n') + '\n'

interface Case {
  name: string
  content: string | Buffer
  /** For cases whose every line is either intact or cut: the events that must come back, in order. */
  expectPrefixOfBase?: boolean
}

function cases(): Case[] {
  const list: Case[] = []
  // Random bytes: alone, after a valid header, and with many line breaks.
  for (let i = 0; i < 12; i++) {
    const bytes = Buffer.from(Array.from({ length: int(3000) }, () => int(256)))
    list.push({ name: `random bytes ${i}`, content: bytes })
    list.push({ name: `header + random bytes ${i}`, content: Buffer.concat([Buffer.from(HEADER_LINE + '\n'), bytes]) })
    const lines = Buffer.from(Array.from({ length: int(3000) }, () => (rand() < 0.1 ? 0x0a : rand() < 0.5 ? int(128) : int(256))))
    list.push({ name: `header + random lines ${i}`, content: Buffer.concat([Buffer.from(HEADER_LINE + '\n'), lines]) })
  }
  // Truncated lines: some lines of the base cut at a random place (the rest of the line lost).
  for (let i = 0; i < 12; i++) {
    const lines = BASE.map(line).map((text) => (rand() < 0.3 ? text.slice(0, int(text.length)) : text))
    list.push({ name: `truncated lines ${i}`, content: [HEADER_LINE, ...lines].join('\n') + '\n' })
  }
  // The header with wrong types in every field, and a few whole-header oddities.
  for (const field of Object.keys(HEADER).concat('startedAtMonotonicUs', 'extra')) {
    for (const junk of field === 'extra' ? [...JUNK, ...DEEP_JUNK] : JUNK) {
      list.push({ name: `header.${field} = ${String(JSON.stringify(junk)).slice(0, 30)}`, content: [line({ ...HEADER, [field]: junk }), ...BASE.map(line)].join('\n') + '\n' })
    }
  }
  for (const header of ['', '\uFEFF' + HEADER_LINE, '{"proclab":"session"', '[]', 'null', '"session"', '{"proclab":"session","format":2}', `"${RAW.deep}"`]) {
    list.push({ name: `header ${header.slice(0, 30)}`, content: [raw(header), ...BASE.map(line)].join('\n') + '\n' })
  }
  // Every event with every field (stamp included) replaced by every junk value, one file per kind.
  for (const event of BASE) {
    const lines: string[] = [HEADER_LINE]
    for (const field of Object.keys(event)) for (const junk of JUNK) lines.push(line({ ...event, [field]: junk }))
    for (const junk of DEEP_JUNK) lines.push(line({ ...event, [Object.keys(event).at(-1)!]: junk }), line({ ...event, extra: junk }))
    lines.push(line({ ...event, kind: undefined }), line({ ...event, seq: undefined, t: undefined }))
    list.push({ name: `event ${String(event.kind)} with junk fields`, content: lines.join('\n') + '\n' })
  }
  // Kinds that name Object.prototype's members, and objects standing in for a whole event.
  const odd = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'run.', '.']
  list.push({ name: 'kinds named like prototype members', content: [HEADER_LINE, ...odd.map((kind, i) => line({ seq: i + 1, t: i, runId: 'r1', kind, lid: 'r1.L1', pid: 1 }))].join('\n') + '\n' })
  list.push({ name: 'lines that are not objects', content: [HEADER_LINE, '1', '"x"', 'null', '[]', '[1,2]', 'true', '{}', '{"seq":1}', '   ', '\t', '\r'].join('\n') + '\n' })
  // Duplicated and out-of-order seq (and t), and every event twice.
  const shuffled = [...BASE].sort(() => rand() - 0.5)
  list.push({ name: 'out of order', content: [HEADER_LINE, ...shuffled.map(line)].join('\n') + '\n' })
  list.push({ name: 'duplicated', content: [HEADER_LINE, ...BASE.flatMap((e) => [line(e), line(e)])].join('\n') + '\n' })
  list.push({ name: 'one seq for all, t backwards', content: [HEADER_LINE, ...BASE.map((e, i) => line({ ...e, seq: 7, t: 10_000 - i }))].join('\n') + '\n' })
  // A valid file cut at every 150 bytes: what a crash at any moment could leave.
  for (let cut = 0; cut <= BASE_FILE.length; cut += 150) list.push({ name: `base cut at ${cut}`, content: Buffer.from(BASE_FILE).subarray(0, cut), expectPrefixOfBase: true })
  // Huge numbers in the fields where numbers go.
  for (const huge of [RAW.inf, RAW.negInf, RAW.bigInt, 1e308, -1e308, Number.MAX_SAFE_INTEGER * 4]) {
    const lines = BASE.map((e) => {
      const copy: Record<string, unknown> = { ...e }
      for (const key of Object.keys(copy)) if (typeof copy[key] === 'number') copy[key] = huge
      return line(copy)
    })
    list.push({ name: `huge numbers ${String(huge)}`, content: [HEADER_LINE, ...lines].join('\n') + '\n' })
  }
  // Nested junk and line-level oddities: CRLF, NUL, invalid UTF-8, a line over the cap.
  list.push({ name: 'nested junk', content: [HEADER_LINE, line({ ...BASE[9], junk: RAW.deep }), line({ ...BASE[9], junk: RAW.deepObject }), line({ ...BASE[23], processes: [[[[[{}]]]]] }), line(BASE[10])].join('\n') + '\n' })
  list.push({ name: 'CRLF and NUL', content: [HEADER_LINE, ...BASE.map(line)].join('\r\n') + '\r\n\u0000\u0000\n' })
  list.push({ name: 'invalid UTF-8', content: Buffer.concat([Buffer.from(HEADER_LINE + '\n'), Buffer.from(line(BASE[9]).slice(0, 60)), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from('"}\n' + line(BASE[10]) + '\n')]) })
  list.push({ name: 'a line over the cap', content: [HEADER_LINE, line(BASE[9]), `{"seq":1,"t":1,"kind":"stdout","line":"${'x'.repeat(1_200_000)}"}`, line(BASE[10])].join('\n') + '\n' })
  return list
}

const FORMATS: ExportFormat[] = ['ndjson', 'csv', 'chrome-trace']
let dir = ''
let cleanup = async () => {}
let host: (Host & { exportsDir: string }) | null = null
const files: Array<Case & { id: string; file: string }> = []

beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  const all = cases()
  for (const [index, c] of all.entries()) {
    const id = sessionFileName(Date.UTC(2025, 0, 1), index + 1)
    const file = join(dir, id)
    await writeFile(file, c.content)
    files.push({ ...c, id, file })
  }
  host = await createHost({ sessionsDir: dir, sessionLog: false, sampleIntervalMs: 0 })
})
afterAll(async () => {
  await host?.dispose()
  if (!process.env.FUZZ_KEEP) await cleanup()
})

/** Runs `check` on every case and fails once at the end, listing every case that failed (the first 40). */
async function everyCase(check: (c: (typeof files)[number]) => Promise<void>): Promise<void> {
  const failures: string[] = []
  for (const c of files) {
    try {
      await check(c)
    } catch (error) {
      failures.push(`${c.name} [${c.id}]: ${(error instanceof Error ? error.message : String(error)).split('\n').slice(0, 2).join(' ')}`.slice(0, 400))
    }
  }
  expect(failures.slice(0, 40), `FUZZ_SEED=${SEED}: ${failures.length} of ${files.length} cases failed`).toEqual([])
}

/** Resolves with the value, or with the SessionFormatError the file was refused with; anything else fails. */
async function cleanly<T>(what: string, body: () => Promise<T>): Promise<T | SessionFormatError> {
  try {
    return await body()
  } catch (error) {
    if (error instanceof SessionFormatError) return error
    throw new Error(`${what} (FUZZ_SEED=${SEED}) threw ${error instanceof Error ? error.stack : String(error)}`)
  }
}

function checkOutput(format: ExportFormat, text: string, what: string): void {
  if (format === 'ndjson') {
    for (const row of text.split('\n').slice(0, -1)) expect(() => JSON.parse(row), what).not.toThrow()
    expect(text.endsWith('\n'), what).toBe(true)
  } else if (format === 'csv') {
    const rows = parseCsv(text)
    expect(rows.every((row) => row.length === 9), what).toBe(true)
  } else {
    const trace = JSON.parse(text) as { traceEvents: TraceEvent[] }
    expect(traceProblems(trace), what).toEqual([])
    expect(trace.traceEvents.every((e) => Number.isFinite(e.ts) && (e.dur === undefined || Number.isFinite(e.dur))), what).toBe(true)
  }
}

describe(`session file fuzz (FUZZ_SEED=${SEED})`, () => {
  it('the reader yields the header and events, or refuses the file by name; damage is counted', async () => {
    await everyCase(async (c) => {
      const what = `${c.name} [${c.id}]`
      const warnings: SessionWarning[] = []
      const events: LabEvent[] = []
      const result = await cleanly(what, async () => {
        for await (const record of readSession(c.file, { onWarning: (w) => warnings.push(w) })) if (record.type === 'event') events.push(record.event)
        return events
      })
      if (result instanceof SessionFormatError) {
        expect(result.file, what).toBe(c.file)
        return
      }
      for (const e of events) expect(Number.isFinite(e.seq) && Number.isFinite(e.t) && typeof e.kind === 'string', what).toBe(true)
      for (const w of warnings) expect(w.message.length, what).toBeLessThan(c.file.length + 200)
      if (c.expectPrefixOfBase) {
        // A cut file gives back the events before the cut, in order, and at most the torn last line is reported.
        expect(events, what).toEqual(BASE.slice(0, events.length))
        expect(warnings.filter((w) => w.kind !== 'torn-last-line'), what).toEqual([])
        expect(warnings.length, what).toBeLessThanOrEqual(1)
      }
    })
  })

  it('every exporter ends cleanly with well-formed output', async () => {
    await everyCase(async (c) => {
      for (const format of FORMATS) {
        const what = `${format} export of ${c.name} [${c.id}]`
        const { out, text } = collect()
        const result = await cleanly(what, () => exportSession(c.file, format, out, { onWarning: () => {} }))
        if (result instanceof SessionFormatError) {
          expect(text(), what).toBe('') // a refused file writes nothing
          continue
        }
        checkOutput(format, text(), what)
        if (format === 'ndjson') expect(text().split('\n').length - 2, what).toBe(result.eventsRead)
      }
    })
  })

  it('the replay through a real host answers every file (or refuses it) with events a UI can take as typed', async () => {
    await everyCase(async (c) => {
      const what = `sessions.read of ${c.name} [${c.id}]`
      const response = await host!.handle({ id: 1, cmd: 'sessions.read', args: { id: c.id } })
      // What a transport does with the answer: it must survive being sent.
      expect(() => JSON.stringify(response), what).not.toThrow()
      if (!response.ok) {
        expect(response.error.code, `${what}: ${response.error.message}`).toBe('failed')
        expect(response.error.message, what).toMatch(/^Cannot open session session-/)
        return
      }
      const replay = response.value as SessionReplay
      for (const event of replay.events) if (event.kind !== 'output.gap') expect(shapeProblem(event as unknown as Record<string, unknown>), `${what}: ${JSON.stringify(event).slice(0, 200)}`).toBeNull()
      if (replay.skippedLines > 0) expect(replay.message, what).toMatch(/damaged lines? (was|were) skipped/)
    })
    const list = await host!.handle({ id: 2, cmd: 'sessions.list', args: {} })
    expect(list.ok).toBe(true)
    expect(() => JSON.stringify(list)).not.toThrow()
  })

  it('the host still runs a lab afterwards', async () => {
    const ended = new Promise<LabEvent>((resolve) => host!.onEvent((event) => event.kind === 'run.end' && resolve(event)))
    await host!.call('run.start', { scenario: 'hello' })
    expect(await ended).toMatchObject({ kind: 'run.end', ok: true })
  })
})
