import { defineStore } from 'pinia'
import type { FrameEvent } from '../../../src-shared/events'
import { applyDeadlockEvents, type DeadlockItem } from './deadlockModel'

/**
 * The deadlocks of the current run, for the Lab view's banner. They are rare (one per cycle), so
 * they fold straight into reactive state: nothing to batch until publish.
 */
export const useDeadlocksStore = defineStore('deadlocks', {
  state: () => ({
    items: [] as DeadlockItem[],
    /** Ids the user closed the banner of (for this run). */
    dismissed: [] as number[],
  }),
  getters: {
    shown: (state) => state.items.filter((item) => !state.dismissed.includes(item.id)),
  },
  actions: {
    fold(events: readonly FrameEvent[]) {
      const before = this.items.length
      applyDeadlockEvents(this.items, events)
      if (this.items.length < before) this.dismissed = []
    },
    publish() {},
    replace(events: readonly FrameEvent[]) {
      this.items = []
      this.dismissed = []
      applyDeadlockEvents(this.items, events)
    },
    dismiss(id: number) {
      this.dismissed.push(id)
    },
  },
})
