// What "the broker stops granting" means while a run is paused (issue 17): every message a lab
// process sent and every connection that closed (a death the broker learns of) is held here, as
// is every event the broker's objects would emit (a timeout, a telemetry tick), and all of it is
// handled at the resume, in the order it came. The processes themselves are stopped by the OS
// (platform's RunPausing); what is held is what was already on its way when they stopped, or what
// a user's kill set off. One gate per supervisor: the host runs one run at a time.
//
// Step lets one process through while the rest stay held: what it sent before is handled first,
// in order, then what it sends until it stops again. Work is held with its owner (a lid), or
// with none (timers, deadlock checks), which only the resume lets through.

interface Held {
  owner: string | null
  work: () => void
}

export class PauseGate {
  private held: Held[] | null = null
  /** Lids being stepped: their work passes although the gate is closed. */
  private readonly stepping = new Set<string>()
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

  /** True while paused when `owner` is not being stepped: its work must be held. */
  holds(owner: string): boolean {
    return this.held !== null && !this.stepping.has(owner)
  }

  /** Whether `owner` is being stepped. */
  steps(owner: string): boolean {
    return this.stepping.has(owner)
  }

  /** From now on, pass() holds its work. */
  close(): void {
    this.held ??= []
  }

  /** Runs `work` now, or holds it until open() while paused (and `owner`, if any, is not stepped). */
  pass(work: () => void, owner: string | null = null): void {
    if (this.held && (owner === null || !this.stepping.has(owner))) this.held.push({ owner, work })
    else work()
  }

  /** Holds `work` until open(); only while paused (a hot path asks `holds` first, so it makes no closure otherwise). */
  hold(work: () => void, owner: string | null = null): void {
    if (!this.held) throw new Error('PauseGate.hold while not paused')
    this.held.push({ owner, work })
  }

  /** While paused, lets `owner`'s work through: what was held of it runs now, in order. */
  letThrough(owner: string): void {
    if (!this.held) return
    this.stepping.add(owner)
    const mine = this.held.filter((h) => h.owner === owner)
    this.held = this.held.filter((h) => h.owner !== owner)
    this.runAll(mine)
  }

  /** Holds `owner`'s work again (its step ended). */
  stopLetting(owner: string): void {
    this.stepping.delete(owner)
  }

  /**
   * Runs what was held, in order, and lets work through again; returns how much there was. An
   * error in one piece is reported and the rest still run (the broker's read would have caught it).
   */
  open(at: number): number {
    const held = this.held ?? []
    this.held = null
    this.stepping.clear()
    this.resumedAt = at
    this.runAll(held)
    return held.length
  }

  /** The time to stamp an event with: a held one happened, for the run, when the run went on. */
  notBefore(at: number): number {
    return Math.max(at, this.resumedAt)
  }

  private runAll(held: Held[]): void {
    for (const { work } of held) {
      try {
        work()
      } catch (error) {
        this.onError(error)
      }
    }
  }
}
