// Step (issue 17): while the run is paused, the user lets one process run on until it comes to its
// next lab operation, where it stops again. The host says so with events: run.step (it goes), the
// events of what it did meanwhile, then process.at (it stopped before `op`), or its process.exit,
// or the run's resume. This folds them into what each row shows; pure, so the tests feed it events.
import type { FrameEvent, StepOp } from '../../../src-shared/events'

/** What a stepped process did during its step: the events it caused, as kind and object. */
export interface StepDeed {
  kind: string
  /** The object's id, if the event is about one. */
  object: string | null
}

/** Deeds kept per step: a step normally does one or two lab operations. */
export const MAX_DEEDS = 20

export interface ProcessStep {
  lid: string
  /** stepping: it runs (run.step came, no end yet); at: it stopped again, before `at.op`; ended: it exited during the step. */
  phase: 'stepping' | 'at' | 'ended'
  /** Session µs of its latest run.step. */
  t: number
  /** Where it stopped (process.at), while phase is 'at'. */
  at: { op: StepOp; object: string | null; line: string | null } | null
  /** What it did during its latest step, oldest first (at most MAX_DEEDS). */
  deeds: StepDeed[]
  /** Deeds of the latest step beyond MAX_DEEDS. */
  moreDeeds: number
  /** Steps it took in this pause. */
  count: number
}

export interface StepModel {
  runId: string | null
  /** Highest seq folded: events at or below it were seen already (a snapshot and a frame overlap). */
  lastSeq: number
  /** Set between run.paused and run.resumed (or the run's end). */
  paused: boolean
  /** Shared objects' names by id (object.create), for "at queue.get orders". */
  names: Record<string, string>
  /** The processes stepped in this pause, by lid. */
  steps: Record<string, ProcessStep>
  /** Bumped by every change. */
  version: number
}

export function emptySteps(): StepModel {
  return { runId: null, lastSeq: -1, paused: false, names: {}, steps: {}, version: 0 }
}

/** Events that are not deeds of the stepping process: its own step markers and its output. */
const NOT_DEEDS = new Set(['run.step', 'process.at', 'stdout', 'stderr', 'output.gap', 'monitor.sample'])

function lidOf(event: FrameEvent): string | null {
  return 'lid' in event && typeof event.lid === 'string' ? event.lid : null
}

function objectOf(event: FrameEvent): string | null {
  return 'object' in event && typeof event.object === 'string' ? event.object : null
}

/** Folds one event in; says whether what the rows show changed. */
export function applyStepEvent(model: StepModel, event: FrameEvent): boolean {
  if (event.seq <= model.lastSeq) return false
  model.lastSeq = event.seq
  if (event.kind === 'run.start') {
    Object.assign(model, { runId: event.runId, paused: false, names: {}, steps: {} })
    return bump(model)
  }
  // A UI that connected mid-run may not have seen run.start: the first event of a run names it.
  if (model.runId === null && event.runId !== null) model.runId = event.runId
  if (event.runId !== model.runId) return false
  switch (event.kind) {
    case 'object.create':
      model.names[event.object] = event.name
      return false
    case 'run.paused':
      model.paused = true
      model.steps = {}
      return bump(model)
    case 'run.resumed':
    case 'run.end': {
      // Every step ends with the pause: the processes all run on.
      const had = model.paused || Object.keys(model.steps).length > 0
      model.paused = false
      model.steps = {}
      return had ? bump(model) : false
    }
    case 'run.step': {
      const before = model.steps[event.lid]
      model.steps[event.lid] = { lid: event.lid, phase: 'stepping', t: event.t, at: null, deeds: [], moreDeeds: 0, count: (before?.count ?? 0) + 1 }
      return bump(model)
    }
    case 'process.at': {
      const step = model.steps[event.lid]
      // A process.at without its run.step (a snapshot cut between them) still says where it stands.
      model.steps[event.lid] = {
        ...(step ?? { lid: event.lid, t: event.t, deeds: [], moreDeeds: 0, count: 1 }),
        phase: 'at',
        at: { op: event.op, object: event.object, line: event.line },
      }
      return bump(model)
    }
    case 'process.exit': {
      const step = model.steps[event.lid]
      if (!step) return false
      if (step.phase === 'stepping') addDeed(step, event)
      step.phase = 'ended'
      step.at = null
      return bump(model)
    }
    default: {
      const lid = lidOf(event)
      const step = lid === null ? undefined : model.steps[lid]
      if (!step || step.phase !== 'stepping' || NOT_DEEDS.has(event.kind)) return false
      addDeed(step, event)
      return bump(model)
    }
  }
}

/** Folds events in order; says whether anything shown changed. */
export function applyStepEvents(model: StepModel, events: readonly FrameEvent[]): boolean {
  let changed = false
  for (const event of events) changed = applyStepEvent(model, event) || changed
  return changed
}

function addDeed(step: ProcessStep, event: FrameEvent): void {
  if (step.deeds.length >= MAX_DEEDS) step.moreDeeds++
  else step.deeds.push({ kind: event.kind, object: objectOf(event) })
}

function bump(model: StepModel): true {
  model.version++
  return true
}

/** Whether a step of this process is under way (its run.step came, its end did not). */
export function isStepping(model: Pick<StepModel, 'steps'>, lid: string): boolean {
  return model.steps[lid]?.phase === 'stepping'
}

/** "pause.mjs:14" of "/home/u/lab/pause.mjs:14": the file's own name, for a narrow cell. */
export function shortLine(line: string): string {
  const cut = Math.max(line.lastIndexOf('/'), line.lastIndexOf('\\'))
  return cut === -1 ? line : line.slice(cut + 1)
}

/** The words a step state is said in: "queue.get orders" and "pause.mjs:14". */
export interface StepWhere {
  /** The operation, and the object's name (its id if it has none) when there is one. */
  what: string
  /** Where in the script, the file's own name only; null when the runtime could not tell. */
  line: string | null
  /** The same with the whole path, for a title. */
  fullLine: string | null
}

export function stepWhere(model: Pick<StepModel, 'names'>, at: NonNullable<ProcessStep['at']>): StepWhere {
  const name = at.object === null ? null : (model.names[at.object] ?? at.object)
  return { what: name === null ? at.op : `${at.op} ${name}`, line: at.line === null ? null : shortLine(at.line), fullLine: at.line }
}

/** What it did during its step, as "queue.get orders, lock.request tally" (operation and object name). */
export function deedsText(model: Pick<StepModel, 'names'>, step: Pick<ProcessStep, 'deeds' | 'moreDeeds'>): string[] {
  return step.deeds.map((d) => (d.object === null ? d.kind : `${d.kind} ${model.names[d.object] ?? d.object}`))
}

type T = (key: string, named?: Record<string, unknown>) => string

/** A step state in words: `short` for the tree's State cell, `full` for its title and the details drawer. */
export interface StepText {
  short: string
  full: string
}

/** "stepping…", or "at queue.get orders · pause.mjs:14" (the title with the whole path); null when it has no step to show. */
export function stepText(t: T, model: Pick<StepModel, 'names'>, step: ProcessStep | undefined): StepText | null {
  if (!step) return null
  if (step.phase === 'stepping') return { short: t('lab.step.stepping'), full: t('lab.step.steppingHint') }
  if (step.phase === 'ended' || step.at === null) return { short: t('lab.step.ended'), full: t('lab.step.ended') }
  const where = stepWhere(model, step.at)
  const at = t('lab.step.at', { what: where.what })
  return {
    short: where.line === null ? at : `${at} · ${where.line}`,
    full: where.fullLine === null ? t('lab.step.atHint', { what: where.what }) : `${t('lab.step.atHint', { what: where.what })} (${where.fullLine})`,
  }
}
