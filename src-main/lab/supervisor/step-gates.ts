// The host's side of the Step gates (step-layout.ts): it makes the segment every lab process of
// this host maps, and sets a process's gate to stop or go, or every gate back to run.
import { SharedSegment } from '../shm/segment'
import { claimSlot, GATE, GATE_BYTES, GATE_SLOTS, gateAddressText, pidWord, slotsOf, SLOTS_USED, stateWord } from '../step-layout'

export class StepGates {
  private constructor(private readonly segment: SharedSegment) {}

  /** Null where this OS gives ProcLab no shared memory: then no process can be stepped. */
  static create(): StepGates | null {
    try {
      return new StepGates(SharedSegment.create(GATE_BYTES))
    } catch {
      return null
    }
  }

  /** The value of ENV.gate for the lab main, which its children inherit. */
  get env(): string {
    return gateAddressText(this.segment.address)
  }

  /**
   * Lets `pid` go on to its next lab operation: it does the one it stopped before (go), or, if
   * it is elsewhere (in its own code, or inside an operation), it stops before the next (stop).
   * False when no slot is left for it.
   */
  step(pid: number): boolean {
    const words = this.segment.words
    if (claimSlot(words, pid) === null) return false
    for (const slot of slotsOf(words, pid)) {
      const at = stateWord(slot)
      Atomics.store(words, at, Atomics.load(words, at) === GATE.stopped ? GATE.go : GATE.stop)
      this.segment.wake(at, Infinity)
    }
    return true
  }

  /** Every gate back to run, and every process waiting at one woken. */
  releaseAll(): void {
    const words = this.segment.words
    const used = Math.min(Atomics.load(words, SLOTS_USED), GATE_SLOTS)
    for (let slot = 0; slot < used; slot++) {
      if (Atomics.exchange(words, stateWord(slot), GATE.run) !== GATE.run) this.segment.wake(stateWord(slot), Infinity)
    }
  }

  /** A new run: no process of an earlier one is left, so every slot is free again. */
  reset(): void {
    const words = this.segment.words
    const used = Math.min(Atomics.load(words, SLOTS_USED), GATE_SLOTS)
    for (let slot = 0; slot < used; slot++) {
      Atomics.store(words, stateWord(slot), GATE.run)
      Atomics.store(words, pidWord(slot), 0)
    }
    Atomics.store(words, SLOTS_USED, 0)
  }

  close(): void {
    this.segment.unlink()
    this.segment.close()
  }
}
