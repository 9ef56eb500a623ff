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
    checkHolder(id)
    const { words, index } = this
    if (Atomics.compareExchange(words, index, 0, id) === 0) return true
    if (timeoutMs !== undefined && timeoutMs <= 0) return false
    for (let spin = 0; spin < SPINS; spin++) {
      if (Atomics.load(words, index) === 0 && Atomics.compareExchange(words, index, 0, id) === 0) return true
    }
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs
    const mine = id | WAITERS_BIT
    for (;;) {
      let seen = Atomics.load(words, index)
      if (seen === 0) {
        // Taken as id|W: this process slept, so others may be asleep too and the release must wake one.
        if (Atomics.compareExchange(words, index, 0, mine) === 0) return true
        continue
      }
      if ((seen & WAITERS_BIT) === 0) {
        const before = Atomics.compareExchange(words, index, seen, seen | WAITERS_BIT)
        if (before !== seen) continue
        seen |= WAITERS_BIT
      }
      const left = deadline - performance.now()
      if (left <= 0) return false
      this.segment.wait(index, seen, Math.min(left, LONGEST_SLEEP_MS))
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
