// The lab side of a Queue whose items live in shared memory (issue 15): put and get touch only the
// segment (serialize outside the lock, copy under it), and wait by sleeping on a word of it. The
// broker hears of them once per tick at most, as a batch of telemetry (`ops`), and is asked only
// for what memory cannot do: items too big for the ring (a stash), taskDone and join.
import { labContext } from './context'
import { Empty, Full } from './errors'
import { decodeItem, encodeItem } from './item-codec'
import { fromRefs, toRefs } from './reduction'
import type { ItemQueueMemory, Taken } from './shm/item-queue'
import { WaitWatch } from './waits'

/** The longest one sleep holds a thread of libuv's pool (see SharedLock.acquireAsync). */
const SLICE_MS = 250
/**
 * The first sleep of a put or get blocks this thread for up to this long: a futex wake reaches a
 * blocked thread in microseconds, but an asynchronous wait only after a pool thread and the event
 * loop have passed it on (tens of µs), which at every item would cap a queue at ~20,000 items/s.
 * Longer waits go asynchronous, so the process's timers and messages are never held up for more.
 */
const BLOCKING_SLEEP_MS = 2
/**
 * Before a getter counts itself asleep it watches the counters this long: a producer busy on the
 * other core puts the next item within microseconds, and a getter that never sleeps costs the
 * producer no wake (a futex wake through koffi measured ~15 µs on this machine, per item when the
 * consumer slept after each one).
 */
const SPIN_MS = 0.05
/** Operations of one batch sent one by one; beyond that they are summarised (a count and the last depth). */
const LOGGED_PER_BATCH = 32
/** Before a wake, the batch so far is sent (so the host sees this side first), at most this often. */
const FLUSH_BEFORE_WAKE_MS = 10

/** While a process does at most this many operations per window, each one's event is sent at once. */
const RATE_WINDOW_MS = 100
const SENT_AT_ONCE_PER_WINDOW = 10
/**
 * Beyond this many operations in a window, none is logged one by one: each batch is only a summary.
 * A consumer that wakes often sends many small batches, and 32 logged operations in each came to
 * an event per item at the host (the bench's telemetry row cost 257 % before this).
 */
const LOGGED_PER_WINDOW = 200

/** Codes of the operations in an `ops` batch: pairs of (code, depth after it). */
export const OP = { put: 1, get: 2, full: 3, empty: 4 } as const

/** The arguments of the `ops` tell: logged pairs, then per code [count, last depth] of the rest. */
export interface OpsBatch {
  log: number[]
  more: Record<number, [number, number]> | null
}

export interface QueueLink {
  readonly oid: string
  readonly name: string
  call<T>(method: string, args: Record<string, unknown>): Promise<T>
  tellWritten(method: string, args: Record<string, unknown>): Promise<void>
}

export class QueueMemorySide {
  private stashed = 0
  private lastWakeFlush = 0
  private windowStart = 0
  private sentAtOnce = 0
  private opsInWindow = 0
  private readonly holder = process.pid

  constructor(
    private readonly memory: ItemQueueMemory,
    private readonly link: QueueLink,
  ) {
    memory.countAs(this.holder)
  }

  depth(): number {
    return this.memory.depth()
  }

  async put(item: unknown, timeout: number | null): Promise<void> {
    const bytes = encode(item)
    let record: Uint8Array | { owner: number; seq: number } = bytes
    if (bytes.length > this.memory.largestInline) {
      // Too big for the ring: the broker keeps it and the ring a reference, in its place in the order.
      record = { owner: this.holder, seq: ++this.stashed }
      await this.link.tellWritten('stash', { ...record, bytes })
    }
    const deadline = timeout === null ? Infinity : performance.now() + timeout
    let waited = false
    // Made at the first sleep only: a put that finds room costs nothing more.
    let watch: WaitWatch | null = null
    for (;;) {
      const left = deadline - performance.now()
      const outcome = this.locked(() => {
        const tried = this.memory.put(record, waited, left > 0)
        if (tried.done) this.note(OP.put, tried.depth, tried.wake)
        return tried
      })
      if (outcome.done) {
        if (outcome.wake) this.memory.wake('get')
        watch?.end('done')
        return
      }
      if (outcome.full && left <= 0) {
        watch?.end('timeout')
        this.note(OP.full, outcome.depth, false)
        if (!(record instanceof Uint8Array)) void this.link.tellWritten('drop', record)
        const { name, maxsize } = { name: this.link.name, maxsize: this.memory.maxsize }
        throw new Full(timeout === 0 ? `${name} is full (maxsize ${maxsize})` : `${name} stayed full for ${timeout} ms (maxsize ${maxsize})`)
      }
      const first = !waited
      waited = true
      watch ??= new WaitWatch({ on: 'queue.put', object: this.link.oid, timeoutMs: timeout })
      // A sleep past WAIT_REPORT_MS reports the wait first (a throw from it would leave it to the broker to end).
      await this.memory.sleep('put', outcome.sleepOn, watch.sleepFor(Math.min(outcome.full ? left : SLICE_MS, SLICE_MS)), first ? BLOCKING_SLEEP_MS : 0)
    }
  }

  async get(timeout: number | null): Promise<unknown> {
    const deadline = timeout === null ? Infinity : performance.now() + timeout
    let waited = false
    let spun = false
    let watch: WaitWatch | null = null
    for (;;) {
      const left = deadline - performance.now()
      const outcome = this.locked(() => {
        const tried = this.memory.get(waited, spun && left > 0)
        if (tried.taken) this.note(OP.get, tried.depth, tried.wakePutter || tried.wakeGetter)
        return tried
      })
      if (!outcome.taken && !spun && left > 0) {
        spun = true
        this.memory.watchForItems(Math.min(SPIN_MS, left))
        continue
      }
      if (outcome.taken) {
        if (outcome.wakePutter) this.memory.wake('put')
        if (outcome.wakeGetter) this.memory.wake('get')
        watch?.end('done')
        return this.decode(outcome.taken)
      }
      if (left <= 0) {
        watch?.end('timeout')
        this.note(OP.empty, 0, false)
        throw new Empty(timeout === 0 ? `${this.link.name} is empty` : `${this.link.name} stayed empty for ${timeout} ms`)
      }
      const first = !waited
      waited = true
      watch ??= new WaitWatch({ on: 'queue.get', object: this.link.oid, timeoutMs: timeout })
      await this.memory.sleep('get', outcome.sleepOn, watch.sleepFor(Math.min(left, SLICE_MS)), first ? BLOCKING_SLEEP_MS : 0)
    }
  }


  private locked<T>(body: () => T): T {
    // Held for a copy of the item and a few words: a blocking acquire costs less than a turn of the event loop.
    this.memory.lock.acquire(this.holder)
    try {
      return body()
    } finally {
      this.memory.lock.release(this.holder)
    }
  }

  private async decode(taken: Taken): Promise<unknown> {
    const bytes = taken.kind === 'item' ? taken.bytes : await this.link.call<Uint8Array>('unstash', { owner: taken.owner, seq: taken.seq })
    return fromRefs(decodeItem(bytes))
  }

  /**
   * Telemetry, called under the lock: one message per tick at most, whatever the rate (see
   * OpsBatch); while the rate is low (a few operations per 100 ms) each is sent at once, still
   * under the lock, so the host hears of the operations of all processes in the order they took
   * the lock (the depths of a flash sale's ten puts rise 1, 2, ... 10 in the timeline).
   */
  private note(code: number, depth: number, beforeWake: boolean): void {
    const channel = labContext().channel
    const now = performance.now()
    if (now - this.windowStart > RATE_WINDOW_MS) {
      this.windowStart = now
      this.sentAtOnce = 0
      this.opsInWindow = 0
    }
    const logged = ++this.opsInWindow <= LOGGED_PER_WINDOW
    channel.sendMerged(
      `${this.link.oid}:ops`,
      () => ({ op: 'tell' as const, oid: this.link.oid, method: 'ops', args: (logged ? { log: [code, depth], more: null } : { log: [], more: { [code]: [1, depth] } }) satisfies OpsBatch }),
      (message) => {
        const batch = message.args as OpsBatch
        if (logged && batch.more === null && batch.log.length < LOGGED_PER_BATCH * 2) {
          batch.log.push(code, depth)
          return
        }
        batch.more ??= {}
        const summary = (batch.more[code] ??= [0, 0])
        summary[0]++
        summary[1] = depth
      },
    )
    if (this.sentAtOnce < SENT_AT_ONCE_PER_WINDOW) {
      this.sentAtOnce++
      channel.flushNow()
      return
    }
    if (!beforeWake) return
    // The process woken will report what it does next: the host should hear of this first.
    if (now - this.lastWakeFlush < FLUSH_BEFORE_WAKE_MS) return
    this.lastWakeFlush = now
    channel.flushNow()
  }
}

function encode(item: unknown): Uint8Array {
  try {
    return encodeItem(toRefs(item))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new TypeError(
      `this value cannot be sent to another process: ${reason}. Values cross by structured clone, like postMessage: plain data, Map, Set, Date, typed arrays and Buffers do (class instances arrive as plain objects); functions, symbols, sockets and streams do not.`,
    )
  }
}
