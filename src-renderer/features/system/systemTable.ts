// The renderer's copy of the machine's process table, kept up to date from `monitor.changes`.
// Pure (no Vue, no DOM): the store wraps it, and unit tests drive it with the host's own answers.
import { SYSTEM_PROCESS_FIELDS, type SystemProcess, type SystemProcessChanges } from '../../../src-shared/contract'
import type { TableRow } from './systemRows'

type Field = (typeof SYSTEM_PROCESS_FIELDS)[number]

/** What one answer changed, so the views redo only the work that depends on it. */
export interface TableChange {
  /** Rows came or went (vanished rows included): filters, sort and tree must be redone. */
  rowsChanged: boolean
  /** Fields that changed in at least one row that was there before. */
  fields: ReadonlySet<Field>
  /** Rows now absent that were present before this answer (drawn faded until the next one). */
  vanished: SystemProcess[]
  /** Pids whose row is a new object: their history gets a point. */
  touched: number[]
}

/**
 * Processes by pid. A row object is never changed in place: a changed process gets a new object,
 * so views can tell a changed row from an unchanged one by identity. Each row carries the serial of
 * its entry into the table (kept by its later versions), so a view can tell the rows that entered
 * since it last looked without a set of everything it saw.
 */
export class ProcessTable {
  private readonly rows = new Map<number, TableRow>()
  /** The last serial handed out. */
  serial = 0
  /** The answer this copy is at, for the next `since`; null before the first or after a mismatch. */
  answerId: number | null = null

  get size(): number {
    return this.rows.size
  }

  get(pid: number): TableRow | undefined {
    return this.rows.get(pid)
  }

  values(): IterableIterator<TableRow> {
    return this.rows.values()
  }

  /** Applies one answer. An answer that does not follow this copy's state resets it to the answer's whole table. */
  apply(changes: SystemProcessChanges): TableChange {
    const whole = changes.since === null
    if (!whole && changes.since !== this.answerId) throw new Error(`changes since answer ${changes.since} applied to a copy at ${this.answerId}`)
    const before = whole ? new Map(this.rows) : null
    if (whole) this.rows.clear()
    const touched: number[] = []
    const vanished: SystemProcess[] = []
    for (const pid of changes.removed) {
      const row = this.rows.get(pid)
      if (!row) continue
      vanished.push(row)
      this.rows.delete(pid)
    }
    const fields = this.applyUpdates(changes, touched)
    const added = changes.added
    for (let i = 0; i < added.pid.length; i++) {
      const row = {} as Record<Field | 'serial', unknown>
      for (const field of SYSTEM_PROCESS_FIELDS) row[field] = added[field][i]
      row.serial = ++this.serial
      const process = row as unknown as TableRow
      this.rows.set(process.pid, process)
      touched.push(process.pid)
    }
    if (before) for (const [pid, row] of before) if (!this.rows.has(pid)) vanished.push(row)
    // A copy that lost count (an answer lost on the way) asks for the whole table next time.
    this.answerId = this.rows.size === changes.count ? changes.id : null
    return { rowsChanged: whole || added.pid.length > 0 || vanished.length > 0, fields, vanished, touched }
  }

  private applyUpdates(changes: SystemProcessChanges, touched: number[]): Set<Field> {
    const fields = new Set<Field>()
    // pid -> its new object, made once per process however many of its fields changed.
    const fresh = new Map<number, Record<string, unknown>>()
    for (const field of SYSTEM_PROCESS_FIELDS) {
      const update = changes.updated[field]
      if (!update) continue
      fields.add(field)
      for (let i = 0; i < update.pids.length; i++) {
        const pid = update.pids[i]!
        let row = fresh.get(pid)
        if (!row) {
          const old = this.rows.get(pid)
          if (!old) continue
          row = { ...old }
          fresh.set(pid, row)
        }
        row[field] = update.values[i]
      }
    }
    for (const [pid, row] of fresh) {
      this.rows.set(pid, row as unknown as TableRow)
      touched.push(pid)
    }
    return fields
  }
}
