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
  /** What to emit right after event `seq` (waiters' requests: while the hold they wait for shows open). */
  private readonly afterSeq = new Map<number, Emit[]>()

  /** Emits `emit` as event number `seq` once every earlier number has been emitted. */
  add(seq: number, emit: Emit): void {
    // Late: its gap was skipped when a process died (see skipGaps). Better late than lost.
    if (seq < this.next) return emit()
    this.waiting.set(seq, emit)
    if (seq > this.highest) this.highest = seq
    this.drain()
  }

  private drain(): void {
    while (this.waiting.has(this.next)) {
      const seq = this.next++
      const ready = this.waiting.get(seq)!
      this.waiting.delete(seq)
      ready()
      this.runAfter(seq)
    }
  }

  /** Emits `emit` once event `seq` has been (at once if it has; 0: now). */
  after(seq: number, emit: Emit): void {
    if (seq < this.next) return emit()
    const list = this.afterSeq.get(seq)
    if (list) list.push(emit)
    else this.afterSeq.set(seq, [emit])
  }

  private runAfter(seq: number): void {
    const list = this.afterSeq.get(seq)
    if (!list) return
    this.afterSeq.delete(seq)
    for (const emit of list) emit()
  }

  /**
   * A process that used this lock died: the numbers it took and never sent are lost for good.
   * Emits everything waiting up to number `upTo` (all: Infinity), in order, over the gaps.
   */
  skipGaps(upTo = Infinity): void {
    const last = Math.min(upTo, Math.max(this.highest, ...this.afterSeq.keys()))
    for (; this.next <= last; this.next++) {
      const ready = this.waiting.get(this.next)
      this.waiting.delete(this.next)
      ready?.()
      this.runAfter(this.next)
    }
    // What waited behind the skipped gaps may be ready now.
    this.drain()
  }

  /** How many events wait for an earlier one. */
  get held(): number {
    return this.waiting.size + this.afterSeq.size
  }
}
