// Coalesces events into frames for UIs: at most one frame every `intervalMs`, never one message
// per event (a run can make 100,000 events a second), and no more output lines per second than a
// reader could follow (the rest are counted in gaps: output-thinning.ts).
import type { EventFrame } from '../../src-shared/contract'
import type { LabEvent } from '../../src-shared/events'
import { LIVE_LINES_PER_SECOND, thinOutput } from '../../src-shared/output-thinning'

// A frame that waited longer than its interval (a busy host) may carry more lines, in proportion.
/** The least a frame may carry, however soon it follows the last. */
const MIN_LINES_PER_FRAME = 200
/** The most: a frame is parsed in one task, and one that waited long must not make that task long. */
const MAX_LINES_PER_FRAME = 1_000

export class FrameCoalescer {
  private pending: LabEvent[] = []
  private pendingSince = 0
  private timer: NodeJS.Timeout | null = null
  private readonly listeners = new Set<(frame: EventFrame) => void>()

  constructor(private readonly intervalMs: number) {}

  subscribe(listener: (frame: EventFrame) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  push(event: LabEvent): void {
    // No UI attached (proclab run, the bench): nothing to build frames for.
    if (this.listeners.size === 0) return
    if (this.pending.length === 0) this.pendingSince = performance.now()
    this.pending.push(event)
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs)
  }

  /** Sends what is pending now. Before a snapshot is taken, so no frame after it overlaps it. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const waitedMs = Math.max(this.intervalMs, performance.now() - this.pendingSince)
    const budget = Math.min(MAX_LINES_PER_FRAME, Math.max(MIN_LINES_PER_FRAME, Math.round((waitedMs * LIVE_LINES_PER_SECOND) / 1000)))
    const frame: EventFrame = { type: 'events', events: thinOutput(this.pending, budget) }
    this.pending = []
    for (const listener of this.listeners) listener(frame)
  }
}
