import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { FrameEvent } from '../../../src-shared/events'
import { applyTimelineEvents, emptyTimeline, resetTimeline, type Lane, type TimelineModel } from './timelineModel'

/** The lanes to show: all, or only those of the processes the timeline was opened on (in `lanes`' order). */
export function focusedLanes(lanes: Lane[], focus: readonly string[] | null): Lane[] {
  return focus === null ? lanes : lanes.filter((lane) => focus.includes(lane.lid))
}

/**
 * The run's Gantt: lanes per process, lock holds and waits, queue and pipe ticks. Events are folded
 * into a plain, non-reactive model (100,000 events a second must not each wake Vue); the state
 * only carries `revision`, bumped once per publish that follows a change, which is what the view
 * watches before it reads the model.
 */
export const useTimelineStore = defineStore('timeline', {
  state: () => ({
    /** Not reactive: read it after reading `revision`. */
    model: markRaw(emptyTimeline()) as TimelineModel,
    revision: 0,
    /** Whether the model moved since `revision` last did (markRaw: bookkeeping, not for views). */
    pending: markRaw({ folded: false }),
    /** Lids of the only processes shown (a deadlock's, opened from the Lab view's banner); null: all. */
    focus: null as string[] | null,
  }),
  actions: {
    /** Events of the current run, as the run store folds them; the view hears of them at publish. */
    fold(events: readonly FrameEvent[]) {
      if (events.some((e) => e.kind === 'run.start')) this.focus = null
      if (applyTimelineEvents(this.model, events)) this.pending.folded = true
    },
    publish() {
      if (!this.pending.folded) return
      this.pending.folded = false
      this.revision++
    },
    /** Shows only these processes' lanes, until showAll (or a new run). */
    showOnly(lids: readonly string[]) {
      this.focus = [...lids]
    },
    showAll() {
      this.focus = null
    },
    /** Starts over from these events (a snapshot, or a replay position). */
    replace(events: readonly FrameEvent[]) {
      // A replay may step back in time: the events given are the whole truth (seq included).
      resetTimeline(this.model)
      applyTimelineEvents(this.model, events)
      this.revision++
    },
  },
})
