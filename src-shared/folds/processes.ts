// The one reading of the process events: which processes a run had, who started them, when each
// began and ended and how. The Lab tree, the timeline's lanes, the replay and the exporters all
// fold through this, so a lifetime the timeline draws is the one the tree and the trace show.
//
// Lab processes come from process.start and process.exit; a plain OS process a lab process
// started unreaped (spawnUnreaped) from os.start and os.exit. The OS's own word about them,
// a zombie (state Z) or an orphan's new parent, changes the record and comes back as a note for
// readers that show it. The fold reads recorded sessions of any version, so every field but the
// lid is optional: an older host sent no daemon, target or parentLid, a cut session may hold an
// exit whose start is missing (ignored: the reader decides whether to draw such a process).

/** What the OS did to a process that nobody printed (a reader words it in its language). */
export type ProcessNote =
  | { what: 'zombie'; ppid: number }
  | { what: 'reparent'; oldPpid: number; newPpid: number; newParentName: string | null }
  | { what: 'reaped'; exitCode: number | null; reapedBy: 'parent' | 'other' }

export interface ProcessRecord {
  lid: string
  pid: number
  /** The parent's pid; it follows the OS when an orphan is adopted (process.reparent). */
  ppid: number
  name: string
  daemon: boolean
  /** null for the run's lab main process, or when the session did not say. */
  parentLid: string | null
  /** What it runs: a lab process's target, an OS process's command line. */
  target: string
  /** Session time (µs) of its start. */
  startT: number
  exitT: number | null
  exitCode: number | null
  signal: string | null
  exited: boolean
  /** A plain OS process a lab process started unreaped, not a lab process: it cannot be joined. */
  os: boolean
  /** The OS showed it as a zombie (state Z): exited, not yet reaped by its parent. */
  zombie: boolean
  /** Its place in the run's start order (0 for the first lid started), kept if it starts again. */
  order: number
}

/** What one event did to one process. */
export interface ProcessChange {
  process: ProcessRecord
  what: 'start' | 'exit' | 'zombie' | 'reparent'
  /** Set for the OS's word about it (a zombie, a new parent, an OS process reaped). */
  note: ProcessNote | null
}

/** The fields the fold reads: a typed LabEvent fits, and so does a loosely parsed one from a file. */
export interface ProcessFoldInput {
  kind: string
  t: number
  lid?: unknown
  pid?: unknown
  ppid?: unknown
  name?: unknown
  daemon?: unknown
  parentLid?: unknown
  target?: unknown
  command?: unknown
  exitCode?: unknown
  signal?: unknown
  reapedBy?: unknown
  oldPpid?: unknown
  newPpid?: unknown
  newParentName?: unknown
}

export class ProcessFold {
  private readonly byLid = new Map<string, ProcessRecord>()
  private readonly lids: string[] = []

  /** Folds one event; null when it changes no process (not a process event, or one about a process never started). */
  apply(event: ProcessFoldInput): ProcessChange | null {
    switch (event.kind) {
      case 'run.start':
        this.reset()
        return null
      case 'process.start':
      case 'os.start':
        return this.started(event)
      case 'process.exit':
      case 'os.exit':
        return this.exited(event)
      case 'process.zombie':
        return this.zombie(event)
      case 'process.reparent':
        return this.reparented(event)
      default:
        return null
    }
  }

  reset(): void {
    this.byLid.clear()
    this.lids.length = 0
  }

  get(lid: string): ProcessRecord | undefined {
    return this.byLid.get(lid)
  }

  /** Every process seen, in start order. */
  all(): ProcessRecord[] {
    return this.lids.map((lid) => this.byLid.get(lid)!)
  }

  /** lids in start order. */
  get order(): readonly string[] {
    return this.lids
  }

  private started(event: ProcessFoldInput): ProcessChange | null {
    const lid = text(event.lid)
    if (lid === null) return null
    const os = event.kind === 'os.start'
    const pid = count(event.pid) ?? 0
    const known = this.byLid.get(lid)
    if (!known) this.lids.push(lid)
    const command = text(event.command) ?? ''
    // A process started again under its lid (a damaged file) is a fresh record in its old place.
    const process: ProcessRecord = {
      lid,
      pid,
      ppid: count(event.ppid) ?? 0,
      // An OS process goes by its program, as `ps` names it.
      name: (os ? command.split(' ')[0] : text(event.name)) || `pid ${pid}`,
      daemon: event.daemon === true,
      parentLid: text(event.parentLid),
      target: (os ? command : text(event.target)) ?? '',
      startT: event.t,
      exitT: null,
      exitCode: null,
      signal: null,
      exited: false,
      os,
      zombie: false,
      order: known?.order ?? this.lids.length - 1,
    }
    this.byLid.set(lid, process)
    return { process, what: 'start', note: null }
  }

  private exited(event: ProcessFoldInput): ProcessChange | null {
    const process = this.find(event)
    if (!process) return null
    const exitCode = count(event.exitCode)
    Object.assign(process, { exited: true, zombie: false, exitT: event.t, exitCode, signal: text(event.signal) })
    const note: ProcessNote | null = event.kind === 'os.exit' ? { what: 'reaped', exitCode, reapedBy: event.reapedBy === 'parent' ? 'parent' : 'other' } : null
    return { process, what: 'exit', note }
  }

  private zombie(event: ProcessFoldInput): ProcessChange | null {
    const process = this.find(event)
    // A zombie report that crossed its reaping says nothing new.
    if (!process || process.exited) return null
    process.zombie = true
    return { process, what: 'zombie', note: { what: 'zombie', ppid: count(event.ppid) ?? 0 } }
  }

  private reparented(event: ProcessFoldInput): ProcessChange | null {
    const process = this.find(event)
    const newPpid = count(event.newPpid)
    if (!process || newPpid === null) return null
    const oldPpid = count(event.oldPpid) ?? process.ppid
    process.ppid = newPpid
    return { process, what: 'reparent', note: { what: 'reparent', oldPpid, newPpid, newParentName: text(event.newParentName) } }
  }

  private find(event: ProcessFoldInput): ProcessRecord | undefined {
    const lid = text(event.lid)
    return lid === null ? undefined : this.byLid.get(lid)
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
