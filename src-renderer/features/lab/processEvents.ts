import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { FrameEvent, LabEvent } from '../../../src-shared/events'

/** Events kept per process for its details drawer: the recent past, not the whole story. */
export const EVENTS_PER_PROCESS = 50

/** Output has its own pane; here it would only push the interesting events out. */
const SKIPPED = new Set(['stdout', 'stderr'])

function lidOf(event: FrameEvent): string | null {
  return 'lid' in event && typeof event.lid === 'string' ? event.lid : null
}

function add(byLid: Map<string, LabEvent[]>, events: readonly FrameEvent[]): void {
  for (const event of events) {
    if (event.kind === 'run.start') byLid.clear()
    if (event.kind === 'output.gap') continue
    const lid = lidOf(event)
    if (lid === null || SKIPPED.has(event.kind)) continue
    let list = byLid.get(lid)
    if (!list) byLid.set(lid, (list = []))
    list.push(event)
    if (list.length > EVENTS_PER_PROCESS * 2) list.splice(0, list.length - EVENTS_PER_PROCESS)
  }
}

/** The last events of each lab process of the current run (not its output). */
export const useProcessEventsStore = defineStore('processEvents', {
  state: () => ({
    version: 0,
    // markRaw: a run can produce 100,000 events a second, and making each one reactive would cost
    // more than the drawer is worth. `version` tells views to look again.
    byLid: markRaw(new Map<string, LabEvent[]>()),
    pending: markRaw({ folded: false }),
  }),
  actions: {
    fold(events: readonly FrameEvent[]) {
      add(this.byLid, events)
      this.pending.folded = true
    },
    publish() {
      if (!this.pending.folded) return
      this.pending.folded = false
      this.version++
    },
    replace(events: readonly FrameEvent[]) {
      this.byLid.clear()
      add(this.byLid, events)
      this.version++
    },
    /** The last `limit` events of a process, oldest first. Read `version` in the same computed. */
    recent(lid: string, limit = EVENTS_PER_PROCESS): LabEvent[] {
      void this.version
      return (this.byLid.get(lid) ?? []).slice(-limit)
    },
  },
})
