// The run as the UI sees it, rebuilt by folding the host's events in order. Pure functions over
// plain data, so the Pinia store can apply a whole frame inside one $patch.
import { runEndStopped, type FrameEvent, type LabEvent } from '../../../src-shared/events'
import { parseAnsi, type StyledRun } from './ansi'
import { cutParentLoops, NO_PARENT, parentIndexes, walkTree } from '../../../src-shared/tree-order'
import { ActivityFold } from '../../../src-shared/folds/activity'
import { ProcessFold, type ProcessNote, type ProcessRecord } from '../../../src-shared/folds/processes'
import { MAX_LINES, OutputFold, type OutputItem } from '../../../src-shared/folds/output'

/** A process of the run as the process fold keeps it, with the colour of its output lines. */
export interface LabProcess extends ProcessRecord {
  /** Picks the colour of its output lines; stable for the run. */
  colorIndex: number
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
export type { ProcessNote }

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
  /**
   * How the run ended: `stopped` by the user is neither ok nor a failure. `durationUs` is from its
   * start to its end (session time); `elapsedUs` the same without the time it spent paused.
   */
  result: { ok: boolean; stopped: boolean; error: string | null; durationUs: number; elapsedUs: number } | null
  /** Set while the run is paused (issue 17): the session time it was paused at. */
  paused: { since: number } | null
  /** µs the run spent in pauses that have ended: its clock does not count them. */
  pausedUs: number
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
  /** The shared folds of the processes and of their output (the pane's rows are `output.rows`); their public faces, as the model sits in a Pinia store. */
  folds: { processes: Pick<ProcessFold, 'apply'>; output: Pick<OutputFold<OutputLine>, 'apply' | 'push' | 'total' | 'dropped'> }
}

/** Output kept in memory per run (the output fold's limit). */
export { MAX_LINES }
export const PROCESS_COLORS = 8

export function emptyRun(): RunModel {
  const output = new OutputFold<OutputLine>({ row: toOutputLine, linesIn })
  const folds = { processes: new ProcessFold(), output }
  return { runId: null, title: null, source: null, running: false, startT: null, result: null, paused: null, pausedUs: 0, processes: {}, order: [], lines: output.rows, linesTotal: 0, linesDropped: 0, notices: [], lastSeq: -1, version: 0, linesVersion: 0, activity: new ActivityFold(), folds }
}

/** A line the output fold read, with its colours parsed for the pane. */
function toOutputLine(item: OutputItem): OutputLine {
  if (item.kind === 'gap') return item
  const { text, runs } = parseAnsi(item.text)
  // The fold made the item for this line alone: it becomes the row in place (a flood makes millions).
  const line: PrintedLine = item
  line.text = text
  if (runs) line.styled = runs
  return line
}

export function resetRun(model: RunModel): void {
  const { version, linesVersion } = model
  Object.assign(model, emptyRun(), { version: version + 1, linesVersion: linesVersion + 1 })
}

export function applyEvent(model: RunModel, event: FrameEvent): void {
  if (event.seq <= model.lastSeq) return
  model.lastSeq = event.seq
  if (event.kind === 'stdout' || event.kind === 'stderr' || event.kind === 'output.gap') {
    if (model.folds.output.apply(event)) linesMoved(model)
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

function addNote(model: RunModel, event: LabEvent, process: ProcessRecord, note: ProcessNote): void {
  model.folds.output.push({ kind: 'note', seq: event.seq, t: event.t, lid: process.lid, pid: process.pid, note })
  linesMoved(model)
}

/** The output fold's rows moved: its counts are the model's. */
function linesMoved(model: RunModel): void {
  model.linesTotal = model.folds.output.total
  model.linesDropped = model.folds.output.dropped
  model.linesVersion++
}

/** A process event, through the process fold: its record (with its colour) replaces the model's. */
function applyProcess(model: RunModel, event: LabEvent): boolean {
  const change = model.folds.processes.apply(event)
  if (!change) return false
  const { process, note } = change
  if (change.what === 'start' && !model.processes[process.lid]) model.order.push(process.lid)
  model.processes[process.lid] = { ...process, colorIndex: process.order % PROCESS_COLORS }
  if (note) addNote(model, event, process, note)
  return true
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
      model.paused = null
      model.result = { ok: event.ok, stopped: runEndStopped(event), error: runEndStopped(event) ? null : event.error, durationUs: event.durationUs, elapsedUs: event.durationUs - (event.pausedUs ?? 0) }
      return true
    case 'run.paused':
      if (event.runId !== model.runId) return false
      model.paused = { since: event.t }
      return true
    case 'run.resumed':
      if (event.runId !== model.runId) return false
      model.paused = null
      model.pausedUs += event.pausedUs
      return true
    case 'process.start':
    case 'os.start':
    case 'os.exit':
    case 'process.zombie':
    case 'process.reparent':
    case 'process.exit':
      return applyProcess(model, event)
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

/**
 * The run's own clock at session time `nowUs`: from its start, without the time it spent paused;
 * while it is paused the clock stands at the moment it paused (issue 17).
 */
export function runElapsedUs(run: Pick<RunModel, 'startT' | 'paused' | 'pausedUs'>, nowUs: number): number {
  if (run.startT === null) return 0
  const until = run.paused ? run.paused.since : nowUs
  return Math.max(0, until - run.startT - run.pausedUs)
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
