// The run's Gantt, folded from the host's events in order: one lane per lab process (the process
// fold's), lock holds and waits, a Pool's tasks and the other blocking calls that lasted (the
// activity fold's waits: a get, a join, a sleep) as spans on their process's lane,
// queue/pipe/output events as ticks. Plain data and pure
// functions: the store folds whole frames into a non-reactive model (a reactive proxy costs far
// more per event than the fold itself) and only tells Vue "it moved" once per frame. Spans are kept
// (they are what the view explains); ticks, which a fast run makes by the hundred thousand, are
// capped, and so are spans per lane, oldest closed ones first.
import type { EventOf, FrameEvent, LabEvent } from '../../../src-shared/events'
import { cutParentLoops, parentIndexes, walkTree } from '../../../src-shared/tree-order'
import { LockFold, type LockSpan, type LockSpanKind, type LockSpanOutcome } from '../../../src-shared/folds/locks'
import { ActivityFold, type WaitSpan } from '../../../src-shared/folds/activity'
import { ProcessFold } from '../../../src-shared/folds/processes'
import type { WaitOutcome } from '../../../src-shared/events'

/**
 * 'task': a Pool's chunk of tasks in the worker that ran it (the span's object is the pool);
 * 'blocked': a blocking call other than a lock's (process.wait), from the activity fold.
 */
export type SpanKind = LockSpanKind | 'task' | 'blocked'
/**
 * How a span ended: a hold is released or abandoned, a wait is granted, times out, is cancelled,
 * or its process is gone; a task is done or failed; a blocking call is done, timed out or failed.
 */
export type SpanOutcome = LockSpanOutcome | WaitOutcome | 'done' | 'failed' | null

/** A Pool's chunk (or a summary of chunks) in the lane of the worker that ran it. */
export interface TaskSpan {
  kind: 'task'
  lid: string
  object: string
  start: number
  /** null while it lasts. */
  end: number | null
  outcome: 'done' | 'failed' | 'gone' | null
  /** Its pool's chunk number (absent for a summary), its tasks, chunks (a summary's), and its failure. */
  chunk?: number
  tasks?: number
  chunks?: number
  error?: string | null
}

/**
 * A lock wait or hold is the shared lock fold's span itself (src-shared/folds/locks.ts); a blocked
 * call the activity fold's (src-shared/folds/activity.ts).
 */
export type Span = LockSpan | TaskSpan | WaitSpan
export type { WaitSpan }

export type TickKind =
  | 'queue.put'
  | 'queue.get'
  | 'queue.full'
  | 'queue.empty'
  | 'pipe.send'
  | 'pipe.recv'
  | 'pipe.close'
  | 'pipe.eof'
  | 'stdout'
  | 'stderr'
  | 'user.kill'
  | 'user.join'
  /** Step (issue 17): the user let this process run to its next lab operation while the run was paused. */
  | 'run.step'

export interface Tick {
  t: number
  lid: string
  kind: TickKind
  object: string | null
  /** Queue depth after it, pipe end, or exit code (user.join); null when none. */
  value: number | null
  /** The output line, or the kill's signal. */
  text: string | null
  /** Operations this tick stands for: a fast path's summary (Queue, Pipe on shared memory) counts many; absent means 1. */
  count?: number
}

export interface Lane {
  lid: string
  pid: number
  name: string
  parentLid: string | null
  start: number
  end: number | null
  exitCode: number | null
  signal: string | null
  /** In start order (events arrive in time order, and a span starts at the event that opens it). */
  spans: Span[]
  /**
   * The spans still open, by kind and object (a stack: a semaphore can be held twice): finding the
   * one an event closes must not scan a lane's history, which can be thousands of spans long.
   */
  open: Record<string, Span[]>
  /** The longest closed span: how far back a span that reaches into a view can start. */
  longestUs: number
  /** Closed spans dropped from this lane to stay under MAX_SPANS_PER_LANE. */
  droppedSpans: number
}

/** One pause of the run: from its run.paused to its run.resumed (or the run's end). */
export interface Pause {
  start: number
  end: number | null
}

export interface TimelineObject {
  id: string
  name: string
  type: string
  /** Picks its colour: objects in creation order. */
  index: number
}

export interface TimelineModel {
  runId: string | null
  /** run.start's time, else the first event's. */
  origin: number | null
  /** run.end's time once the run is over. */
  end: number | null
  /** Newest event time seen. */
  lastT: number
  lanes: Record<string, Lane>
  /** lids in start order (the view orders them as the tree). */
  order: string[]
  objects: Record<string, TimelineObject>
  objectCount: number
  ticks: Tick[]
  droppedTicks: number
  /** When the run was paused (issue 17), in time order; `end` null while it still is. Drawn as bands across every lane. */
  pauses: Pause[]
  lastSeq: number
  /** Bumped when a new run starts over. */
  generation: number
  /** Pairs the lock events into this model's spans (its public face: the model sits in a Pinia store). */
  locks: Pick<LockFold, 'apply' | 'openOf'>
  /** Pairs process.wait and process.resume into this model's 'blocked' spans. */
  activity: Pick<ActivityFold, 'apply'>
  /** The lanes' processes: who started when, ended when and how. */
  processes: Pick<ProcessFold, 'apply'>
}

/** Ticks kept for the run (newest win): enough to see a run's rhythm without growing forever. */
export const MAX_TICKS = 20_000
/** Spans kept per lane; a lock hammered in a tight loop would otherwise grow without end. */
export const MAX_SPANS_PER_LANE = 10_000
export function emptyTimeline(): TimelineModel {
  const model = blankTimeline() as TimelineModel
  foldsFor(model)
  return model
}

export function resetTimeline(model: TimelineModel): void {
  Object.assign(model, blankTimeline(), { generation: model.generation + 1 })
  foldsFor(model)
}

/** The model's plain fields; its folds are bound to the model they draw on (foldsFor). */
function blankTimeline(): Omit<TimelineModel, 'locks' | 'activity' | 'processes'> {
  return { runId: null, origin: null, end: null, lastT: 0, lanes: {}, order: [], objects: {}, objectCount: 0, ticks: [], droppedTicks: 0, pauses: [], lastSeq: -1, generation: 0 }
}

/** The shared folds, each drawing on this model's lanes. */
function foldsFor(model: TimelineModel): void {
  const locks = lockFoldFor(model)
  model.locks = locks
  model.activity = new ActivityFold(locks, {
    opened: (span) => {
      const lane = model.lanes[span.lid]
      if (lane) pushSpan(lane, span)
    },
    closed: (span) => {
      const lane = model.lanes[span.lid]
      if (lane) endSpan(lane, span)
    },
  })
  model.processes = new ProcessFold()
}

/** The lock fold's spans go on their process's lane. */
function lockFoldFor(model: TimelineModel): LockFold {
  return new LockFold({
    opened: (span) => {
      const lane = model.lanes[span.lid]
      if (lane) pushSpan(lane, span)
    },
    closed: (span) => {
      const lane = model.lanes[span.lid]
      if (!lane) return
      if (lane.open[spanKey(span)]?.includes(span)) endSpan(lane, span)
      // A hold whose acquire was never sent (a Value's lock, counted in shared memory): drawn from when it was taken.
      else insertClosedSpan(lane, span)
    },
  })
}

/** Folds a batch of events; returns whether anything changed. */
export function applyTimelineEvents(model: TimelineModel, events: readonly FrameEvent[]): boolean {
  let changed = false
  for (const event of events) changed = applyTimelineEvent(model, event) || changed
  return changed
}

export function applyTimelineEvent(model: TimelineModel, event: FrameEvent): boolean {
  // Lines a flood left out have no place of their own on the timeline.
  if (event.kind === 'output.gap' || event.seq <= model.lastSeq) return false
  model.lastSeq = event.seq
  if (event.kind === 'run.start') {
    const lastSeq = model.lastSeq
    resetTimeline(model)
    Object.assign(model, { lastSeq, runId: event.runId, origin: event.t, lastT: event.t })
    return true
  }
  // A UI that connected mid-run may not have seen run.start: the first event of a run names it.
  if (model.runId === null && event.runId !== null) model.runId = event.runId
  if (event.runId !== model.runId) return false
  if (model.origin === null) model.origin = event.t
  if (event.t > model.lastT) model.lastT = event.t
  foldEvent(model, event)
  return true
}

function foldEvent(model: TimelineModel, event: LabEvent): void {
  switch (event.kind) {
    case 'run.end':
      // Every exit came before it; a process that outlived its run (it should not) stays open.
      model.end = event.t
      endPause(model, event.t)
      return
    case 'run.paused':
      if (model.pauses.at(-1)?.end !== null || model.pauses.length === 0) model.pauses.push({ start: event.t, end: null })
      return
    case 'run.resumed':
      endPause(model, event.t)
      return
    case 'process.start': {
      const process = model.processes.apply(event)!.process
      // The activity fold learns of the process (its waits go on this lane).
      model.activity.apply(event)
      if (!model.lanes[process.lid]) model.order.push(process.lid)
      model.lanes[process.lid] = { lid: process.lid, pid: process.pid, name: process.name, parentLid: process.parentLid, start: process.startT, end: null, exitCode: null, signal: null, spans: [], open: {}, longestUs: 0, droppedSpans: 0 }
      return
    }
    case 'process.exit': {
      const process = model.processes.apply(event)?.process
      const lane = process && model.lanes[process.lid]
      if (!lane) return
      Object.assign(lane, { end: process.exitT, exitCode: process.exitCode, signal: process.signal })
      // What it still waited for, held or ran ends with it.
      model.locks.apply(event)
      model.activity.apply(event)
      endTasksAt(lane, event.t)
      return
    }
    case 'process.wait':
    case 'process.resume':
      model.activity.apply(event)
      return
    case 'object.create':
      if (!model.objects[event.object]) model.objects[event.object] = { id: event.object, name: event.name, type: event.type, index: model.objectCount++ }
      model.locks.apply(event)
      return
    case 'lock.request':
    case 'lock.acquire':
    case 'lock.timeout':
    case 'lock.cancel':
    case 'lock.release':
    case 'lock.abandoned':
      model.locks.apply(event)
      return
    case 'queue.put':
    case 'queue.get':
    case 'queue.full':
    case 'queue.empty':
      return addTick(model, { t: event.t, lid: event.lid, kind: event.kind, object: event.object, value: event.depth, text: null, count: 'count' in event ? event.count : undefined })
    case 'pipe.send':
    case 'pipe.recv':
    case 'pipe.close':
    case 'pipe.eof':
      return addTick(model, { t: event.t, lid: event.lid, kind: event.kind, object: event.object, value: event.end, text: null, count: 'count' in event ? event.count : undefined })
    case 'stdout':
    case 'stderr':
      return addTick(model, { t: event.t, lid: event.lid, kind: event.kind, object: null, value: null, text: event.line })
    case 'user.kill':
      if (event.lid) addTick(model, { t: event.t, lid: event.lid, kind: 'user.kill', object: null, value: null, text: event.signal })
      return
    case 'user.join':
      return addTick(model, { t: event.t, lid: event.lid, kind: 'user.join', object: null, value: event.exitCode, text: null })
    case 'run.step':
      return addTick(model, { t: event.t, lid: event.lid, kind: 'run.step', object: null, value: null, text: null })
    case 'pool.start':
    case 'pool.done':
    case 'pool.failed':
    case 'pool.summary':
      return foldPoolTask(model, event)
    default:
      return
  }
}

/** The open pause, if any, ends at `t`. */
function endPause(model: TimelineModel, t: number): void {
  const open = model.pauses.at(-1)
  if (open && open.end === null) open.end = Math.max(open.start, t)
}

/** µs of [from, to] the run spent paused: what the run's own clock leaves out (an open pause lasts until `to`). */
export function pausedWithin(pauses: readonly Pause[], from: number, to: number): number {
  let total = 0
  for (const pause of pauses) total += Math.max(0, Math.min(pause.end ?? to, to) - Math.max(pause.start, from))
  return total
}

/**
 * A Pool's chunks as task spans in their workers' lanes. The pool reports in batches, stamped with
 * the times it measured: a span may start before spans already on the lane (inserted in start
 * order), and its worker's exit may come first (the span it closed as 'gone' is mended).
 */
function foldPoolTask(model: TimelineModel, event: EventOf<'pool.start' | 'pool.done' | 'pool.failed' | 'pool.summary'>): void {
  const lane = model.lanes[event.lid]
  if (!lane) return
  switch (event.kind) {
    case 'pool.start': {
      const span: TaskSpan = { kind: 'task', lid: event.lid, object: event.object, start: event.t, end: null, outcome: null, chunk: event.chunk, tasks: event.tasks }
      insertSpan(lane, span)
      ;(lane.open[spanKey(span)] ??= []).push(span)
      return
    }
    case 'pool.done':
    case 'pool.failed': {
      const outcome = event.kind === 'pool.done' ? 'done' : 'failed'
      const error = event.kind === 'pool.failed' ? event.error : null
      const open = openTask(lane, event.object)
      if (open?.chunk === event.chunk) {
        Object.assign(open, { end: Math.max(open.start, event.t), outcome, error })
        return endSpan(lane, open)
      }
      const ended = lastTaskSpan(lane, event.object, event.chunk)
      if (ended) {
        Object.assign(ended, { end: Math.max(ended.start, event.t), outcome, error })
        lane.longestUs = Math.max(lane.longestUs, ended.end! - ended.start)
      }
      return
    }
    case 'pool.summary':
      insertSpan(lane, {
        kind: 'task',
        lid: event.lid,
        object: event.object,
        start: Math.max(0, event.t - event.durationUs),
        end: event.t,
        outcome: event.failed > 0 ? 'failed' : 'done',
        tasks: event.done + event.failed,
        chunks: event.chunks,
        error: event.error,
      })
      return
  }
}

/** The newest task of this pool still open on the lane. */
function openTask(lane: Lane, object: string): TaskSpan | null {
  const stack = lane.open[`task ${object}`]
  const span = stack?.[stack.length - 1]
  return span?.kind === 'task' ? span : null
}

/** A worker that exits ends the chunk it was running (mended if the pool's report of it comes later). */
function endTasksAt(lane: Lane, t: number): void {
  for (const span of openSpans(lane)) {
    if (span.kind !== 'task') continue
    Object.assign(span, { end: Math.max(span.start, t), outcome: 'gone' })
    endSpan(lane, span)
  }
}

/** The task span of that chunk among a lane's last spans (its worker's exit closed it already). */
function lastTaskSpan(lane: Lane, object: string, chunk: number): TaskSpan | null {
  for (let i = lane.spans.length - 1; i >= Math.max(0, lane.spans.length - 64); i--) {
    const span = lane.spans[i]!
    if (span.kind === 'task' && span.object === object && span.chunk === chunk) return span
  }
  return null
}

/** Where an open span is found on its lane: by kind and object, a blocked call by its number. */
function spanKey(span: Span): string {
  return span.kind === 'blocked' ? `blocked #${span.wait}` : `${span.kind} ${span.object}`
}

function pushSpan(lane: Lane, span: Span): void {
  lane.spans.push(span)
  const key = spanKey(span)
  ;(lane.open[key] ??= []).push(span)
  if (lane.spans.length > MAX_SPANS_PER_LANE * 1.25) trimSpans(lane)
}

/** Every span still open on a lane. */
export function openSpans(lane: Lane): Span[] {
  return Object.values(lane.open).flat()
}

/** Drops the oldest closed spans down to the cap (amortised: only once a quarter over it). */
function trimSpans(lane: Lane): void {
  const excess = lane.spans.length - MAX_SPANS_PER_LANE
  let dropped = 0
  lane.spans = lane.spans.filter((span) => {
    if (dropped >= excess || span.end === null) return true
    dropped++
    return false
  })
  lane.droppedSpans += dropped
}

/** A span the fold closed: off its lane's open spans. */
function endSpan(lane: Lane, span: Span): void {
  lane.longestUs = Math.max(lane.longestUs, (span.end ?? span.start) - span.start)
  const key = spanKey(span)
  const stack = lane.open[key]
  if (stack) {
    const index = stack.lastIndexOf(span)
    if (index !== -1) stack.splice(index, 1)
    if (stack.length === 0) delete lane.open[key]
  }
}

/** A span that started before the newest ones on the lane: put where its start keeps the order. */
function insertClosedSpan(lane: Lane, span: Span): void {
  insertSpan(lane, span)
}

function insertSpan(lane: Lane, span: Span): void {
  let at = lane.spans.length
  while (at > 0 && lane.spans[at - 1]!.start > span.start) at--
  lane.spans.splice(at, 0, span)
  if (span.end !== null) lane.longestUs = Math.max(lane.longestUs, span.end - span.start)
  if (lane.spans.length > MAX_SPANS_PER_LANE * 1.25) trimSpans(lane)
}

function addTick(model: TimelineModel, tick: Tick): void {
  if (!model.lanes[tick.lid]) return
  model.ticks.push(tick)
  // Amortised: cut a quarter at once rather than shift() per event.
  if (model.ticks.length > MAX_TICKS * 1.25) {
    const excess = model.ticks.length - MAX_TICKS
    model.ticks.splice(0, excess)
    model.droppedTicks += excess
  }
}

/** Where the run's time axis ends now: run.end, else the later of the newest event and the clock. */
export function timelineEnd(model: TimelineModel, nowUs: number): number {
  if (model.end !== null) return model.end
  return Math.max(model.lastT, nowUs)
}

/** Spans of one kind on a lane, in start order. */
export function spansOf(lane: Lane, kind: SpanKind): Span[] {
  return lane.spans.filter((s) => s.kind === kind)
}

/** Two spans overlap when each starts before the other ends (an open one lasts until `until`). */
export function overlaps(a: { start: number; end: number | null }, b: { start: number; end: number | null }, until = Infinity): boolean {
  return a.start < (b.end ?? until) && b.start < (a.end ?? until)
}

/**
 * Lanes in tree order: each process right after its parent, children in start order. The one tree
 * walk every tree of ProcLab uses (src-shared/tree-order.ts): iterative, and a lane whose parent has
 * no lane is a root.
 */
export function laneTreeOrder(model: TimelineModel): Lane[] {
  const lanes = model.order.map((lid) => model.lanes[lid]!)
  const parent = parentIndexes(lanes.length, (i) => lanes[i]!.lid, (i) => lanes[i]!.parentLid)
  // Lids are never reused, so a loop can only come from a damaged file: cut it at the first started.
  cutParentLoops(parent, (a, b) => a < b)
  const out: Lane[] = []
  walkTree(parent, () => false, (step) => out.push(lanes[step.index]!))
  return out
}

/** First index whose `start` (or `t`) is at least `value`, in an array sorted by it. */
function lowerBound<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (key(items[mid]!) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The index range of a lane's spans that may reach into [from, to]: none starts after `to`, and
 * none closed one starts earlier than the longest closed span before `from`. Open spans are not
 * bounded that way: take them from openSpans().
 */
export function spanWindow(lane: Lane, from: number, to: number): { first: number; last: number } {
  const start = (s: Span) => s.start
  return { first: lowerBound(lane.spans, from - lane.longestUs, start), last: lowerBound(lane.spans, to + 1, start) }
}

/** The ticks of [from, to], by binary search: ticks arrive in time order. */
export function ticksIn(ticks: readonly Tick[], from: number, to: number): { first: number; last: number } {
  let lo = 0
  let hi = ticks.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (ticks[mid]!.t < from) lo = mid + 1
    else hi = mid
  }
  let end = lo
  while (end < ticks.length && ticks[end]!.t <= to) end++
  return { first: lo, last: end }
}
