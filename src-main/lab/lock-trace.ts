// Telemetry of the shared-memory Lock's fast path without a message per operation: the lab process
// keeps the events of the holds it took by itself (request, acquire, release), numbered by the
// lock's sequence word, and sends them in one `trace` message per lock per tick (and before any
// other message about that lock, so the broker always has a holder's events before its release).
// The broker puts the batches of all processes back in sequence order (objects/lock-events.ts).
//
// Never slow the lab to record: past MAX_RECORDS events waiting to be sent, new holds are only
// counted (acquires, releases, time held) and the broker emits one lock.summary with the counts.
import { labContext } from './context'
import { monotonicMicros } from './protocol'

import { RECORD_FIELDS, type TraceArgs } from './lock-trace-format'

export { TRACE } from './lock-trace-format'
/** Events (all locks of this process) kept between two sends; a tight loop that never yields is summarised beyond this. */
const MAX_RECORDS = 4096

interface Pending {
  records: number[]
  summary: { acquires: number; releases: number; heldUs: number }
}

const pending = new Map<string, Pending>()
let recordCount = 0
let scheduled = false
let hooked = false

function entryFor(oid: string): Pending {
  let entry = pending.get(oid)
  if (!entry) {
    entry = { records: [], summary: { acquires: 0, releases: 0, heldUs: 0 } }
    pending.set(oid, entry)
  }
  if (!scheduled) {
    scheduled = true
    setImmediate(flushAll)
  }
  if (!hooked) {
    hooked = true
    // What a process records just before it exits must still reach the broker.
    labContext().channel.beforeFlush(flushAll)
  }
  return entry
}

/** Whether a new hold can be traced event by event (else it is counted only). */
export function canTrace(): boolean {
  return recordCount + 3 <= MAX_RECORDS
}

export function record(oid: string, kind: number, seq: number, at: number, us: number): void {
  entryFor(oid).records.push(kind, seq, at, us)
  recordCount++
}

export function countSummarised(oid: string, kind: 'acquire' | 'release', heldUs = 0): void {
  const { summary } = entryFor(oid)
  if (kind === 'acquire') summary.acquires++
  else {
    summary.releases++
    summary.heldUs += heldUs
  }
}

/** Sends what this process recorded about `oid` now (before another message about it). */
export function flush(oid: string): void {
  const entry = pending.get(oid)
  if (!entry) return
  pending.delete(oid)
  recordCount -= entry.records.length / RECORD_FIELDS
  const { summary } = entry
  const args: TraceArgs = { records: entry.records }
  if (summary.acquires || summary.releases) args.summary = summary
  labContext().channel.send({ op: 'tell', oid, method: 'trace', args })
}

function flushAll(): void {
  scheduled = false
  for (const oid of [...pending.keys()]) flush(oid)
}

// The machine's monotonic clock in µs, as the host stamps events (monotonicMicros), read through
// performance.now(), which runs on the same clock in Node and costs far less than a BigInt hrtime.
const offsetUs = monotonicMicros() - performance.now() * 1000
export function now(): number {
  return Math.round(performance.now() * 1000 + offsetUs)
}
