import { defineStore } from 'pinia'
import type { RunSnapshot } from '../../src-shared/contract'
import type { LabEvent } from '../../src-shared/events'
import { call, errorMessage } from '../transport'
import { useObjectsStore } from './objects'
import { useTimelineStore } from './timeline'
import { applyEvent, emptyRun, resetRun, type RunModel } from './runModel'

export interface JoinState {
  waiting: boolean
  error: string | null
}

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
    /** A saved session is on screen (stores/replay.ts): live frames are ignored until back to live. */
    replaying: false,
  }),
  getters: {
    processList: (state) => state.order.map((lid) => state.processes[lid]).filter((p) => p !== undefined),
    selected: (state) => (state.selectedLid ? (state.processes[state.selectedLid] ?? null) : null),
    hasRun: (state) => state.runId !== null,
  },
  actions: {
    /** One frame, one patch: subscribers and the DOM see the whole frame at once. */
    applyFrame(events: LabEvent[]) {
      // Replay shows another time; mixing in the live run would show neither. Back to live re-syncs.
      if (events.length === 0 || this.replaying) return
      if (framesDuringSync) framesDuringSync.push(...events)
      this.foldMore(events)
    },
    /** Folds events after those already shown, into this store and the ones fed with the same frames. */
    foldMore(events: readonly LabEvent[]) {
      this.$patch((state) => {
        const before = state.runId
        for (const event of events) applyEvent(state as RunModel, event)
        if (state.runId !== before) forgetView(state)
      })
      useObjectsStore().applyFrame(events)
      useTimelineStore().applyFrame(events)
    },
    /** Replay: shows exactly these events, from scratch, the way syncSnapshot shows the host's. */
    showEvents(events: readonly LabEvent[]) {
      this.$patch((state) => {
        const before = state.runId
        resetRun(state as RunModel)
        for (const event of events) applyEvent(state as RunModel, event)
        // Scrubbing within one run keeps the user's selection and folds.
        if (state.runId !== before) forgetView(state)
      })
      useObjectsStore().replace(events)
      useTimelineStore().replace(events)
    },
    enterReplay() {
      this.replaying = true
      this.showEvents([])
    },
    /** Back to the live run: what happened meanwhile comes from the host's snapshot. */
    async leaveReplay() {
      if (!this.replaying) return
      this.replaying = false
      await this.syncSnapshot()
    },
    async syncSnapshot() {
      // A reconnect while replaying must not replace the replay; leaving it syncs again.
      if (this.replaying) return
      framesDuringSync = []
      let snapshot: RunSnapshot
      let later: LabEvent[]
      try {
        snapshot = await call('run.snapshot', {})
      } finally {
        later = framesDuringSync ?? []
        framesDuringSync = null
      }
      if (this.replaying) return // a replay began while the snapshot was on its way
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
    },
    async start(args: { scenario: string } | { script: string }) {
      // Running something is a live action: the replay ends first.
      await this.leaveReplay()
      this.starting = true
      this.actionError = null
      try {
        await call('run.start', args)
      } catch (error) {
        const what = 'scenario' in args ? `scenario “${args.scenario}”` : `script ${args.script}`
        this.actionError = `Could not start the ${what}: ${errorMessage(error)}`
      } finally {
        this.starting = false
      }
    },
    async stop() {
      if (this.replaying) return
      this.actionError = null
      try {
        await call('run.stop', {})
      } catch (error) {
        this.actionError = `Could not stop the run: ${errorMessage(error)}`
      }
    },
    async join(lid: string) {
      const proc = this.processes[lid]
      // A replayed process is history: its pid may belong to someone else by now.
      if (!proc || this.joins[lid]?.waiting || this.replaying) return
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
        this.joins[lid] = { waiting: false, error: `Join failed: ${errorMessage(error)}` }
      }
    },
    setCollapsed(lid: string, collapsed: boolean) {
      if (collapsed) this.collapsed[lid] = true
      else delete this.collapsed[lid]
    },
  },
})

/** Frame events seen while a snapshot request is in flight; null when none is. */
let framesDuringSync: LabEvent[] | null = null

/** What the user did to the previous run's rows means nothing for a new run. */
function forgetView(state: { joins: Record<string, JoinState>; selectedLid: string | null; collapsed: Record<string, boolean> }): void {
  state.joins = {}
  state.selectedLid = null
  state.collapsed = {}
}
