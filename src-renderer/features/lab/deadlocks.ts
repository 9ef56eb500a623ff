import { defineStore } from 'pinia'
import type { FrameEvent } from '../../../src-shared/events'
import { applyDeadlockEvents, type DeadlockItem, type StuckItem } from './deadlockModel'

/**
 * The deadlocks of the current run, for the Lab view's banner. They are rare (one per cycle), so
 * they fold straight into reactive state: nothing to batch until publish.
 */
export const useDeadlocksStore = defineStore('deadlocks', {
  state: () => ({
    items: [] as DeadlockItem[],
    /** Pipe readers nothing can ever serve (process.stuck). */
    stuck: [] as StuckItem[],
    /** Notices the user closed (for this run): `d<id>` a deadlock's, `s<lid>#<wait>` a stuck wait's. */
    dismissed: [] as string[],
  }),
  getters: {
    shown: (state) => state.items.filter((item) => !state.dismissed.includes(`d${item.id}`)),
    shownStuck: (state) => state.stuck.filter((item) => !state.dismissed.includes(`s${item.lid}#${item.wait}`)),
  },
  actions: {
    fold(events: readonly FrameEvent[]) {
      if (events.some((e) => e.kind === 'run.start')) this.dismissed = []
      applyDeadlockEvents(this.items, events, this.stuck)
    },
    publish() {},
    replace(events: readonly FrameEvent[]) {
      this.items = []
      this.stuck = []
      this.dismissed = []
      applyDeadlockEvents(this.items, events, this.stuck)
    },
    dismiss(key: string) {
      this.dismissed.push(key)
    },
  },
})
