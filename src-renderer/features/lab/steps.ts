import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { FrameEvent } from '../../../src-shared/events'
import { i18n } from '../../shared/i18n'
import { call, errorMessage } from '../../shared/transport'
import { applyStepEvents, emptySteps, isStepping, type ProcessStep } from './stepModel'

/**
 * Step (issue 17): the processes stepped in the current pause, for the Lab tree and the details
 * drawer, and the Step action. Fed the same frames, snapshots and replayed events as every other
 * store (frameSinks.ts), so a replay shows the steps of its session too.
 */
export const useStepsStore = defineStore('steps', {
  state: () => ({
    /** Where events are folded (markRaw: not for views). */
    folded: markRaw(emptySteps()),
    // What views read, published from `folded` once per frame.
    steps: {} as Record<string, ProcessStep>,
    names: {} as Record<string, string>,
    version: -1,
    /**
     * A run.step asked of the host whose run.step event has not come yet, by lid (the answer and the
     * event travel apart): the button stays greyed from the press to the step's end.
     */
    asking: {} as Record<string, boolean>,
    /** The host refused a step (or the call failed), by lid: shown under the tree until the next step or resume. */
    errors: {} as Record<string, string>,
  }),
  actions: {
    fold(events: readonly FrameEvent[]) {
      for (const e of events) {
        // A refusal is about this pause: the next one starts clean.
        if (e.kind === 'run.resumed' || e.kind === 'run.start' || e.kind === 'run.end') {
          this.errors = {}
          this.asking = {}
        } else if ((e.kind === 'run.step' || e.kind === 'process.exit') && this.asking[e.lid]) {
          delete this.asking[e.lid]
        }
      }
      applyStepEvents(this.folded, events)
    },
    publish() {
      const folded = this.folded
      if (folded.version === this.version) return
      this.$patch((state) => {
        state.version = folded.version
        state.steps = Object.fromEntries(Object.entries(folded.steps).map(([lid, step]) => [lid, markRaw({ ...step, deeds: step.deeds.slice() })]))
        state.names = { ...folded.names }
      })
    },
    replace(events: readonly FrameEvent[]) {
      this.folded = markRaw(emptySteps())
      this.errors = {}
      this.asking = {}
      applyStepEvents(this.folded, events)
      this.version = -1
      this.publish()
    },
    /** A step of this process is under way, or asked for and not answered yet: no second one now. */
    busy(lid: string): boolean {
      return this.asking[lid] === true || isStepping(this, lid)
    },
    /** Asks the host to let this one process run to its next lab operation (stepAction.ts decides when it may). */
    async ask(lid: string, name: string) {
      if (this.busy(lid)) return
      this.asking[lid] = true
      delete this.errors[lid]
      try {
        const result = await call('run.step', { lid })
        // Stepping: its run.step event ends the asking (it may have come already).
        if (result.stepping) return
        this.errors[lid] = i18n.global.t('lab.step.refused', { name, error: result.refused })
      } catch (error) {
        this.errors[lid] = i18n.global.t('lab.step.refused', { name, error: errorMessage(error) })
      }
      delete this.asking[lid]
    },
  },
})
