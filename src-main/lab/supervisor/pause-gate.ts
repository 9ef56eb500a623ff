// What "the broker stops granting" means while a run is paused (issue 17): every message a lab
// process sent and every connection that closed (a death the broker learns of) is held here, as
// is every event the broker's objects would emit (a timeout, a telemetry tick), and all of it is
// handled at the resume, in the order it came. The processes themselves are stopped by the OS
// (platform's RunPausing); what is held is what was already on its way when they stopped, or what
// a user's kill set off. One gate per supervisor: the host runs one run at a time.

export class PauseGate {
  private held: Array<() => void> | null = null
  /** Monotonic µs of the last resume: what was held is stamped no earlier (the run's clock stood still). */
  private resumedAt = 0

  constructor(private readonly onError: (error: unknown) => void) {}

  get paused(): boolean {
    return this.held !== null
  }

  /** Messages, closes and events held so far. */
  get heldCount(): number {
    return this.held?.length ?? 0
  }

  /** From now on, pass() holds its work. */
  close(): void {
    this.held ??= []
  }

  /** Runs `work` now, or holds it until open() while paused. */
  pass(work: () => void): void {
    if (this.held) this.held.push(work)
    else work()
  }

  /** Holds `work` until open(); only while paused (a hot path asks `paused` first, so it makes no closure otherwise). */
  hold(work: () => void): void {
    if (!this.held) throw new Error('PauseGate.hold while not paused')
    this.held.push(work)
  }

  /**
   * Runs what was held, in order, and lets work through again; returns how much there was. An
   * error in one piece is reported and the rest still run (the broker's read would have caught it).
   */
  open(at: number): number {
    const held = this.held ?? []
    this.held = null
    this.resumedAt = at
    for (const work of held) {
      try {
        work()
      } catch (error) {
        this.onError(error)
      }
    }
    return held.length
  }

  /** The time to stamp an event with: a held one happened, for the run, when the run went on. */
  notBefore(at: number): number {
    return Math.max(at, this.resumedAt)
  }
}
