import type { LabEvent } from '../../src-shared/events'

/**
 * A backlog is worked off in slices, so no task runs long: one update folds slices until this
 * much time has gone (what the views then render comes on top of it).
 */
const BUDGET_MS = 12
const SLICE = 2_000
/**
 * Under a flood, updating the views at every paint costs more in rendering than the events are
 * worth: when an update was expensive, the next waits this long, and folds more events at once.
 */
const BUSY_INTERVAL_MS = 100
const EXPENSIVE_MS = 8
/** rAF does not fire in a hidden page; the stores must keep up anyway (counts, the timeline). */
const HIDDEN_INTERVAL_MS = 100

/**
 * Holds the host's frames until the browser is about to paint, then hands them over at once.
 * The host sends up to 60 frames a second, but a busy page can fall behind and receive several
 * per paint: folding each on its own would render the views once per message, not once per paint.
 */
export class FrameBatcher {
  private pending: LabEvent[] = []
  private scheduled = false
  private busy = false

  constructor(private readonly apply: (events: LabEvent[]) => void) {}

  push(events: readonly LabEvent[]): void {
    for (const event of events) this.pending.push(event)
    this.schedule()
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return
    this.scheduled = true
    const run = () => {
      this.scheduled = false
      this.applySome()
      this.schedule()
    }
    if (document.hidden) setTimeout(run, HIDDEN_INTERVAL_MS)
    else if (this.busy) setTimeout(() => requestAnimationFrame(run), BUSY_INTERVAL_MS)
    else requestAnimationFrame(run)
  }

  private applySome(): void {
    const started = performance.now()
    let taken = 0
    while (taken < this.pending.length && performance.now() - started < BUDGET_MS) {
      this.apply(this.pending.slice(taken, taken + SLICE))
      taken += SLICE
    }
    this.pending = taken >= this.pending.length ? [] : this.pending.slice(taken)
    // The views render in a microtask after this: measure it with the fold on the next update.
    queueMicrotask(() => queueMicrotask(() => (this.busy = performance.now() - started > EXPENSIVE_MS)))
  }
}
