// The word under the public Lock (issue 15): one segment per Lock, two words after the header.
//
//   word 4: the lock word   [ W | holder pid ]   0 = free, nobody queued at the broker
//   word 5: the sequence    a counter only the current holder (or the broker, acting for the
//                           holder it hands to) advances: it numbers the lock's events so the
//                           broker can put events reported late, in batches, back in order
//
// Rules that keep waiters first come, first served (see docs/shared-memory.md, "The public Lock"):
// - a lab process may take the word only from 0 (compare-and-swap 0 -> its pid) and give it back
//   only from its own pid without W (pid -> 0);
// - once W is set only the broker writes the word: a holder that finds W on release sends
//   `release` to the broker, which hands the word to the first waiter in its queue.
import { HEADER_WORDS, type SegmentAddress, SharedSegment } from './segment'
import { WAITERS_BIT } from './lock'

export const LOCK_WORD = HEADER_WORDS
export const SEQ_WORD = HEADER_WORDS + 1
export const HOLDER_MASK = 0x7fffffff
export { WAITERS_BIT }
/** Loads of the word a contender makes before asking the broker (a hold elsewhere may end meanwhile). */
const SPINS = 100

export class LockWord {
  readonly words: Int32Array

  constructor(readonly segment: SharedSegment) {
    this.words = segment.words
  }

  static create(): LockWord {
    return new LockWord(SharedSegment.create(8))
  }

  static open(address: SegmentAddress): LockWord {
    return new LockWord(SharedSegment.open(address))
  }

  get address(): SegmentAddress {
    return this.segment.address
  }

  load(): number {
    return Atomics.load(this.words, LOCK_WORD)
  }

  holder(): number {
    return this.load() & HOLDER_MASK
  }

  hasWaitersBit(): boolean {
    return (this.load() & WAITERS_BIT) !== 0
  }

  /** The fast path: 0 -> id, then a short spin if `spin`. */
  tryTake(id: number, spin: boolean): boolean {
    const words = this.words
    if (Atomics.compareExchange(words, LOCK_WORD, 0, id) === 0) return true
    if (!spin) return false
    for (let i = 0; i < SPINS; i++) {
      if (Atomics.load(words, LOCK_WORD) === 0 && Atomics.compareExchange(words, LOCK_WORD, 0, id) === 0) return true
    }
    return false
  }

  /**
   * The holder gives it back: true when done (the word was id, now 0); false when W is set and the
   * broker must hand it on. Only W can appear under the holder, so one exchange decides.
   */
  tryGiveBack(id: number): boolean {
    return Atomics.compareExchange(this.words, LOCK_WORD, id, 0) === id
  }

  /** `n` consecutive sequence numbers, the first returned; call only while holding the lock. */
  takeSeq(n: number): number {
    return Atomics.add(this.words, SEQ_WORD, n) + 1
  }

  /** The last number taken (0: none yet). */
  lastSeq(): number {
    return Atomics.load(this.words, SEQ_WORD)
  }

  compareExchange(expected: number, next: number): number {
    return Atomics.compareExchange(this.words, LOCK_WORD, expected, next)
  }

  store(value: number): void {
    Atomics.store(this.words, LOCK_WORD, value)
  }
}
