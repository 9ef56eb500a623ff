// `monitor.changes`: the table as what changed since an answer the caller already holds. A System
// tab refreshing 10,000 processes every second mostly sees a few CPU figures move; sending only
// those keeps the host from serialising, and the renderer from parsing, megabytes a second.
import { SYSTEM_PROCESS_FIELDS, type SystemProcess, type SystemProcessChanges, type SystemProcessColumns, type SystemProcessUpdates } from '../../src-shared/contract'

/**
 * Answers kept to diff against. Each UI holds one (its latest); two windows, or a UI whose answer
 * crossed a newer one, still find theirs. An older `since` gets the whole table, which is always right.
 */
const KEPT_ANSWERS = 4

type Field = (typeof SYSTEM_PROCESS_FIELDS)[number]

export function emptyColumns(): SystemProcessColumns {
  const columns = {} as Record<Field, unknown[]>
  for (const field of SYSTEM_PROCESS_FIELDS) columns[field] = []
  return columns as SystemProcessColumns
}

/** Rows into columns: one array per field instead of the field names repeated in every row. */
export function toColumns(rows: readonly SystemProcess[]): SystemProcessColumns {
  const columns = emptyColumns() as Record<Field, unknown[]>
  for (const field of SYSTEM_PROCESS_FIELDS) {
    const column = columns[field]
    for (const row of rows) column.push(row[field])
  }
  return columns as SystemProcessColumns
}

/** Columns back into rows (tests, and any client that wants objects). */
export function fromColumns(columns: SystemProcessColumns): SystemProcess[] {
  const rows: SystemProcess[] = []
  for (let i = 0; i < columns.pid.length; i++) {
    const row = {} as Record<Field, unknown>
    for (const field of SYSTEM_PROCESS_FIELDS) row[field] = columns[field][i]
    rows.push(row as unknown as SystemProcess)
  }
  return rows
}

/** What differs from `before` to `now`, field by field; rows are matched by pid. */
export function diffTables(before: ReadonlyMap<number, SystemProcess>, now: readonly SystemProcess[]): Pick<SystemProcessChanges, 'added' | 'removed' | 'updated'> {
  const added: SystemProcess[] = []
  const olds: SystemProcess[] = []
  const news: SystemProcess[] = []
  for (const row of now) {
    const old = before.get(row.pid)
    if (old) {
      olds.push(old)
      news.push(row)
    } else added.push(row)
  }
  const updated: Record<string, { pids: number[]; values: unknown[] }> = {}
  for (let i = 0; i < news.length; i++) {
    const row = news[i]!
    const old = olds[i]!
    // Most rows do not change from one second to the next: one comparison of named fields tells,
    // where a loop over field names (a different property per access) costs ~10× more.
    if (sameRow(old, row)) continue
    for (const field of SYSTEM_PROCESS_FIELDS) {
      if (old[field] === row[field]) continue
      const change = (updated[field] ??= { pids: [], values: [] })
      change.pids.push(row.pid)
      change.values.push(row[field])
    }
  }
  const removed: number[] = []
  if (olds.length < before.size) {
    const kept = new Set<number>()
    for (const row of news) kept.add(row.pid)
    for (const pid of before.keys()) if (!kept.has(pid)) removed.push(pid)
  }
  return { added: toColumns(added), removed, updated: updated as SystemProcessUpdates }
}

/** Every field of SYSTEM_PROCESS_FIELDS equal (a unit test holds the two lists together). */
export function sameRow(a: SystemProcess, b: SystemProcess): boolean {
  return (
    a === b ||
    (a.cpu === b.cpu &&
    a.rss === b.rss &&
    a.memPercent === b.memPercent &&
    a.state === b.state &&
    a.threads === b.threads &&
    a.ppid === b.ppid &&
    a.pid === b.pid &&
    a.name === b.name &&
    a.command === b.command &&
    a.user === b.user &&
    a.startedAt === b.startedAt &&
    a.lab === b.lab &&
    a.nice === b.nice &&
    a.signalRefused === b.signalRefused)
  )
}

/** Numbers the answers and keeps the last few tables to diff the next answer against. */
export class ChangeLog {
  private nextId = 1
  private readonly answers = new Map<number, Map<number, SystemProcess>>()

  answer(rows: readonly SystemProcess[], since: number | undefined): SystemProcessChanges {
    const id = this.nextId++
    const base = since === undefined ? undefined : this.answers.get(since)
    const table = new Map<number, SystemProcess>()
    for (const row of rows) table.set(row.pid, row)
    this.answers.set(id, table)
    for (const old of this.answers.keys()) {
      if (this.answers.size <= KEPT_ANSWERS) break
      this.answers.delete(old)
    }
    // count is of distinct pids, which is what a client's own copy (keyed by pid) holds.
    if (base === undefined) return { id, since: null, added: toColumns(rows), removed: [], updated: {}, count: table.size }
    return { id, since: since!, ...diffTables(base, rows), count: table.size }
  }
}
