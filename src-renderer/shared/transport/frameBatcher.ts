import type { FrameEvent } from '../../../src-shared/events'

/** Where frames go: folded into plain models as they come, published to the views once per paint. */
export interface FrameSink {
  fold(events: FrameEvent[]): void
  publish(): void
}

/**
 * Folding runs in short tasks of its own, never in the paint's: a backlog is worked off slice by
 * slice, so neither a burst of frames nor the rendering that follows makes one long task.
 */
const FOLD_BUDGET_MS = 4
const SLICE = 500
/**
 * Under a flood, updating the views at every paint costs more in rendering than the events are
 * worth: when publishing was expensive, the next one waits this long.
 */
const BUSY_INTERVAL_MS = 100
const EXPENSIVE_MS = 6
/** rAF does not fire in a hidden page; the stores must keep up anyway (counts, the timeline). */
const HIDDEN_INTERVAL_MS = 100

/**
 * Holds the host's frames and hands them to the stores in two steps: folding (cheap, plain data,
 * in small tasks as frames arrive) and publishing (what Vue renders, once per paint at most). The
 * host sends up to 60 frames a second, and a busy page can receive several per paint: rendering
 * each on its own would render the views once per message, not once per paint.
 */
export class FrameBatcher {
  private pending: FrameEvent[] = []
  private folding = false
  private publishing = false
  private busy = false
  private readonly foldChannel = new MessageChannel()

  constructor(private readonly sink: FrameSink) {
    this.foldChannel.port1.onmessage = () => {
      this.folding = false
      this.foldSome()
    }
  }

  push(events: readonly FrameEvent[]): void {
    for (const event of events) this.pending.push(event)
    this.scheduleFold()
  }

  private scheduleFold(): void {
    if (this.folding || this.pending.length === 0) return
    this.folding = true
    // A message, not setTimeout(0): browsers clamp nested timeouts to 4 ms.
    this.foldChannel.port2.postMessage(null)
  }

  private foldSome(): void {
    const started = performance.now()
    let taken = 0
    while (taken < this.pending.length && performance.now() - started < FOLD_BUDGET_MS) {
      this.sink.fold(this.pending.slice(taken, taken + SLICE))
      taken += SLICE
    }
    this.pending = taken >= this.pending.length ? [] : this.pending.slice(taken)
    this.scheduleFold()
    this.schedulePublish()
  }

  private schedulePublish(): void {
    if (this.publishing) return
    this.publishing = true
    const run = () => {
      this.publishing = false
      const started = performance.now()
      this.sink.publish()
      // The views render in a microtask after this: measure it with the publish.
      queueMicrotask(() => queueMicrotask(() => (this.busy = performance.now() - started > EXPENSIVE_MS)))
    }
    if (document.hidden) setTimeout(run, HIDDEN_INTERVAL_MS)
    else if (this.busy) setTimeout(() => requestAnimationFrame(run), BUSY_INTERVAL_MS)
    else requestAnimationFrame(run)
  }
}
