// What a lab process sends the broker about the holds of a shared-memory Lock it took in place
// (lock-trace.ts writes it, supervisor/objects/shm-lock.ts reads it).
export const TRACE = { request: 1, acquire: 2, release: 3, timeout: 4 } as const
/** Records are [kind, seq, at µs, waited/held µs]; seq 0 = not ordered (a refused try). */
export const RECORD_FIELDS = 4

export interface TraceArgs {
  records: number[]
  /** Holds only counted (the process recorded faster than it sent): exact counts, no timeline. */
  summary?: { acquires: number; releases: number }
}
