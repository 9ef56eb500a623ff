// Telemetry of the shared-memory Lock's fast path without a message per operation: the lab process
// keeps the events of the holds it took by itself (request, acquire, release), numbered by the
// lock's sequence word, and sends them in one `trace` message per lock per tick (and before any
// other message about that lock, so the broker always has a holder's events before its release).
// The broker puts the batches of all processes back in sequence order (objects/lock-events.ts).
//
// Never slow the lab to record: past MAX_RECORDS events waiting to be sent (a loop that never
// yields to the event loop), new holds are only counted (acquires, releases, time held) and the
// broker emits one lock.summary with the exact counts.
import { labContext } from './context'
import { monotonicMicros } from './protocol'
import { RECORD_FIELDS, type TraceArgs } from './lock-trace-format'

export { TRACE } from './lock-trace-format'

/** Events (all locks of this process) kept between two sends. */
const MAX_RECORDS = 4096

let recordCount = 0
const dirty: LockTrace[] = []
let scheduled = false
let hooked = false

// The machine's monotonic clock in µs, as the host stamps events (monotonicMicros), read through
// performance.now(), which runs on the same clock in Node and costs far less than a BigInt hrtime.
const offsetUs = monotonicMicros() - performance.now() * 1000
export function now(): number {
  return Math.round(performance.now() * 1000 + offsetUs)
}

/** Whether a new hold can be traced event by event (else it is counted only). */
export function canTrace(): boolean {
  return recordCount + 3 <= MAX_RECORDS
}

/** What one lock of this process has recorded and not sent yet. */
export class LockTrace {
  private records: number[] = []
  private acquires = 0
  private releases = 0
  private pending = false

  constructor(private readonly oid: string) {}

  record(kind: number, seq: number, at: number, us: number): void {
    this.records.push(kind, seq, at, us)
    recordCount++
    if (!this.pending) this.markPending()
  }

  countAcquire(): void {
    this.acquires++
    if (!this.pending) this.markPending()
  }

  countRelease(): void {
    this.releases++
    if (!this.pending) this.markPending()
  }

  /** Sends what is recorded now (before another message about this lock). */
  flush(): void {
    if (!this.pending) return
    this.pending = false
    const args: TraceArgs = { records: this.records }
    recordCount -= this.records.length / RECORD_FIELDS
    this.records = []
    if (this.acquires || this.releases) {
      args.summary = { acquires: this.acquires, releases: this.releases }
      this.acquires = this.releases = 0
    }
    labContext().channel.send({ op: 'tell', oid: this.oid, method: 'trace', args })
  }

  private markPending(): void {
    this.pending = true
    dirty.push(this)
    if (!scheduled) {
      scheduled = true
      setImmediate(flushAll)
    }
    if (!hooked) {
      hooked = true
      // What a process records just before it exits must still reach the broker.
      labContext().channel.beforeFlush(flushAll)
    }
  }
}

function flushAll(): void {
  scheduled = false
  for (const trace of dirty.splice(0)) trace.flush()
}
