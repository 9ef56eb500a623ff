// Figures for `proclab bench`: how many events a second the recorder sustains without losing
// any, and what an export of a large session costs in time and memory.
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { LabEvent } from '../../../src-shared/events'
import { createRecorder, exportSession, readSession, type ExportFormat } from '../../session'
import { writeSyntheticSession } from './synthetic-session'
import { platform } from '../../platform'

export interface ThroughputOptions {
  /** Events per second to offer. Default 200,000. */
  rate?: number
  /** How long to offer them. Default 10 s. */
  seconds?: number
  /** Read the file back and check every seq is there once, in order. Default true. */
  verify?: boolean
  /** Folder for the temporary session file; default the OS temp folder. */
  dir?: string
  /** Also measure the unpaced rate. Default true. */
  burst?: boolean
}

export interface ThroughputResult {
  rate: number
  seconds: number
  events: number
  /** Events appended per second over the run (≥ rate when the recorder keeps up). */
  appendedPerSecond: number
  /** Events on disk per second, counting the time close() needed to write the rest. */
  writtenPerSecond: number
  /** Unpaced: 1,000,000 events appended back to back, divided by the time until all were on disk. */
  burstPerSecond: number | null
  /** Most events that waited in memory at once. */
  maxPending: number
  closeMs: number
  bytes: number
  writes: number
  dropped: number
  /** With verify: events missing, duplicated or out of order in the file (0 is a pass). */
  lost: number | null
  ok: boolean
}

/** Offers `rate` events a second for `seconds`, paced on the event loop as a busy host would. */
export async function measureRecorderThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const rate = options.rate ?? 200_000
  const seconds = options.seconds ?? 10
  const total = Math.round(rate * seconds)
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), 'proclab-bench-'))
  const file = join(dir, 'throughput.ndjson')
  try {
    const recorder = await createRecorder(file, {
      version: 'bench',
      platform: platform.name,
      startedAtWall: Date.now(),
      hostPid: process.pid,
    })
    const source = benchEvents()
    let appended = 0
    let maxPending = 0
    const began = performance.now()
    while (appended < total) {
      // At most ~10 ms worth per turn, so a backlog after a stall is caught up in steps.
      const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * rate), appended + Math.ceil(rate / 100))
      while (appended < due) {
        appended++
        recorder.append(source(appended))
      }
      maxPending = Math.max(maxPending, recorder.stats.eventsPending)
      // Give the recorder's writes their turn, as a host's other work would.
      await new Promise((resolve) => setImmediate(resolve))
    }
    const appendedMs = performance.now() - began
    const closing = performance.now()
    await recorder.close()
    const closeMs = performance.now() - closing
    const stats = recorder.stats
    const lost = options.verify === false ? null : await countLost(file, total)
    const burstPerSecond = options.burst === false ? null : await measureBurst(join(dir, 'burst.ndjson'), 1_000_000)
    return {
      burstPerSecond,
      rate,
      seconds,
      events: total,
      appendedPerSecond: Math.round(total / (appendedMs / 1000)),
      writtenPerSecond: Math.round(stats.eventsWritten / ((appendedMs + closeMs) / 1000)),
      maxPending,
      closeMs: Math.round(closeMs),
      bytes: stats.bytesWritten,
      writes: stats.writes,
      dropped: stats.dropped,
      lost,
      ok: stats.eventsWritten === total && stats.dropped === 0 && (lost === null || lost === 0),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function measureBurst(file: string, total: number): Promise<number> {
  const recorder = await createRecorder(file, { version: 'bench', platform: platform.name, startedAtWall: Date.now(), hostPid: process.pid })
  const source = benchEvents()
  const began = performance.now()
  for (let seq = 1; seq <= total; seq++) {
    recorder.append(source(seq))
    // Let writes run now and then, as any host's event loop would.
    if (seq % 4096 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await recorder.close()
  return Math.round(recorder.stats.eventsWritten / ((performance.now() - began) / 1000))
}

/**
 * Events shaped like a busy lab's (output with Chinese text, lock and queue traffic), built by
 * updating a few templates: the recorder serialises at append, so reusing them is safe, and the
 * figure measures the recorder rather than the allocation of test objects.
 */
function benchEvents(): (seq: number) => LabEvent {
  const templates = [
    { seq: 0, t: 0, runId: 'bench', kind: 'stdout', lid: 'L1', pid: 40001, line: '任务1: 小黑 says "hi", step 12' },
    { seq: 0, t: 0, runId: 'bench', kind: 'lock.acquire', lid: 'L2', pid: 40002, object: 'lock', waitedUs: 31 },
    { seq: 0, t: 0, runId: 'bench', kind: 'queue.put', lid: 'L3', pid: 40003, object: 'q', depth: 7 },
    { seq: 0, t: 0, runId: 'bench', kind: 'stdout', lid: 'L1', pid: 40001, line: 'plain output line number 12' },
  ] as unknown as LabEvent[]
  const began = performance.now()
  return (seq) => {
    const event = templates[seq & 3]!
    event.seq = seq
    event.t = Math.round((performance.now() - began) * 1000)
    return event
  }
}

async function countLost(file: string, total: number): Promise<number> {
  let expected = 1
  let bad = 0
  for await (const record of readSession(file, { onWarning: () => bad++ })) {
    if (record.type !== 'event') continue
    if (record.event.seq !== expected) bad++
    expected = record.event.seq + 1
  }
  return bad + Math.max(0, total - (expected - 1))
}

export interface ExportMeasureOptions {
  events?: number
  formats?: ExportFormat[]
  dir?: string
  /** Write the output to files in dir (true) or discard it (false, default). */
  toFile?: boolean
}

export interface ExportMeasure {
  format: ExportFormat
  events: number
  sessionBytes: number
  outputBytes: number
  ms: number
  /** Highest RSS sampled during this export, and the RSS just before it. */
  peakRssMiB: number
  startRssMiB: number
}

/** Exports a synthetic session of `events` events in each format, sampling RSS as it goes. */
export async function measureExport(options: ExportMeasureOptions = {}): Promise<ExportMeasure[]> {
  const events = options.events ?? 1_000_000
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), 'proclab-export-bench-'))
  try {
    const file = join(dir, 'session.ndjson')
    await writeSyntheticSession(file, events)
    const sessionBytes = (await stat(file)).size
    const results: ExportMeasure[] = []
    for (const format of options.formats ?? (['ndjson', 'csv', 'chrome-trace'] as const)) {
      globalThis.gc?.()
      const startRss = process.memoryUsage.rss()
      let peak = startRss
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss())
      }, 10)
      const out = options.toFile ? createWriteStream(join(dir, `out.${format}`)) : discard()
      const result = await exportSession(file, format, out, { onWarning: () => {} })
      clearInterval(sampler)
      peak = Math.max(peak, process.memoryUsage.rss())
      results.push({
        format,
        events,
        sessionBytes,
        outputBytes: result.bytes,
        ms: Math.round(result.durationMs),
        peakRssMiB: mib(peak),
        startRssMiB: mib(startRss),
      })
    }
    return results
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback()
    },
  })
}

function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10
}
