// The one reading of the queue events (Queue, JoinableQueue, SimpleQueue): how deep each queue is,
// what went through it, and who is blocked on it now (getters on an empty queue, putters on a full
// one, joiners of a JoinableQueue). The object cards, the replay and the Chrome trace fold through
// this, so the depth a card shows is the depth the trace's counter draws.
//
// The depth is the broker's word (each queue.put/get/full/empty carries the depth after it), not a
// sum of puts and gets: a summary (`count`) or a put the UI never saw cannot throw it off. It reads
// recorded sessions of any version: fields are checked, not trusted (loosely typed input), and a
// session from before process.wait simply has nobody waiting.
import { BlockedOn, type WaitInput, type Waiter } from './blocked'

export type { Waiter } from './blocked'

export interface QueueState {
  object: string
  /** 'queue', 'joinable-queue' or 'simple-queue' ('queue' when its object.create was not seen). */
  type: string
  /** Python's maxsize; null: unbounded (none, or 0). */
  maxsize: number | null
  depth: number
  peak: number
  /** Items put and got (a summary counts as its `count`). */
  puts: number
  gets: number
  /** Refused puts (Full) and gets (Empty). */
  fulls: number
  empties: number
  /** Its last queue event (session µs). */
  lastT: number
  /** Blocked in get() (nothing to take), in arrival order. */
  getters: Waiter[]
  /** Blocked in put() (it was full). */
  putters: Waiter[]
  /** Blocked in a JoinableQueue's join() (tasks not done). */
  joiners: Waiter[]
}

/** What the fold tells its reader, besides the state it keeps. */
export interface QueueSink {
  /** The depth moved (to queue.depth) at t: a depth series, a counter. */
  depth?(queue: QueueState, t: number): void
  /** `n` items were put or got at t: a rate. */
  moved?(queue: QueueState, op: 'put' | 'get', n: number, t: number): void
  /** Someone began or stopped waiting on it at t. */
  waiters?(queue: QueueState, t: number): void
}

/** The fields the fold reads: a typed LabEvent fits, and so does a loosely parsed one from a file. */
export interface QueueFoldInput extends WaitInput {
  type?: unknown
  name?: unknown
  capacity?: unknown
  depth?: unknown
  count?: unknown
}

export const QUEUE_TYPES: readonly string[] = ['queue', 'joinable-queue', 'simple-queue']
const QUEUE_WAITS = ['queue.get', 'queue.put', 'queue.join'] as const

export class QueueFold {
  private readonly queues = new Map<string, QueueState>()
  private readonly blocked = new BlockedOn(QUEUE_WAITS, (object, on) => {
    const queue = this.stateOf(object)
    return on === 'queue.get' ? queue.getters : on === 'queue.put' ? queue.putters : queue.joiners
  })

  constructor(private readonly sink: QueueSink = {}) {}

  /** Folds one event; returns the queues it changed (none: it says nothing about queues). */
  apply(event: QueueFoldInput): string[] {
    switch (event.kind) {
      case 'run.start':
        this.reset()
        return []
      case 'object.create':
        return this.created(event)
      case 'queue.put':
      case 'queue.get':
      case 'queue.full':
      case 'queue.empty':
        return this.queueEvent(event)
      case 'process.wait':
      case 'process.resume':
      case 'process.exit':
        return this.waitEvent(event)
      default:
        return []
    }
  }

  reset(): void {
    this.queues.clear()
    this.blocked.clear()
  }

  get(object: string): QueueState | undefined {
    return this.queues.get(object)
  }

  all(): IterableIterator<QueueState> {
    return this.queues.values()
  }

  private created(event: QueueFoldInput): string[] {
    const object = text(event.object)
    const type = text(event.type)
    if (object === null || type === null || !QUEUE_TYPES.includes(type)) return []
    const maxsize = typeof event.capacity === 'number' && event.capacity > 0 ? event.capacity : null
    Object.assign(this.stateOf(object), { type, maxsize, lastT: event.t })
    return [object]
  }

  private queueEvent(event: QueueFoldInput): string[] {
    const object = text(event.object)
    if (object === null) return []
    const queue = this.stateOf(object)
    const n = typeof event.count === 'number' && event.count >= 0 ? event.count : 1
    queue.lastT = event.t
    switch (event.kind) {
      case 'queue.put':
        queue.puts += n
        this.sink.moved?.(queue, 'put', n, event.t)
        break
      case 'queue.get':
        queue.gets += n
        this.sink.moved?.(queue, 'get', n, event.t)
        break
      case 'queue.full':
        queue.fulls++
        break
      case 'queue.empty':
        queue.empties++
        break
    }
    // A refused put or get leaves the depth as it was.
    if (typeof event.depth === 'number' && event.depth >= 0 && event.depth !== queue.depth) {
      queue.depth = event.depth
      queue.peak = Math.max(queue.peak, event.depth)
      this.sink.depth?.(queue, event.t)
    }
    return [object]
  }

  private waitEvent(event: QueueFoldInput): string[] {
    const changed = this.blocked.apply(event)
    for (const object of changed) this.sink.waiters?.(this.queues.get(object)!, event.t)
    return changed
  }

  /** A queue whose creation came before this reader connected, or was cut from an export: unbounded. */
  private stateOf(object: string): QueueState {
    let queue = this.queues.get(object)
    if (!queue) {
      queue = { object, type: 'queue', maxsize: null, depth: 0, peak: 0, puts: 0, gets: 0, fulls: 0, empties: 0, lastT: 0, getters: [], putters: [], joiners: [] }
      this.queues.set(object, queue)
    }
    return queue
  }
}

/** Full: a bounded queue holding maxsize items (a put would block). */
export function queueFull(queue: Pick<QueueState, 'depth' | 'maxsize'>): boolean {
  return queue.maxsize !== null && queue.depth >= queue.maxsize
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}
