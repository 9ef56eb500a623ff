// What each lab process is doing now, in lab terms: running, waiting for a lock, blocked in a
// queue's get, joining a child, sleeping, or exited. Lock waits come from the lock fold (the one
// reading of the lock events, folds/locks.ts); every other blocking call from process.wait and
// process.resume, which a process sends only for a wait that lasted (WAIT_REPORT_MS): a process
// whose calls all return quickly stays 'running', as it should. Sessions recorded before these
// events show every live process running.
// A reader that draws the waits (the timeline) takes them as spans through a sink, as the lock
// fold gives its holds.
import { WAIT_ONS, WAIT_OUTCOMES, type WaitOn, type WaitOutcome } from '../events'
import { LockFold, type LockFoldInput } from './locks'

export type Activity =
  | { kind: 'running' }
  /** Waiting for a Lock, RLock, Semaphore or a Value's lock (`object`) since `since` (µs, session time). */
  | { kind: 'waiting-lock'; object: string; since: number }
  /** Blocked in `on`: on the shared object `object`, or joining process `target` (a lid). */
  | { kind: 'waiting'; on: WaitOn; object: string | null; target: string | null; since: number; timeoutMs: number | null }
  | { kind: 'exited' }

/** A process's activity, and how many other waits it has open (an async process may block on several at once). */
export interface ProcessActivity {
  activity: Activity
  /** Open waits besides the one shown (the oldest is shown: what it has been stuck on longest). */
  others: number
}

/** The fields the fold reads; a typed LabEvent fits, and so does a loosely parsed one. */
export interface ActivityFoldInput extends LockFoldInput {
  wait?: unknown
  on?: unknown
  target?: unknown
  timeoutMs?: unknown
  outcome?: unknown
}

/** A blocking call that lasted (process.wait to its process.resume), as a span of its process. */
export interface WaitSpan {
  kind: 'blocked'
  lid: string
  pid: number
  /** Its number among its process's waits (pairs the wait with its resume). */
  wait: number
  on: WaitOn
  /** The shared object it waits on (an object id), or null (a join, a sleep). */
  object: string | null
  /** The process it joins (a lid), or null. */
  target: string | null
  /** When the call began (µs, session time): the wait is reported once it has lasted. */
  start: number
  /** null while it lasts. */
  end: number | null
  /** How it ended; 'gone' also when its process's exit ended it. */
  outcome: WaitOutcome | null
  timeoutMs: number | null
}

/** What the fold tells a reader that draws waits; a span object is the same from opened to closed. */
export interface WaitSpanSink {
  opened?(span: WaitSpan): void
  closed?(span: WaitSpan): void
}

interface ProcessState {
  exited: boolean
  /** Open waits by their number, in the order they began. */
  waits: Map<number, WaitSpan>
}

const KNOWN_ONS: ReadonlySet<string> = new Set(WAIT_ONS)
const KNOWN_OUTCOMES: ReadonlySet<string> = new Set(WAIT_OUTCOMES)

export class ActivityFold {
  private readonly processes = new Map<string, ProcessState>()
  private readonly locks: LockFold
  private readonly ownsLocks: boolean

  /**
   * `locks`: a lock fold the caller already feeds every event (a UI that folds locks for its cards
   * too); without one, this fold keeps its own. `sink`: told of each wait that opens and closes.
   */
  constructor(locks?: LockFold, private readonly sink: WaitSpanSink = {}) {
    this.locks = locks ?? new LockFold()
    this.ownsLocks = locks === undefined
  }

  /** Folds one event; false when it changes no process's activity. */
  apply(event: ActivityFoldInput): boolean {
    const byLocks = this.ownsLocks ? this.locks.apply(event) : event.kind.startsWith('lock.')
    switch (event.kind) {
      case 'run.start':
        this.processes.clear()
        return true
      case 'process.start':
        return this.started(text(event.lid))
      case 'process.exit':
        return this.exited(text(event.lid), event.t) || byLocks
      case 'process.wait':
        return this.waitBegan(event)
      case 'process.resume':
        return this.waitEnded(event)
      default:
        return byLocks
    }
  }

  reset(): void {
    this.processes.clear()
    if (this.ownsLocks) this.locks.reset()
  }

  /** What process `lid` is doing; null for a process this fold has not seen. */
  activityOf(lid: string): ProcessActivity | null {
    const state = this.processes.get(lid)
    const lockWaits = this.locks.openOf(lid).filter((span) => span.kind === 'wait')
    if (!state && lockWaits.length === 0) return null
    if (state?.exited) return { activity: { kind: 'exited' }, others: 0 }
    const waits: Activity[] = [
      ...lockWaits.map((span): Activity => ({ kind: 'waiting-lock', object: span.object, since: span.start })),
      ...[...(state?.waits.values() ?? [])].map((open): Activity => ({ kind: 'waiting', on: open.on, object: open.object, target: open.target, since: open.start, timeoutMs: open.timeoutMs })),
    ]
    if (waits.length === 0) return { activity: { kind: 'running' }, others: 0 }
    const oldest = waits.reduce((a, b) => (sinceOf(b) < sinceOf(a) ? b : a))
    return { activity: oldest, others: waits.length - 1 }
  }

  /** Every process seen, with its activity. */
  all(): Map<string, ProcessActivity> {
    const result = new Map<string, ProcessActivity>()
    for (const lid of this.processes.keys()) result.set(lid, this.activityOf(lid)!)
    return result
  }

  private stateOf(lid: string): ProcessState {
    let state = this.processes.get(lid)
    if (!state) this.processes.set(lid, (state = { exited: false, waits: new Map() }))
    return state
  }

  private started(lid: string | null): boolean {
    if (lid === null) return false
    this.stateOf(lid)
    return true
  }

  /** Its exit ends what it waited for, whether or not the broker's resume came first. */
  private exited(lid: string | null, t: number): boolean {
    if (lid === null) return false
    const state = this.stateOf(lid)
    state.exited = true
    for (const span of state.waits.values()) this.close(span, t, 'gone')
    state.waits.clear()
    return true
  }

  private waitBegan(event: ActivityFoldInput): boolean {
    const lid = text(event.lid)
    const on = text(event.on)
    if (lid === null || typeof event.wait !== 'number' || on === null || !KNOWN_ONS.has(on)) return false
    const state = this.stateOf(lid)
    if (state.exited) return false
    const waitedUs = typeof event.waitedUs === 'number' && event.waitedUs > 0 ? event.waitedUs : 0
    const timeoutMs = typeof event.timeoutMs === 'number' ? event.timeoutMs : null
    // The same wait reported twice (a damaged file) stays the first one.
    if (state.waits.has(event.wait)) return false
    const pid = typeof event.pid === 'number' ? event.pid : 0
    const span: WaitSpan = { kind: 'blocked', lid, pid, wait: event.wait, on: on as WaitOn, object: text(event.object), target: text(event.target), start: Math.max(0, event.t - waitedUs), end: null, outcome: null, timeoutMs }
    state.waits.set(event.wait, span)
    this.sink.opened?.(span)
    return true
  }

  private waitEnded(event: ActivityFoldInput): boolean {
    const lid = text(event.lid)
    if (lid === null || typeof event.wait !== 'number') return false
    const waits = this.processes.get(lid)?.waits
    const span = waits?.get(event.wait)
    if (!waits || !span) return false
    waits.delete(event.wait)
    const outcome = text(event.outcome)
    this.close(span, event.t, outcome !== null && KNOWN_OUTCOMES.has(outcome) ? (outcome as WaitOutcome) : 'done')
    return true
  }

  private close(span: WaitSpan, t: number, outcome: WaitOutcome): void {
    span.end = Math.max(span.start, t)
    span.outcome = outcome
    this.sink.closed?.(span)
  }
}

/** The parts of a sentence about an activity, for the UI to put into words in its language. */
export interface ActivityParts {
  /** What it does: 'running', 'exited', 'lock' (waiting for a lock), or what it is blocked in. */
  key: 'running' | 'exited' | 'lock' | WaitOn
  /** The shared object's name (its object.create name), or its id if the name is unknown. */
  objectName: string | null
  /** The joined process's name, or its lid. */
  targetName: string | null
  /** How long it has waited by `now` (µs); null when not waiting. */
  waitedUs: number | null
  /** The limit it was given (ms); null: none, or not a wait. */
  timeoutMs: number | null
  others: number
}

export interface ActivityNames {
  objectName(oid: string): string | null | undefined
  processName(lid: string): string | null | undefined
}

export function activityParts(of: ProcessActivity, names: ActivityNames, now: number): ActivityParts {
  const { activity, others } = of
  switch (activity.kind) {
    case 'running':
    case 'exited':
      return { key: activity.kind, objectName: null, targetName: null, waitedUs: null, timeoutMs: null, others }
    case 'waiting-lock':
      return { key: 'lock', objectName: names.objectName(activity.object) ?? activity.object, targetName: null, waitedUs: Math.max(0, now - activity.since), timeoutMs: null, others }
    case 'waiting':
      return {
        key: activity.on,
        objectName: activity.object === null ? null : (names.objectName(activity.object) ?? activity.object),
        targetName: activity.target === null ? null : (names.processName(activity.target) ?? activity.target),
        waitedUs: Math.max(0, now - activity.since),
        timeoutMs: activity.timeoutMs,
        others,
      }
  }
}

function sinceOf(activity: Activity): number {
  return activity.kind === 'waiting' || activity.kind === 'waiting-lock' ? activity.since : Infinity
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}
