// Coalesces events into frames for UIs: at most one frame every `intervalMs`, never one message
// per event (a run can make 100,000 events a second).
import type { EventFrame } from '../../src-shared/contract'
import type { LabEvent } from '../../src-shared/events'

export class FrameCoalescer {
  private pending: LabEvent[] = []
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
    this.pending.push(event)
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const frame: EventFrame = { type: 'events', events: this.pending }
    this.pending = []
    for (const listener of this.listeners) listener(frame)
  }
}
