// What a Pool tells the UI. The pool's state lives in the process that made it (pool.ts), so that
// process reports it: one `report` message to the broker's pool object every REPORT_MS while there
// is news (and before the process exits), which the broker emits as pool.* events stamped with the
// times measured here. A map of 100,000 tasks in chunks of one must not cost 200,000 events: past
// SPANS_PER_REPORT chunks of one worker between two reports, that worker's finished chunks go as
// one pool.summary with exact counts.
import type { EventBody } from '../../src-shared/events'
import { labContext } from './context'
import { now } from './lock-trace'
import { SharedObject } from './objects'

/** How long news waits to be reported: the live UI's delay, and what batches a fast pool's events. */
const REPORT_MS = 50
/** Chunks of one worker started and ended between two reports that are still reported one by one. */
export const SPANS_PER_REPORT = 8

type PoolBody = Extract<EventBody, { kind: `pool.${string}` }>
type Distribute<T> = T extends unknown ? Omit<T, 'lid' | 'pid' | 'object'> : never
/** A pool event as the owner sends it: the broker adds the object id. */
export type PoolEventBody = Distribute<PoolBody>

/** One event of a report: whose it is (the owner or a worker), when it happened (monotonic µs). */
export interface PoolReportEntry {
  lid: string
  pid: number
  at: number
  event: PoolEventBody
}

export const POOL_REPORT = 'report'

export interface WorkerRef {
  lid: string
  pid: number
}

/** A chunk handed to a worker; reported once it is announced (pool.start) or ends. */
export interface ChunkSpan {
  worker: WorkerRef
  chunk: number
  tasks: number
  start: number
  end: number | null
  error: string | null
  announced: boolean
}

type Pending = { span: ChunkSpan } | { entry: PoolReportEntry }

/** The broker's pool object, as the process that made the pool sees it: a recorder of news. */
export class PoolTelemetry extends SharedObject {
  private pending: Pending[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly owner: WorkerRef

  /** `name`: the pool's name option (its workers' prefix), else a default like Pool-3. */
  constructor(name: string | undefined, workers: number, maxTasksPerChild: number | null) {
    super()
    this.register('pool', name, { processes: workers, maxTasksPerChild })
    this.owner = { lid: labContext().lid, pid: process.pid }
    // What happens just before the process exits must still reach the broker.
    labContext().channel.beforeFlush(() => this.report())
  }

  queued(tasks: number, chunks: number, chunkSize: number): void {
    if (tasks === 0) return
    // Many apply() calls in a row are one line of news.
    const last = this.pending.at(-1)
    if (last && 'entry' in last && last.entry.event.kind === 'pool.queued' && last.entry.event.chunkSize === chunkSize) {
      last.entry.event.tasks += tasks
      last.entry.event.chunks += chunks
      return
    }
    this.add({ entry: { ...this.owner, at: now(), event: { kind: 'pool.queued', tasks, chunks, chunkSize } } })
  }

  worker(worker: WorkerRef, replaces: string | null, reason: 'maxTasksPerChild' | 'exited' | null): void {
    this.add({ entry: { ...worker, at: now(), event: { kind: 'pool.worker', replaces, reason } } })
  }

  started(worker: WorkerRef, chunk: number, tasks: number): ChunkSpan {
    const span: ChunkSpan = { worker, chunk, tasks, start: now(), end: null, error: null, announced: false }
    this.add({ span })
    return span
  }

  /** The chunk's answer came back (error null) or it failed. */
  ended(span: ChunkSpan, error: string | null): void {
    span.end = now()
    span.error = error
    // Its start was reported already: its end is news of its own.
    if (span.announced) this.add({ entry: endOf(span) })
  }

  /** A chunk no worker started failed (the pool was terminated or broken). */
  failedUnstarted(chunk: number, tasks: number, error: string): void {
    this.add({ entry: { ...this.owner, at: now(), event: { kind: 'pool.failed', chunk, tasks, error } } })
  }

  closed(terminated: boolean): void {
    this.add({ entry: { ...this.owner, at: now(), event: { kind: 'pool.close', terminated } } })
  }

  /** Sends what is pending now. */
  report(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const entries = reportEntries(this.pending.splice(0))
    this.tell(POOL_REPORT, { entries })
  }

  private add(item: Pending): void {
    this.pending.push(item)
    this.timer ??= setTimeout(() => this.report(), REPORT_MS)
  }
}

function endOf(span: ChunkSpan): PoolReportEntry {
  const { worker, chunk, tasks, error } = span
  const event: PoolEventBody = error === null ? { kind: 'pool.done', chunk, tasks } : { kind: 'pool.failed', chunk, tasks, error }
  return { ...worker, at: span.end!, event }
}

/**
 * The events of one report, in the order they happened; a worker with more than SPANS_PER_REPORT
 * chunks begun and finished since the last report has those summarised (one pool.summary, last).
 */
export function reportEntries(pending: readonly Pending[]): PoolReportEntry[] {
  const finished = new Map<string, number>()
  for (const item of pending) if ('span' in item && item.span.end !== null) finished.set(item.span.worker.lid, (finished.get(item.span.worker.lid) ?? 0) + 1)
  const out: PoolReportEntry[] = []
  const summaries = new Map<string, { worker: WorkerRef; from: number; to: number; event: Extract<PoolEventBody, { kind: 'pool.summary' }> }>()
  for (const item of pending) {
    if ('entry' in item) {
      out.push(item.entry)
      continue
    }
    const span = item.span
    const { lid, pid } = span.worker
    if (span.end !== null && finished.get(lid)! > SPANS_PER_REPORT) {
      let summary = summaries.get(lid)
      if (!summary) summaries.set(lid, (summary = { worker: span.worker, from: span.start, to: span.end, event: { kind: 'pool.summary', chunks: 0, done: 0, failed: 0, durationUs: 0, error: null } }))
      summary.to = Math.max(summary.to, span.end)
      const event = summary.event
      event.chunks++
      if (span.error === null) event.done += span.tasks
      else {
        event.failed += span.tasks
        event.error ??= span.error
      }
      continue
    }
    span.announced = true
    out.push({ lid, pid, at: span.start, event: { kind: 'pool.start', chunk: span.chunk, tasks: span.tasks } })
    if (span.end !== null) out.push(endOf(span))
  }
  for (const { worker, from, to, event } of summaries.values()) {
    event.durationUs = to - from
    out.push({ ...worker, at: to, event })
  }
  return out
}
