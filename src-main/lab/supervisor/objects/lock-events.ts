// The events of one shared-memory Lock in the order its holds happened. Lab processes report the
// holds they took by themselves in batches (lab/lock-trace.ts), each event numbered from the lock's
// sequence word while its process held the lock; the broker numbers what it does from the same
// word. Batches from different processes arrive in any order: an event waits here until every
// earlier number has been emitted.
type Emit = () => void

export class LockEventOrder {
  private next = 1
  private highest = 0
  private readonly waiting = new Map<number, Emit>()

  /** Emits `emit` as event number `seq` once every earlier number has been emitted. */
  add(seq: number, emit: Emit): void {
    // Late: its gap was skipped when a process died (see skipGaps). Better late than lost.
    if (seq < this.next) return emit()
    this.waiting.set(seq, emit)
    if (seq > this.highest) this.highest = seq
    while (this.waiting.has(this.next)) {
      const ready = this.waiting.get(this.next)!
      this.waiting.delete(this.next++)
      ready()
    }
  }

  /**
   * A process that used this lock died: the numbers it took and never sent are lost for good.
   * Emits everything waiting, in order, over the gaps.
   */
  skipGaps(): void {
    for (; this.next <= this.highest; this.next++) {
      const ready = this.waiting.get(this.next)
      if (!ready) continue
      this.waiting.delete(this.next)
      ready()
    }
  }

  /** How many events wait for an earlier one (for tests and the docs' claims). */
  get held(): number {
    return this.waiting.size
  }
}
