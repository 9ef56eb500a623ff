// A lock as one 32-bit word of a shared segment, taken and given back without a message:
//
//   bit 31      bits 30..0
//   [ W ]       [ holder id ]     0 = free; otherwise the holder's id (1 .. 2^31-1),
//                                 W set when someone is (or was) asleep waiting for it
//
// acquire: compare-and-swap 0 -> id (fast path); spin briefly; then set W and sleep on the word
// until it changes, and take it as id|W (someone else may still be asleep). release: only the
// holder; swap the word to 0 and wake one sleeper if W was set. The holder's id in the word is what
// lets the broker free the lock of a process that died holding it (sweepDeadHolder).
//
// Order: NOT first come, first served. A woken waiter competes with processes that arrive at that
// moment and with the releaser taking it again at once (barging), and futex wakes are not promised
// in arrival order either. What holds: mutual exclusion; a sleeper is woken by every release that
// sees W, and by the sweep of a dead holder; a waiter with a timeout returns by then with false.
import type { SharedSegment } from './segment'

export const WAITERS_BIT = 0x80000000 | 0
const HOLDER_MASK = 0x7fffffff
/** Loads of the word before sleeping: long enough for a short critical section elsewhere to end. */
const SPINS = 100
/**
 * The longest one sleep lasts before the word is looked at again. A releaser that dies between
 * freeing the word and waking a sleeper leaves it asleep; the broker's sweep wakes it, and this
 * bound does where no broker sweeps.
 */
const LONGEST_SLEEP_MS = 1000
/** The longest one asynchronous sleep keeps a thread of libuv's pool. */
const ASYNC_SLICE_MS = 250

export class SharedLockError extends Error {
  override name = 'SharedLockError'
}

function checkHolder(id: number): void {
  if (!Number.isInteger(id) || id < 1 || id > HOLDER_MASK) throw new TypeError(`a lock holder's id is an integer from 1 to ${HOLDER_MASK}, not ${id}`)
}

export class SharedLock {
  private readonly words: Int32Array

  /** The lock in word `index` of `segment` (0 in a fresh segment: free). */
  constructor(
    private readonly segment: SharedSegment,
    readonly index: number,
  ) {
    this.words = segment.words
    if (!Number.isInteger(index) || index < 0 || index >= this.words.length) throw new RangeError(`no word ${index} in a segment of ${this.words.length} words`)
  }

  /** The holder's id, or 0 when it is free. */
  holder(): number {
    return Atomics.load(this.words, this.index) & HOLDER_MASK
  }

  locked(): boolean {
    return this.holder() !== 0
  }

  /** Whether the waiters bit is set (someone is, or was until it timed out, asleep on the word). */
  hasSleepers(): boolean {
    return (Atomics.load(this.words, this.index) & WAITERS_BIT) !== 0
  }

  /** Takes it if it is free, without waiting. */
  tryAcquire(id: number): boolean {
    checkHolder(id)
    return Atomics.compareExchange(this.words, this.index, 0, id) === 0
  }

  /**
   * Takes it for `id`, blocking this thread until it is free or `timeoutMs` has passed (absent:
   * no limit; 0: one try). Returns whether it took it. A holder that acquires again waits like
   * anyone else (not reentrant, as Python's Lock).
   */
  acquire(id: number, timeoutMs?: number): boolean {
    if (this.takeWithoutSleeping(id, timeoutMs)) return true
    if (timeoutMs !== undefined && timeoutMs <= 0) return false
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs
    for (;;) {
      const sleepOn = this.takeOrAnnounce(id)
      if (sleepOn === null) return true
      const left = deadline - performance.now()
      if (left <= 0) return false
      this.segment.wait(this.index, sleepOn, Math.min(left, LONGEST_SLEEP_MS))
    }
  }

  /**
   * acquire without blocking the thread: the sleep runs on a thread of libuv's pool (futex, ulock)
   * or as timers (backoff), so a lab process keeps serving its event loop while it waits. Each
   * sleep holds a pool thread for at most ASYNC_SLICE_MS (the pool has 4 threads by default, shared
   * with file system calls).
   */
  async acquireAsync(id: number, timeoutMs?: number): Promise<boolean> {
    if (this.takeWithoutSleeping(id, timeoutMs)) return true
    if (timeoutMs !== undefined && timeoutMs <= 0) return false
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs
    for (;;) {
      const sleepOn = this.takeOrAnnounce(id)
      if (sleepOn === null) return true
      const left = deadline - performance.now()
      if (left <= 0) return false
      await this.segment.waitAsync(this.index, sleepOn, Math.min(left, ASYNC_SLICE_MS))
    }
  }

  /** The fast path and the spin: whether it took the lock without sleeping. */
  private takeWithoutSleeping(id: number, timeoutMs: number | undefined): boolean {
    checkHolder(id)
    const { words, index } = this
    if (Atomics.compareExchange(words, index, 0, id) === 0) return true
    if (timeoutMs !== undefined && timeoutMs <= 0) return false
    for (let spin = 0; spin < SPINS; spin++) {
      if (Atomics.load(words, index) === 0 && Atomics.compareExchange(words, index, 0, id) === 0) return true
    }
    return false
  }

  /**
   * One step before sleeping: takes the lock if it is free (as id|W: this process is past its spin,
   * so others may be asleep too and its release must wake one) and returns null; otherwise makes
   * sure W is set and returns the value to sleep on.
   */
  private takeOrAnnounce(id: number): number | null {
    const { words, index } = this
    for (;;) {
      const seen = Atomics.load(words, index)
      if (seen === 0) {
        if (Atomics.compareExchange(words, index, 0, id | WAITERS_BIT) === 0) return null
        continue
      }
      if (seen & WAITERS_BIT) return seen
      if (Atomics.compareExchange(words, index, seen, seen | WAITERS_BIT) === seen) return seen | WAITERS_BIT
    }
  }

  /** Gives it back; throws a SharedLockError when `id` does not hold it (free, or another's). */
  release(id: number): void {
    checkHolder(id)
    const { words, index } = this
    let seen = Atomics.load(words, index)
    for (;;) {
      if ((seen & HOLDER_MASK) !== id) {
        const holder = seen & HOLDER_MASK
        throw new SharedLockError(holder === 0 ? `release of a lock that is not held (by ${id})` : `release by ${id} of a lock that ${holder} holds`)
      }
      // Only W can change under the holder; retry with what is there now.
      const before = Atomics.compareExchange(words, index, seen, 0)
      if (before === seen) break
      seen = before
    }
    if (seen & WAITERS_BIT) this.segment.wake(index, 1)
  }

  /**
   * For the broker, when process `id` has ended: frees the lock if `id` held it and wakes a
   * sleeper; returns whether it did (the lock was abandoned). When the word is free it wakes every
   * sleeper anyway: `id` may have died between freeing the word and waking one, and a sleeper that
   * finds the lock still taken simply sleeps again.
   */
  sweepDeadHolder(id: number): boolean {
    checkHolder(id)
    const { words, index } = this
    for (;;) {
      const seen = Atomics.load(words, index)
      if (seen === 0) {
        this.segment.wake(index, Infinity)
        return false
      }
      if ((seen & HOLDER_MASK) !== id) return false
      if (Atomics.compareExchange(words, index, seen, 0) === seen) {
        if (seen & WAITERS_BIT) this.segment.wake(index, 1)
        return true
      }
    }
  }
}
