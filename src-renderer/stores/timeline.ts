import { defineStore } from 'pinia'
import type { LabEvent } from '../../src-shared/events'

/** The run's Gantt: lanes per process, lock holds and waits, queue and pipe ticks. */
export const useTimelineStore = defineStore('timeline', {
  state: () => ({}),
  actions: {
    /** One frame of the current run, as the run store folds it. */
    applyFrame(_events: readonly LabEvent[]) {},
    /** Starts over from these events (a snapshot, or a replay position). */
    replace(_events: readonly LabEvent[]) {},
  },
})
