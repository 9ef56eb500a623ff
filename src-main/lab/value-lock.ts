// The lock of a Value or an Array (Python's get_lock()): the lock word in the object's own
// segment, taken by this process's pid without a message. An uncontended acquire is one atomic
// instruction; a contended one sleeps off the event loop (SharedLock.acquireAsync). What the UI
// shows of it is counted in the segment (acquires, and how many found it taken) and read by the
// broker, which also frees it when its holder dies (lock.abandoned).
import { ProcessError } from './errors'
import { SharedLock, SharedLockError, type SharedSegment } from './shm'
import { ACQUIRES, CONTENDED, clockSlots, count, LOCK_WORD } from './shm/value-layout'
import { waitLimit, type WaitOptions } from './timeouts'

const HELD = Promise.resolve(true)
/** The holder's id in the lock word. process.pid is a getter that costs ~100 ns: read it once. */
const PID = process.pid

export class ValueLock {
  private readonly word: SharedLock
  private readonly clocks: Float64Array

  constructor(
    segment: SharedSegment,
    private readonly counters: Uint32Array,
    /** The Value's name, for messages. */
    private readonly owner: string,
  ) {
    this.word = new SharedLock(segment, LOCK_WORD)
    this.clocks = clockSlots(segment)
  }

  /** Resolves true once held; false if `block: false` or the timeout ran out first. */
  acquire(options?: WaitOptions): Promise<boolean> {
    // The uncontended case without an async function's machinery: a promise made once.
    if (options === undefined && this.word.tryAcquire(PID)) return this.took() && HELD
    return this.acquireWaiting(options)
  }

  private async acquireWaiting(options: WaitOptions | undefined): Promise<boolean> {
    const limit = waitLimit(options, `${this.owner}.getLock().acquire`)
    const id = PID
    if (this.word.tryAcquire(id)) return this.took()
    count(this.counters, CONTENDED, 1)
    if (limit === 0) return false
    if (!(await this.word.acquireAsync(id, limit ?? undefined))) return false
    return this.took()
  }

  /**
   * Gives it back, at once (no message to wait for, so it returns nothing; `await` on it is
   * harmless). Throws a ProcessError when this process does not hold it: the word names its
   * holder, and only the holder may release (stricter than Python's, whose semaphore lets any
   * process release).
   */
  release(): void {
    try {
      this.word.release(PID)
    } catch (error) {
      if (!(error instanceof SharedLockError)) throw error
      const holder = this.word.holder()
      throw new ProcessError(holder === 0 ? `cannot release the lock of ${this.owner}: it is not locked` : `cannot release the lock of ${this.owner}: process ${holder} holds it, not this one (${PID})`)
    }
  }

  /** Runs `fn` holding the lock and releases it however `fn` ends (Python's `with v.get_lock():`). */
  async withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await fn()
    } finally {
      this.release()
    }
  }

  locked(): boolean {
    return this.word.locked()
  }

  toString(): string {
    return `<lock of ${this.owner}>`
  }

  private took(): true {
    this.clocks[0] = this.clocks[1]!
    count(this.counters, ACQUIRES, 1)
    return true
  }
}
