// The one reading of the lock events (Lock, RLock, Semaphore, BoundedSemaphore, and the lock of a
// Value or Array): which process waits for which lock and which holds it, from when to when. The
// live UI's object cards, the timeline, the replay and the Chrome trace all fold through this, so
// a hold drawn on the timeline is the hold the card lists and the slice the trace shows.
//
// Spans, not counts: a wait opens at a request the lock cannot grant at once and ends acquired,
// timed out, cancelled (its waiter died) or gone (its process exited first); a hold opens at an
// acquire and ends released, abandoned (its holder died) or gone. An RLock's re-entries deepen the
// owner's hold instead of opening another. The fold reads recorded sessions of any version, so it
// also takes what older hosts sent: a re-entry was a request with no acquire, a dead waiter left
// no event (its process's exit ends its wait).

export type LockSpanKind = 'wait' | 'hold'
export type LockSpanOutcome = 'acquired' | 'timeout' | 'cancelled' | 'released' | 'abandoned' | 'gone'

export interface LockSpan {
  kind: LockSpanKind
  lid: string
  pid: number
  object: string
  start: number
  /** null while it lasts. */
  end: number | null
  outcome: LockSpanOutcome | null
  /** A hold's depth (an RLock entered again by its owner); 1 for a wait. */
  depth: number
}

/** What the fold tells its reader; a span object is the same from opened to closed. */
export interface LockSpanSink {
  opened?(span: LockSpan): void
  /** Also for a span whose start was never seen, opened and closed at once (see fallbackHold). */
  closed?(span: LockSpan): void
  /** A hold its process's exit ended turned out to be abandoned (the broker's word came after the exit). */
  relabeled?(span: LockSpan): void
}

/** The fields the fold reads: a typed LabEvent fits, and so does a loosely parsed one from a file. */
export interface LockFoldInput {
  kind: string
  t: number
  lid?: unknown
  pid?: unknown
  object?: unknown
  type?: unknown
  capacity?: unknown
  waitedUs?: unknown
  heldUs?: unknown
  depth?: unknown
}

const LOCK_OBJECT_TYPES: readonly string[] = ['lock', 'rlock', 'semaphore', 'bounded-semaphore']

interface LockState {
  type: string
  slots: number
  holds: LockSpan[]
  waits: LockSpan[]
}

export class LockFold {
  private readonly locks = new Map<string, LockState>()
  /** Open spans by process, for its exit and for what it is doing now. */
  private readonly byProcess = new Map<string, Set<LockSpan>>()
  /** Holds a process's exit ended, by process: an abandoned report may still come for them. */
  private readonly endedByExit = new Map<string, LockSpan[]>()

  constructor(private readonly sink: LockSpanSink = {}) {}

  /** Folds one event; false when it says nothing about locks. */
  apply(event: LockFoldInput): boolean {
    switch (event.kind) {
      case 'run.start':
        this.reset()
        return false
      case 'object.create':
        this.created(event)
        return false
      case 'process.exit':
        return this.exited(text(event.lid), event.t)
      case 'lock.request':
      case 'lock.acquire':
      case 'lock.release':
      case 'lock.timeout':
      case 'lock.cancel':
      case 'lock.abandoned':
        return this.lockEvent(event)
      default:
        return false
    }
  }

  reset(): void {
    this.locks.clear()
    this.byProcess.clear()
    this.endedByExit.clear()
  }

  /** The open spans of a process: what it waits for and holds now. */
  openOf(lid: string): LockSpan[] {
    return [...(this.byProcess.get(lid) ?? [])]
  }

  /** In arrival order, as the broker serves them. */
  waitsOf(object: string): readonly LockSpan[] {
    return this.locks.get(object)?.waits ?? []
  }

  private created(event: LockFoldInput): void {
    const object = text(event.object)
    const type = text(event.type)
    if (object === null || type === null || !LOCK_OBJECT_TYPES.includes(type)) return
    const capacity = typeof event.capacity === 'number' && event.capacity > 0 ? event.capacity : 1
    const slots = type === 'semaphore' || type === 'bounded-semaphore' ? capacity : 1
    const known = this.locks.get(object)
    if (known) Object.assign(known, { type, slots })
    else this.locks.set(object, { type, slots, holds: [], waits: [] })
  }

  private lockEvent(event: LockFoldInput): boolean {
    const object = text(event.object)
    const lid = text(event.lid)
    if (object === null || lid === null) return false
    let lock = this.locks.get(object)
    // A lock whose creation came before this UI connected, or was cut from an export: a plain one.
    if (!lock) this.locks.set(object, (lock = { type: 'lock', slots: 1, holds: [], waits: [] }))
    const pid = typeof event.pid === 'number' ? event.pid : 0
    const t = event.t
    const depth = typeof event.depth === 'number' ? event.depth : null
    switch (event.kind) {
      case 'lock.request': {
        // The owner entering its RLock again: its hold deepens when the acquire comes (or, from
        // older hosts, at once, with no acquire at all).
        if (lock.type === 'rlock' && holdOf(lock, lid)) return true
        // A free lock nobody queues for is granted at once: no wait worth drawing.
        if (lock.holds.length < lock.slots && lock.waits.length === 0) return true
        this.open(lock, { kind: 'wait', lid, pid, object, start: t, end: null, outcome: null, depth: 1 })
        return true
      }
      case 'lock.acquire': {
        const owned = lock.type === 'rlock' ? holdOf(lock, lid) : null
        if (owned) {
          owned.depth = depth ?? owned.depth + 1
          return true
        }
        const wait = firstWait(lock, lid)
        if (wait) this.close(lock, wait, t, 'acquired')
        this.open(lock, { kind: 'hold', lid, pid, object, start: t, end: null, outcome: null, depth: 1 })
        return true
      }
      case 'lock.release':
      case 'lock.abandoned': {
        const abandoned = event.kind === 'lock.abandoned'
        // A plain Lock may be released by a process other than its holder, as in Python.
        const heldUs = typeof event.heldUs === 'number' ? event.heldUs : null
        const hold = holdOf(lock, lid, heldUs === null ? null : t - heldUs) ?? (abandoned ? null : lock.holds[0] ?? null)
        if (hold && !abandoned && depth !== null && depth > 0) {
          // An inner release of an RLock: still held.
          hold.depth = depth
          return true
        }
        if (hold) this.close(lock, hold, t, abandoned ? 'abandoned' : 'released')
        else if (abandoned && this.relabel(lid, object)) return true
        else this.fallbackHold({ lid, pid, object }, t, heldUs, abandoned)
        return true
      }
      case 'lock.timeout':
      case 'lock.cancel': {
        const wait = firstWait(lock, lid)
        if (wait) this.close(lock, wait, t, event.kind === 'lock.timeout' ? 'timeout' : 'cancelled')
        return true
      }
      default:
        return false
    }
  }

  /** Its process ended: whatever it still waited for or held ends with it. */
  private exited(lid: string | null, t: number): boolean {
    const open = lid === null ? undefined : this.byProcess.get(lid)
    if (lid === null || !open || open.size === 0) return false
    const holds: LockSpan[] = []
    for (const span of [...open]) {
      const lock = this.locks.get(span.object)
      if (!lock) continue
      this.close(lock, span, t, 'gone')
      if (span.kind === 'hold') holds.push(span)
    }
    if (holds.length > 0) this.endedByExit.set(lid, holds)
    return true
  }

  /** The broker's abandoned report for a hold the exit already ended. */
  private relabel(lid: string, object: string): boolean {
    const holds = this.endedByExit.get(lid)
    const index = holds?.findIndex((span) => span.object === object && span.outcome === 'gone') ?? -1
    if (!holds || index === -1) return false
    const [span] = holds.splice(index, 1)
    span!.outcome = 'abandoned'
    this.sink.relabeled?.(span!)
    return true
  }

  /**
   * A release whose acquire was never seen (a session cut mid-hold, a Value's lock whose holds are
   * only counted): drawn from when it was taken if the event says how long it lasted.
   */
  private fallbackHold(who: { lid: string; pid: number; object: string }, t: number, heldUs: number | null, abandoned: boolean): void {
    if (heldUs === null || !(heldUs >= 0)) return
    const span: LockSpan = { kind: 'hold', ...who, start: Math.max(0, t - heldUs), end: t, outcome: abandoned ? 'abandoned' : 'released', depth: 1 }
    this.sink.closed?.(span)
  }

  private open(lock: LockState, span: LockSpan): void {
    ;(span.kind === 'hold' ? lock.holds : lock.waits).push(span)
    let mine = this.byProcess.get(span.lid)
    if (!mine) this.byProcess.set(span.lid, (mine = new Set()))
    mine.add(span)
    this.sink.opened?.(span)
  }

  private close(lock: LockState, span: LockSpan, t: number, outcome: LockSpanOutcome): void {
    const list = span.kind === 'hold' ? lock.holds : lock.waits
    const index = list.indexOf(span)
    if (index !== -1) list.splice(index, 1)
    this.byProcess.get(span.lid)?.delete(span)
    span.end = Math.max(span.start, t)
    span.outcome = outcome
    this.sink.closed?.(span)
  }
}

/**
 * The hold of `lid` that a release ends: the one that began `since` (the release says how long it
 * was held), else its oldest: a semaphore held twice by one process gives back its oldest hold
 * first, as the broker does.
 */
function holdOf(lock: LockState, lid: string, since: number | null = null): LockSpan | null {
  let oldest: LockSpan | null = null
  for (const span of lock.holds) {
    if (span.lid !== lid) continue
    if (span.start === since) return span
    oldest ??= span
  }
  return oldest
}

function firstWait(lock: LockState, lid: string): LockSpan | null {
  return lock.waits.find((span) => span.lid === lid) ?? null
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}
