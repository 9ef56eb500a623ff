import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { FrameEvent } from '../../../src-shared/events'
import { applyObjectEvent, emptyObjects, publishObject, resetObjects, type LockModel, type ObjectsModel, type OtherModel, type PipeModel, type PoolModel, type ProxyModel, type QueueModel, type SharedObjectModel, type ValueModel } from './objectsModel'

/**
 * The current run's locks, queues and pipes, fed by the run store with the same frames it folds.
 * Events are folded into a plain model first; then one $patch per publish writes a frozen-in-time
 * copy of each object touched since the last publish, so thousands of events cost Vue one update.
 */
export const useObjectsStore = defineStore('objects', {
  state: () => ({
    /** Where events are folded: not reactive, never read by components. */
    folded: markRaw(emptyObjects()) as ObjectsModel,
    runId: null as string | null,
    /** Object ids in creation order. */
    order: [] as string[],
    /** Published copies (markRaw: replaced whole, never changed in place). */
    objects: {} as Record<string, SharedObjectModel>,
    /** Objects changed since the last publish, and the model's generation (a new run) it showed (markRaw: bookkeeping). */
    pending: markRaw({ touched: new Set<string>(), publishedGeneration: -1 }),
  }),
  getters: {
    list: (state) => state.order.map((id) => state.objects[id]).filter((o) => o !== undefined),
    locks(): LockModel[] {
      return this.list.filter((o): o is LockModel => o.family === 'lock')
    },
    queues(): QueueModel[] {
      return this.list.filter((o): o is QueueModel => o.family === 'queue')
    },
    pipes(): PipeModel[] {
      return this.list.filter((o): o is PipeModel => o.family === 'pipe')
    },
    values(): ValueModel[] {
      return this.list.filter((o): o is ValueModel => o.family === 'value')
    },
    proxies(): ProxyModel[] {
      return this.list.filter((o): o is ProxyModel => o.family === 'proxy')
    },
    pools(): PoolModel[] {
      return this.list.filter((o): o is PoolModel => o.family === 'pool')
    },
    others(): OtherModel[] {
      return this.list.filter((o): o is OtherModel => o.family === 'other')
    },
  },
  actions: {
    /** Events as the run store folds them; shown at publish, one patch however many there were. */
    fold(events: readonly FrameEvent[]) {
      const touched = this.pending.touched
      for (const event of events) applyObjectEvent(this.folded, event, touched)
    },
    /** Starts over from a snapshot of the run (a late or reconnecting UI). */
    replace(events: readonly FrameEvent[]) {
      resetObjects(this.folded)
      this.fold(events)
      this.publish()
    },
    publish() {
      const folded = this.folded
      const pending = this.pending
      const touched = pending.touched
      const everything = folded.generation !== pending.publishedGeneration
      if (!everything && touched.size === 0) return
      pending.publishedGeneration = folded.generation
      this.$patch((state) => {
        if (everything) {
          state.objects = Object.fromEntries(folded.order.map((id) => [id, markRaw(publishObject(folded.objects[id]!))]))
        } else {
          for (const id of touched) {
            const obj = folded.objects[id]
            if (obj) state.objects[id] = markRaw(publishObject(obj))
          }
        }
        if (everything || state.order.length !== folded.order.length) state.order = folded.order.slice()
        state.runId = folded.runId
      })
      touched.clear()
    },
  },
})
