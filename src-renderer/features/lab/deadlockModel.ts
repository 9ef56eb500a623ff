// The current run's deadlocks as the broker names them (deadlock.found, deadlock.cleared; issue 17).
// A deadlock stays listed after it is cleared, marked so, until the next run: the lesson is in the
// cycle, and main usually ends it a moment later by terminating its processes.
import type { DeadlockLink, EventOf, FrameEvent } from '../../../src-shared/events'

export interface DeadlockItem {
  id: number
  /** Session µs when it was found. */
  t: number
  cycle: DeadlockLink[]
  /** Processes waiting behind the cycle. */
  stuck: string[]
  cleared: Pick<EventOf<'deadlock.cleared'>, 'by' | 'reason'> | null
}

/** A recv wait nothing can ever serve (process.stuck), until its process.resume. */
export interface StuckItem {
  lid: string
  wait: number
  object: string
  t: number
  /** Its wait ended (the process was killed, or, rarely, sent to itself). */
  over: boolean
}

/** Folds `events` into `items` (deadlocks) and `stuck`; true if anything changed. */
export function applyDeadlockEvents(items: DeadlockItem[], events: readonly FrameEvent[], stuck: StuckItem[] = []): boolean {
  let changed = false
  for (const event of events) {
    if (event.kind === 'run.start') {
      changed ||= items.length > 0 || stuck.length > 0
      items.length = 0
      stuck.length = 0
    } else if (event.kind === 'process.stuck') {
      stuck.push({ lid: event.lid, wait: event.wait, object: event.object, t: event.t, over: false })
      changed = true
    } else if (event.kind === 'process.resume') {
      const item = stuck.find((s) => s.lid === event.lid && s.wait === event.wait)
      if (!item) continue
      item.over = true
      changed = true
    } else if (event.kind === 'deadlock.found') {
      items.push({ id: event.deadlock, t: event.t, cycle: event.cycle, stuck: event.stuck, cleared: null })
      changed = true
    } else if (event.kind === 'deadlock.cleared') {
      const item = items.find((i) => i.id === event.deadlock)
      if (!item) continue
      item.cleared = { by: event.by, reason: event.reason }
      changed = true
    }
  }
  return changed
}

/** Every process a deadlock involves: its cycle first, then those stuck behind it. */
export function deadlockLids(item: DeadlockItem): string[] {
  return [...item.cycle.map((link) => link.lid), ...item.stuck]
}
