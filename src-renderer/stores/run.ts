import { defineStore } from 'pinia'
import type { RunSnapshot } from '../../src-shared/contract'
import type { LabEvent } from '../../src-shared/events'
import { i18n } from '../i18n'
import { call, errorMessage } from '../transport'
import { useProcessEventsStore } from './processEvents'
import { useObjectsStore } from './objects'
import { useTimelineStore } from './timeline'
import { applyEvent, emptyRun, resetRun, type RunModel } from './runModel'

export interface JoinState {
  waiting: boolean
  error: string | null
}

export type StartArgs = { scenario: string } | { script: string }

export const useRunStore = defineStore('run', {
  state: () => ({
    ...emptyRun(),
    /** The last start/stop that failed, in the host's words. */
    actionError: null as string | null,
    starting: false,
    /** Joins the user asked for, by lid: the row shows "waiting…" while one is pending. */
    joins: {} as Record<string, JoinState>,
    selectedLid: null as string | null,
    collapsed: {} as Record<string, boolean>,
    /** What this window last started, for Re-run. */
    lastStart: null as StartArgs | null,
  }),
  getters: {
    processList: (state) => state.order.map((lid) => state.processes[lid]).filter((p) => p !== undefined),
    selected: (state) => (state.selectedLid ? (state.processes[state.selectedLid] ?? null) : null),
    hasRun: (state) => state.runId !== null,
  },
  actions: {
    /** One frame, one patch: subscribers and the DOM see the whole frame at once. */
    applyFrame(events: LabEvent[]) {
      if (events.length === 0) return
      if (framesDuringSync) framesDuringSync.push(...events)
      this.$patch((state) => {
        const before = state.runId
        for (const event of events) applyEvent(state as RunModel, event)
        if (state.runId !== before) forgetView(state)
      })
      useObjectsStore().applyFrame(events)
      useTimelineStore().applyFrame(events)
      useProcessEventsStore().applyFrame(events)
    },
    async syncSnapshot() {
      framesDuringSync = []
      let snapshot: RunSnapshot
      let later: LabEvent[]
      try {
        snapshot = await call('run.snapshot', {})
      } finally {
        later = framesDuringSync ?? []
        framesDuringSync = null
      }
      this.$patch((state) => {
        const before = state.runId
        resetRun(state as RunModel)
        for (const event of snapshot.events) applyEvent(state as RunModel, event)
        if (snapshot.runId !== null && state.runId === null) state.runId = snapshot.runId
        state.running = snapshot.running
        // Frames and the answer may come over different channels (Electron): anything newer than the
        // snapshot that already arrived is folded back in; seq numbers drop the overlap.
        for (const event of later) applyEvent(state as RunModel, event)
        if (state.runId !== before) forgetView(state)
      })
      const all = [...snapshot.events, ...later]
      useObjectsStore().replace(all)
      useTimelineStore().replace(all)
      useProcessEventsStore().replace(all)
    },
    async start(args: StartArgs) {
      this.starting = true
      this.actionError = null
      this.lastStart = args
      try {
        await call('run.start', args)
      } catch (error) {
        const key = 'scenario' in args ? 'lab.errors.startScenario' : 'lab.errors.startScript'
        const what = 'scenario' in args ? args.scenario : args.script
        this.actionError = i18n.global.t(key, { what, error: errorMessage(error) })
      } finally {
        this.starting = false
      }
    },
    async stop() {
      this.actionError = null
      try {
        await call('run.stop', {})
      } catch (error) {
        this.actionError = i18n.global.t('lab.errors.stop', { error: errorMessage(error) })
      }
    },
    async join(lid: string) {
      const proc = this.processes[lid]
      if (!proc || this.joins[lid]?.waiting) return
      this.joins[lid] = { waiting: true, error: null }
      try {
        const result = await call('process.join', { pid: proc.pid })
        // The exit event normally lands first; the join's answer covers a frame still in flight.
        const current = this.processes[lid]
        if (current && !current.exited && !result.timedOut) {
          current.exited = true
          current.exitCode = result.exitCode
        }
        this.joins[lid] = { waiting: false, error: null }
      } catch (error) {
        this.joins[lid] = { waiting: false, error: i18n.global.t('lab.errors.join', { error: errorMessage(error) }) }
      }
    },
    /** The same scenario or script again; a live run is stopped first (the host runs one at a time). */
    async rerun(args: StartArgs) {
      if (this.running) {
        await this.stop()
        if (this.actionError) return
        await untilStopped(this)
      }
      await this.start(args)
    },
    setCollapsed(lid: string, collapsed: boolean) {
      if (collapsed) this.collapsed[lid] = true
      else delete this.collapsed[lid]
    },
  },
})

/** Resolves once the run's end arrives (or after a while: the start then reports what is wrong). */
function untilStopped(store: { running: boolean; $subscribe: (cb: () => void) => () => void }): Promise<void> {
  return new Promise((resolve) => {
    if (!store.running) return resolve()
    const timer = setTimeout(done, 10_000)
    const unsubscribe = store.$subscribe(() => {
      if (!store.running) done()
    })
    function done() {
      clearTimeout(timer)
      unsubscribe()
      resolve()
    }
  })
}

/** Frame events seen while a snapshot request is in flight; null when none is. */
let framesDuringSync: LabEvent[] | null = null

/** What the user did to the previous run's rows means nothing for a new run. */
function forgetView(state: { joins: Record<string, JoinState>; selectedLid: string | null; collapsed: Record<string, boolean> }): void {
  state.joins = {}
  state.selectedLid = null
  state.collapsed = {}
}
