// The run as the UI sees it, rebuilt by folding the host's events in order. Pure functions over
// plain data, so the Pinia store can apply a whole frame inside one $patch.
import { runEndStopped, type FrameEvent, type LabEvent } from '../../../src-shared/events'
import { parseAnsi, type StyledRun } from './ansi'
import { cutParentLoops, NO_PARENT, parentIndexes, walkTree } from '../../../src-shared/tree-order'
import { ActivityFold } from '../../../src-shared/folds/activity'

export interface LabProcess {
  lid: string
  pid: number
  ppid: number
  name: string
  daemon: boolean
  /** null for the run's lab main process. */
  parentLid: string | null
  target: string
  /** Session time (µs) of process.start. */
  startT: number
  exitT: number | null
  exitCode: number | null
  signal: string | null
  exited: boolean
  /** Picks the colour of its output lines; stable for the run. */
  colorIndex: number
  /** A plain OS process a lab process started unreaped (spawnUnreaped), not a lab process: it cannot be joined. */
  os: boolean
  /** The OS showed it as a zombie (state Z): exited, not yet reaped by its parent. */
  zombie: boolean
}

interface LineOf {
  seq: number
  t: number
  lid: string
  pid: number
}

export interface PrintedLine extends LineOf {
  kind: 'line'
  stream: 'stdout' | 'stderr'
  /** Without escape codes. */
  text: string
  /** The line's colours, where the process printed any (ansi.ts). */
  styled?: readonly StyledRun[]
}

/** Where the host left out `count` lines of a process (a flood): the pane says so in their place. */
export interface LineGap extends LineOf {
  kind: 'gap'
  count: number
}

/** What the OS did to a process that nobody printed: the output pane words it in the user's language. */
export type ProcessNote =
  | { what: 'zombie'; ppid: number }
  | { what: 'reparent'; oldPpid: number; newPpid: number; newParentName: string | null }
  | { what: 'reaped'; exitCode: number | null; reapedBy: 'parent' | 'other' }

/** A line of the host's own about a process (a zombie, an orphan's new parent), among its output. */
export interface NoteLine extends LineOf {
  kind: 'note'
  note: ProcessNote
}

export type OutputLine = PrintedLine | LineGap | NoteLine

export interface RunNotice {
  seq: number
  message: string
  /** Set when the session log stopped recording: shown in the user's language from these. */
  recordingStopped?: { file: string; error: string }
  /** Set when a signal the user sent failed: shown in the user's language from these. */
  killFailed?: { signal: string; pid: number; error: string | null }
}

export interface RunModel {
  runId: string | null
  title: string | null
  source: string | null
  running: boolean
  startT: number | null
  /** How the run ended: `stopped` by the user is neither ok nor a failure. */
  result: { ok: boolean; stopped: boolean; error: string | null; durationUs: number } | null
  processes: Record<string, LabProcess>
  /** lids in start order. */
  order: string[]
  lines: OutputLine[]
  /** Things the supervisor had to tell (lab.error), kills the OS refused, a session log that stopped recording. */
  notices: RunNotice[]
  /** Lines of the run so far, also those no longer kept in `lines` and those in gaps. */
  linesTotal: number
  /** Lines no longer kept in `lines` (the oldest, past MAX_LINES). */
  linesDropped: number
  /** Highest seq applied; events at or below it were already folded in (a snapshot and a frame can overlap). */
  lastSeq: number
  /** Bumped by every change but a new line: the store publishes processes and notices when it moves. */
  version: number
  /** Bumped by every new line. Both counters only grow, across runs too. */
  linesVersion: number
  /** What each process is doing in lab terms (waiting for a lock, in get, joining, ...): read it at publish. */
  activity: Pick<ActivityFold, 'apply' | 'activityOf'>
}

/** Output kept in memory per run; a runaway printer should not eat the renderer. */
export const MAX_LINES = 20_000
/** Trimming in steps, not per line: a splice moves every kept line. */
const TRIM_SLACK = 5_000
export const PROCESS_COLORS = 8

export function emptyRun(): RunModel {
  return { runId: null, title: null, source: null, running: false, startT: null, result: null, processes: {}, order: [], lines: [], linesTotal: 0, linesDropped: 0, notices: [], lastSeq: -1, version: 0, linesVersion: 0, activity: new ActivityFold() }
}

export function resetRun(model: RunModel): void {
  const { version, linesVersion } = model
  Object.assign(model, emptyRun(), { version: version + 1, linesVersion: linesVersion + 1 })
}

export function applyEvent(model: RunModel, event: FrameEvent): void {
  if (event.seq <= model.lastSeq) return
  model.lastSeq = event.seq
  if (event.kind === 'stdout' || event.kind === 'stderr') {
    const { text, runs } = parseAnsi(event.line)
    addLine(model, { kind: 'line', seq: event.seq, t: event.t, lid: event.lid, pid: event.pid, stream: event.kind, text, ...(runs ? { styled: runs } : {}) }, 1)
    return
  }
  if (event.kind === 'output.gap') {
    addLine(model, { kind: 'gap', seq: event.seq, t: event.t, lid: event.lid, pid: event.pid, count: event.count }, event.count)
    return
  }
  const changed = applyChange(model, event)
  // After applyChange: a run.start there made a fresh fold, which must see the start too.
  const busy = model.activity.apply(event)
  if (changed || busy) model.version++
}

/** How many lines of output a row of the pane stands for (a note is none of the process's own). */
export function linesIn(line: OutputLine): number {
  return line.kind === 'gap' ? line.count : line.kind === 'note' ? 0 : 1
}

function addNote(model: RunModel, event: LabEvent & { lid: string; pid: number }, note: ProcessNote): void {
  addLine(model, { kind: 'note', seq: event.seq, t: event.t, lid: event.lid, pid: event.pid, note }, 0)
}

function addLine(model: RunModel, line: OutputLine, count: number): void {
  model.lines.push(line)
  model.linesTotal += count
  model.linesVersion++
  if (model.lines.length <= MAX_LINES + TRIM_SLACK) return
  for (const old of model.lines.splice(0, model.lines.length - MAX_LINES)) model.linesDropped += linesIn(old)
}

/** Folds an event that is not a line; says whether it changed what the run view shows. */
function applyChange(model: RunModel, event: LabEvent): boolean {
  switch (event.kind) {
    case 'run.start': {
      // A new run replaces the old one on screen; lastSeq survives so stale events stay ignored.
      const lastSeq = model.lastSeq
      resetRun(model)
      Object.assign(model, { lastSeq, runId: event.runId, title: event.title, source: event.source, running: true, startT: event.t })
      return true
    }
    case 'run.end':
      if (event.runId !== model.runId) return false
      model.running = false
      model.result = { ok: event.ok, stopped: runEndStopped(event), error: runEndStopped(event) ? null : event.error, durationUs: event.durationUs }
      return true
    case 'process.start':
      if (!model.processes[event.lid]) model.order.push(event.lid)
      model.processes[event.lid] = {
        lid: event.lid,
        pid: event.pid,
        ppid: event.ppid,
        name: event.name,
        daemon: event.daemon,
        parentLid: event.parentLid,
        target: event.target,
        startT: event.t,
        exitT: null,
        exitCode: null,
        signal: null,
        exited: false,
        colorIndex: (model.order.length - 1) % PROCESS_COLORS,
        os: false,
        zombie: false,
      }
      return true
    case 'os.start':
      if (!model.processes[event.lid]) model.order.push(event.lid)
      model.processes[event.lid] = {
        lid: event.lid,
        pid: event.pid,
        ppid: event.ppid,
        name: event.command.split(' ')[0] || `pid ${event.pid}`,
        daemon: false,
        parentLid: event.parentLid,
        target: event.command,
        startT: event.t,
        exitT: null,
        exitCode: null,
        signal: null,
        exited: false,
        colorIndex: (model.order.length - 1) % PROCESS_COLORS,
        os: true,
        zombie: false,
      }
      return true
    case 'os.exit': {
      const proc = model.processes[event.lid]
      if (!proc) return false
      Object.assign(proc, { exited: true, zombie: false, exitT: event.t, exitCode: event.exitCode, signal: event.signal })
      addNote(model, event, { what: 'reaped', exitCode: event.exitCode, reapedBy: event.reapedBy })
      return true
    }
    case 'process.zombie': {
      const proc = model.processes[event.lid]
      if (!proc || proc.exited) return false
      proc.zombie = true
      addNote(model, event, { what: 'zombie', ppid: event.ppid })
      return true
    }
    case 'process.reparent': {
      const proc = model.processes[event.lid]
      if (!proc) return false
      proc.ppid = event.newPpid
      addNote(model, event, { what: 'reparent', oldPpid: event.oldPpid, newPpid: event.newPpid, newParentName: event.newParentName })
      return true
    }
    case 'process.exit': {
      const proc = model.processes[event.lid]
      if (!proc) return false
      proc.exited = true
      proc.zombie = false
      proc.exitT = event.t
      proc.exitCode = event.exitCode
      proc.signal = event.signal
      return true
    }
    case 'lab.error':
      model.notices.push({ seq: event.seq, message: event.message })
      return true
    case 'session.stopped':
      model.notices.push({ seq: event.seq, message: `Recording stopped: ${event.file}: ${event.error}`, recordingStopped: { file: event.file, error: event.error } })
      return true
    case 'user.kill':
      if (!event.ok) {
        const killFailed = { signal: event.signal, pid: event.pid, error: event.error }
        model.notices.push({ seq: event.seq, message: `Could not send ${event.signal} to pid ${event.pid}: ${event.error ?? 'refused'}`, killFailed })
      }
      return !event.ok
    case 'user.join':
      return false
  }
  return false
}

export interface TreeRow<T> {
  key: string
  item: T
  level: number
  parentKey: string | null
  hasChildren: boolean
  expanded: boolean
  posInSet: number
  setSize: number
}

/**
 * Flattens a forest into the visible rows of a treegrid, depth first. Items whose parent is not
 * in the list become roots, so nothing is ever hidden because its parent is unknown; a parent loop
 * (pid reuse) is cut at its earliest item.
 */
export function flattenTree<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  parentKeyOf: (item: T) => string | null,
  isCollapsed: (key: string) => boolean,
): TreeRow<T>[] {
  const keys = items.map(keyOf)
  const parent = parentIndexes(items.length, (i) => keys[i]!, (i) => parentKeyOf(items[i]!))
  cutParentLoops(parent, (a, b) => a < b)
  const rows: TreeRow<T>[] = []
  walkTree(
    parent,
    (i) => isCollapsed(keys[i]!),
    (step) => {
      const parentKey = step.parent === NO_PARENT ? null : keys[step.parent]!
      rows.push({ key: keys[step.index]!, item: items[step.index]!, level: step.level, parentKey, hasChildren: step.hasChildren, expanded: step.expanded, posInSet: step.posInSet, setSize: step.setSize })
    },
  )
  return rows
}
