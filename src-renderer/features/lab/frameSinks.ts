// The stores that fold the lab's events besides the run store: the run store feeds each of them the
// same frames, the same snapshot after a reconnect and the same replayed events, so none can drift
// from the others. A new store that reads events joins the list here, and only here.
import type { FrameEvent } from '../../../src-shared/events'
import { useDeadlocksStore } from './deadlocks'
import { useLabUsageStore } from './labUsage'
import { useObjectsStore } from '../objects/objects'
import { useProcessEventsStore } from './processEvents'
import { useStepsStore } from './steps'
import { useTimelineStore } from '../timeline/timeline'

export interface FrameSink {
  /** Events after those already folded. */
  fold(events: readonly FrameEvent[]): void
  /** Shows what was folded since the last publish (once per frame). */
  publish(): void
  /** Exactly these events, from scratch, shown at once (a snapshot, a replay's position). */
  replace(events: readonly FrameEvent[]): void
}

const SINKS: ReadonlyArray<() => FrameSink> = [useObjectsStore, useTimelineStore, useProcessEventsStore, useLabUsageStore, useDeadlocksStore, useStepsStore]

export function forEachSink(action: (sink: FrameSink) => void): void {
  for (const sink of SINKS) action(sink())
}
