import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { RunSnapshot } from '../../../src-shared/contract'
import type { FrameEvent } from '../../../src-shared/events'
import type { ProcessActivity } from '../../../src-shared/folds/activity'
import { currentLocale, i18n } from '../../shared/i18n'
import { call, errorMessage } from '../../shared/transport'
import { forEachSink } from './frameSinks'
import { applyEvent, emptyRun, resetRun, type LabProcess, type OutputLine, type RunModel, type RunNotice } from './runModel'

export interface JoinState {
  waiting: boolean
  error: string | null
  /** Which join this is: an answer to a join the user stopped waiting for is dropped. */
  attempt?: number
}

/** A scenario, a script path on the host's disk, or a script of the user's lab folder (the editor's). */
export type StartArgs = { scenario: string } | { script: string } | { labScript: string }

export const useRunStore = defineStore('run', {
  state: () => ({
    /** Where events are folded: not reactive, never read by components. */
    folded: markRaw(emptyRun()) as RunModel,
    // What components read: published from `folded` once per frame, never per event.
    runId: null as string | null,
    title: null as string | null,
    source: null as string | null,
    running: false,
    startT: null as number | null,
    result: null as RunModel['result'],
    /** Set while the run is paused (issue 17). */
    paused: null as RunModel['paused'],
    pausedUs: 0,
    /** A pause or resume asked of the host and not answered yet. */
    pausing: false,
    /** Copies of the folded processes (markRaw: replaced whole when anything changes). */
    processes: {} as Record<string, LabProcess>,
    /** What each live process is doing in lab terms, by lid, as of the last publish (markRaw, replaced whole). */
    activities: markRaw({}) as Record<string, ProcessActivity>,
    order: [] as string[],
    notices: [] as RunNotice[],
    /**
     * The folded lines themselves (markRaw: pushed to in place, so watch `linesVersion`, which moves
     * with every new line). Copying 20,000 lines sixty times a second would cost more than drawing.
     */
    lines: markRaw([]) as OutputLine[],
    linesTotal: 0,
    /** Lines of the run no longer kept (the oldest). */
    linesDropped: 0,
    linesVersion: 0,
    /** The folded `version` last published. */
    version: -1,
    /** The last start/stop that failed, in the host's words. */
    actionError: null as string | null,
    starting: false,
    /** Joins the user asked for, by lid: the row shows "waiting…" while one is pending. */
    joins: {} as Record<string, JoinState>,
    selectedLid: null as string | null,
    collapsed: {} as Record<string, boolean>,
    /** What this window last started, for Re-run. */
    lastStart: null as StartArgs | null,
    /** A saved session is on screen (features/sessions/replay.ts): live frames are ignored until back to live. */
    replaying: false,
    /** Bookkeeping (markRaw: not for views): joins asked so far, and frames that arrived while a snapshot was on its way (null when none is). */
    pending: markRaw({ joinAttempts: 0, framesDuringSync: null as FrameEvent[] | null }),
  }),
  getters: {
    processList: (state) => state.order.map((lid) => state.processes[lid]).filter((p) => p !== undefined),
    selected: (state) => (state.selectedLid ? (state.processes[state.selectedLid] ?? null) : null),
    hasRun: (state) => state.runId !== null,
  },
  actions: {
    /** Events from the host's frames: folded now, shown at the next publishAll (frameBatcher.ts). */
    foldFrame(events: FrameEvent[]) {
      // Replay shows another time; mixing in the live run would show neither. Back to live re-syncs.
      if (events.length === 0 || this.replaying) return
      if (this.pending.framesDuringSync) this.pending.framesDuringSync.push(...events)
      this.fold(events)
    },
    /** Folds events after those already folded into this store's model and those fed with the same frames. */
    fold(all: readonly FrameEvent[]) {
      // Events a snapshot already brought (frames can overlap it) are not news to any store.
      const seen = this.folded.lastSeq
      const events = all.length > 0 && all[0]!.seq <= seen ? all.filter((e) => e.seq > seen) : all
      if (events.length === 0) return
      for (const event of events) applyEvent(this.folded, event)
      forEachSink((sink) => sink.fold(events))
    },
    /** What was folded since the last publish, shown: one patch per store, one render. */
    publishAll() {
      this.publish()
      forEachSink((sink) => sink.publish())
    },
    /** Folds and shows at once: a replay's step has no frames to wait for. */
    foldMore(events: readonly FrameEvent[]) {
      this.fold(events)
      this.publishAll()
    },
    /** Copies what changed in the fold to the state components read, in one patch. */
    publish() {
      const folded = this.folded
      // What the user did to the rows of a run means nothing for the next.
      const newRun = folded.runId !== this.runId
      this.$patch((state) => {
        if (folded.version !== state.version) {
          state.version = folded.version
          Object.assign(state, { runId: folded.runId, title: folded.title, source: folded.source, running: folded.running, startT: folded.startT, result: folded.result, paused: folded.paused, pausedUs: folded.pausedUs })
          state.processes = Object.fromEntries(folded.order.map((lid) => [lid, markRaw({ ...folded.processes[lid]! })]))
          state.activities = markRaw(Object.fromEntries(folded.order.flatMap((lid) => {
            const activity = folded.activity.activityOf(lid)
            return activity ? [[lid, activity]] : []
          })))
          state.order = folded.order.slice()
          state.notices = folded.notices.slice()
        }
        if (folded.linesVersion !== state.linesVersion) {
          state.lines = markRaw(folded.lines)
          state.linesTotal = folded.linesTotal
          state.linesDropped = folded.linesDropped
          state.linesVersion = folded.linesVersion
        }
        if (newRun) forgetView(state)
      })
    },
    /** Replay: shows exactly these events, from scratch, the way syncSnapshot shows the host's. */
    showEvents(events: readonly FrameEvent[]) {
      const folded = this.folded
      resetRun(folded)
      for (const event of events) applyEvent(folded, event)
      // Scrubbing within one run keeps the user's selection and folds.
      this.publish()
      forEachSink((sink) => sink.replace(events))
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
      this.pending.framesDuringSync = []
      let snapshot: RunSnapshot
      let later: FrameEvent[]
      try {
        snapshot = await call('run.snapshot', {})
      } finally {
        later = this.pending.framesDuringSync ?? []
        this.pending.framesDuringSync = null
      }
      if (this.replaying) return // a replay began while the snapshot was on its way
      const folded = this.folded
      resetRun(folded)
      for (const event of snapshot.events) applyEvent(folded, event)
      if (snapshot.runId !== null && folded.runId === null) folded.runId = snapshot.runId
      folded.running = snapshot.running
      // Frames and the answer may come over different channels (Electron): anything newer than the
      // snapshot that already arrived is folded back in; seq numbers drop the overlap.
      for (const event of later) applyEvent(folded, event)
      folded.version++
      this.publish()
      const all = [...snapshot.events, ...later]
      forEachSink((sink) => sink.replace(all))
    },
    async start(args: StartArgs) {
      // Running something is a live action: the replay ends first.
      await this.leaveReplay()
      this.starting = true
      this.actionError = null
      this.lastStart = args
      try {
        // The lab prints in the language the UI shows now (a re-run too: it asks again).
        await call('run.start', { ...args, lang: currentLocale() })
      } catch (error) {
        const key = 'scenario' in args ? 'lab.errors.startScenario' : 'lab.errors.startScript'
        const what = 'scenario' in args ? args.scenario : 'labScript' in args ? args.labScript : args.script
        this.actionError = i18n.global.t(key, { what, error: errorMessage(error) })
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
        this.actionError = i18n.global.t('lab.errors.stop', { error: errorMessage(error) })
      }
    },
    /** Pause the world, or let it go on (issue 17): the Pause button and the p key. */
    async togglePause() {
      if (this.replaying || !this.running || this.pausing) return
      this.pausing = true
      this.actionError = null
      const resume = this.paused !== null
      try {
        await call(resume ? 'run.resume' : 'run.pause', {})
      } catch (error) {
        this.actionError = i18n.global.t(resume ? 'lab.errors.resume' : 'lab.errors.pause', { error: errorMessage(error) })
      } finally {
        this.pausing = false
      }
    },
    async join(lid: string) {
      const proc = this.processes[lid]
      // A replayed process is history: its pid may belong to someone else by now.
      if (!proc || this.joins[lid]?.waiting || this.replaying) return
      const attempt = ++this.pending.joinAttempts
      this.joins[lid] = { waiting: true, error: null, attempt }
      try {
        const result = await call('process.join', { pid: proc.pid })
        if (this.joins[lid]?.attempt !== attempt) return
        // The exit event normally lands first; the join's answer covers a frame still in flight.
        const current = this.folded.processes[lid]
        if (current && !current.exited && !result.timedOut) {
          current.exited = true
          current.exitCode = result.exitCode
          this.folded.version++
          this.publish()
        }
        this.joins[lid] = { waiting: false, error: null }
      } catch (error) {
        if (this.joins[lid]?.attempt !== attempt) return
        this.joins[lid] = { waiting: false, error: i18n.global.t('lab.errors.join', { error: errorMessage(error) }) }
      }
    },
    /**
     * Stops waiting for a join: the page forgets it (the host's wait ends by itself with the process,
     * as Python's join(timeout) leaves the child running).
     */
    cancelJoin(lid: string) {
      if (this.joins[lid]?.waiting) this.joins[lid] = { waiting: false, error: null }
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


/** What the user did to the previous run's rows means nothing for a new run. */
function forgetView(state: { joins: Record<string, JoinState>; selectedLid: string | null; collapsed: Record<string, boolean> }): void {
  state.joins = {}
  state.selectedLid = null
  state.collapsed = {}
}
