// Queues shared between lab processes (Python's multiprocessing.Queue, JoinableQueue, SimpleQueue).
// Where the OS has shared memory the items live in a segment that every process using the queue
// maps, and the host's broker too (queue-memory.ts, shm/item-queue.ts): put and get send no
// message. Elsewhere the broker keeps them: a put on an unbounded queue resolves as soon as the
// item has left this process (no round trip), so an item whose put resolved is never lost; a
// bounded queue asks the broker, which knows if it is full.
import { Empty, ProcessError } from './errors'
import { LeasedReader } from './leases'
import { SharedObject } from './objects'
import { beforeOperation } from './step-gate'
import { QueueMemorySide } from './queue-memory'
import { ItemQueueMemory } from './shm/item-queue'
import { SharedSegment, type SegmentAddress } from './shm/segment'
import { SharedMemoryError } from '../platform/shared-memory'
import { toRefs } from './reduction'
import { waitLimit, type WaitOptions } from './timeouts'
import type { NameOption } from './synchronize'
import { watchWait } from './waits'

export interface QueueOptions extends NameOption {
  /** false: the items stay in the host's broker (what happens anyway where the OS has no shared memory). */
  sharedMemory?: boolean
}

export class Queue extends SharedObject {
  declare readonly maxsize: number
  declare private reader: LeasedReader
  declare private closed: boolean
  /** The items in shared memory, or null: the broker keeps them. */
  declare private memory: QueueMemorySide | null
  declare private address: SegmentAddress | null

  constructor(maxsize = 0, options: QueueOptions = {}) {
    super()
    if (!Number.isInteger(maxsize) || maxsize < 0) throw new TypeError(`Queue(maxsize): maxsize must be a whole number ≥ 0 (0 = no limit), got ${String(maxsize)}`)
    this.init(maxsize, options.sharedMemory === false ? null : createMemory(maxsize))
    this.register(this instanceof JoinableQueue ? 'joinable-queue' : this instanceof SimpleQueue ? 'simple-queue' : 'queue', options.name, { maxsize, memory: this.address })
  }

  /** Puts an item; on a full bounded queue waits (or throws Full with `block: false` or after the timeout). */
  async put(item: unknown, options?: WaitOptions): Promise<void> {
    this.checkOpen('put')
    const gated = beforeOperation('queue.put', this.oid)
    if (gated) await gated
    const timeout = waitLimit(options, 'Queue.put')
    if (this.memory) return this.memory.put(item, timeout)
    const value = toRefs(item)
    if (this.maxsize === 0) return this.tellWritten('put', { value })
    // Only a call that waits past WAIT_REPORT_MS is reported (one timer per call to the broker).
    await watchWait({ on: 'queue.put', object: this.oid, timeoutMs: timeout }, this.call('put', { value, timeout }))
  }

  putNowait(item: unknown): Promise<void> {
    return this.put(item, { block: false })
  }

  /** Takes the oldest item; on an empty queue waits (or throws Empty with `block: false` or after the timeout). */
  async get(options?: WaitOptions): Promise<unknown> {
    this.checkOpen('get')
    const gated = beforeOperation('queue.get', this.oid)
    if (gated) await gated
    if (this.memory) return this.memory.get(waitLimit(options, 'Queue.get'))
    const leased = this.reader.take()
    if (leased.found) return leased.value
    const timeout = waitLimit(options, 'Queue.get')
    const answer = this.call<{ items: unknown[]; lease: number }>('get', { timeout, want: this.reader.batch })
    return this.reader.received(await watchWait({ on: 'queue.get', object: this.oid, timeoutMs: timeout }, answer))
  }

  getNowait(): Promise<unknown> {
    return this.get({ block: false })
  }

  /** Items in the queue now, exact (unlike Python's): read from shared memory, or counted by the broker. */
  qsize(): Promise<number> {
    if (this.memory) return Promise.resolve(this.memory.depth())
    return this.call<number>('qsize')
  }

  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0
  }

  async full(): Promise<boolean> {
    return this.maxsize > 0 && (await this.qsize()) >= this.maxsize
  }

  /** This process will put and get no more; items it had leased go back to the queue. */
  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.reader.buffered > 0) this.reader.giveBack()
  }

  override onPush(method: string, args: unknown): void {
    if (method === 'recall') this.reader.recall((args as { lease?: unknown }).lease)
  }

  protected override refExtra(): Record<string, unknown> {
    return { maxsize: this.maxsize, memory: this.address }
  }

  protected override adopt(extra: Record<string, unknown>): void {
    const address = extra.memory as SegmentAddress | null | undefined
    this.init(extra.maxsize as number, address ? ItemQueueMemory.open(SharedSegment.open(address)) : null)
  }

  private init(maxsize: number, memory: ItemQueueMemory | null): void {
    // Getters: a new queue gets its oid and name after init, in register().
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const queue = this
    const link = {
      get oid() {
        return queue.oid
      },
      get name() {
        return queue.name
      },
      call: <T>(method: string, args: Record<string, unknown>) => queue.call<T>(method, args),
      tellWritten: (method: string, args: Record<string, unknown>) => queue.tellWritten(method, args),
    }
    Object.defineProperties(this, {
      memory: { value: memory ? new QueueMemorySide(memory, link) : null, enumerable: false },
      address: { value: memory ? memory.segment.address : null, enumerable: false },
      maxsize: { value: maxsize, enumerable: false },
      reader: { value: new LeasedReader({ send: (method, args) => this.tell(method, args), count: (method, args) => this.tellCount(method, args) }), enumerable: false },
      closed: { value: false, enumerable: false, writable: true },
    })
  }

  private checkOpen(action: string): void {
    if (this.closed) throw new ProcessError(`cannot ${action}: this queue was closed in this process`)
  }
}

/** A Queue whose consumers confirm each item with taskDone(), so join() can wait for all work. */
export class JoinableQueue extends Queue {
  /** Rejects if called more times than items were put (Python's ValueError). */
  taskDone(): Promise<void> {
    return this.call('taskDone')
  }

  /** Waits until every item put has been confirmed with taskDone(). */
  join(): Promise<void> {
    return watchWait({ on: 'queue.join', object: this.oid }, this.call<void>('join'))
  }
}

/** An unbounded queue with only put, get, empty and close. */
export class SimpleQueue extends Queue {
  constructor(options: QueueOptions = {}) {
    super(0, options)
  }
}

/** The queue's segment, or null where the OS has no shared memory (the broker keeps the items). */
function createMemory(maxsize: number): ItemQueueMemory | null {
  try {
    return ItemQueueMemory.create(maxsize)
  } catch (error) {
    if (error instanceof SharedMemoryError) return null
    throw error
  }
}

for (const [type, constructor] of [
  ['queue', Queue],
  ['joinable-queue', JoinableQueue],
  ['simple-queue', SimpleQueue],
] as const) {
  SharedObject.defineRebuild(type, constructor.prototype)
}

export { Empty }
