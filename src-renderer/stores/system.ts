import { defineStore } from 'pinia'
import { markRaw, nextTick } from 'vue'
import { i18n } from '../i18n'
import type { ProcessDetails, SystemProcess, SystemSummary } from '../../src-shared/contract'
import { call, errorMessage } from '../transport'
import { compareRows, DEFAULT_DIR, type SortDir, type SortKey } from './systemSort'

export { compareRows, type SortDir, type SortKey }

export const REFRESH_CHOICES_MS = [500, 1_000, 2_000, 5_000] as const
/** Samples of history kept per process: two minutes at the default 1 s. */
export const HISTORY_LENGTH = 120

/** A row as the views draw it: a process of the latest sample, or one that just vanished (shown faded for one refresh). */
export type SystemRow = SystemProcess & { vanished?: true }

export interface ProcessHistory {
  cpu: number[]
  mem: number[]
}

/** History is keyed by pid and start time, so a reused pid starts a fresh line. */
function historyKey(p: SystemProcess): string {
  return `${p.pid}:${p.startedAt ?? ''}`
}

// Not reactive state: up to 120 × 2 numbers for every process, replaced each sample. Deep reactivity
// over a quarter million numbers would cost more than the sample itself; `historyVersion` tells
// the views when to read it again.
const histories = new Map<string, ProcessHistory>()
let pollTimer: ReturnType<typeof setTimeout> | null = null
let detailsRequest = 0
let refreshing = false

/**
 * The User Timing measure of one sample's application: from the answer's arrival to the DOM patched
 * (store, tree, virtual rows, details). The perf test and `proclab bench` read it with a
 * PerformanceObserver; only the latest is kept in the timeline, so it never grows.
 */
export const APPLY_MEASURE = 'proclab:system-apply'
const APPLY_START = 'proclab:system-apply-start'

export const useSystemStore = defineStore('system', {
  state: () => ({
    processes: [] as SystemProcess[],
    /** Processes that were in the previous sample and not in this one: drawn faded until the next. */
    vanished: [] as SystemProcess[],
    summary: null as SystemSummary | null,
    error: null as string | null,
    /** Wall time of the last good sample, for "updated …" and tests. */
    sampledAt: null as number | null,
    filter: '',
    onlyMine: false,
    onlyLab: false,
    onlyZombies: false,
    view: 'tree' as 'tree' | 'flat',
    sortKey: 'pid' as SortKey,
    sortDir: 'asc' as SortDir,
    collapsed: {} as Record<string, boolean>,
    selectedPid: null as number | null,
    details: null as ProcessDetails | null,
    detailsError: null as string | null,
    intervalMs: 1_000 as number,
    paused: false,
    polling: false,
    historyVersion: 0,
  }),
  getters: {
    selected: (state) => state.processes.find((p) => p.pid === state.selectedPid) ?? null,
    chipsActive: (state) => state.onlyMine || state.onlyLab || state.onlyZombies,
  },
  actions: {
    async refresh() {
      try {
        const [processes, summary] = await Promise.all([call('monitor.list', {}), call('monitor.system', {})])
        performance.mark(APPLY_START)
        this.apply(processes, summary)
        await nextTick()
        performance.clearMeasures(APPLY_MEASURE)
        performance.measure(APPLY_MEASURE, APPLY_START)
        performance.clearMarks(APPLY_START)
      } catch (error) {
        this.error = i18n.global.t('system.errors.list', { reason: errorMessage(error) })
      }
    },
    /**
     * One sample into the store. The rows are marked raw: with 10,000 processes, deep reactivity
     * (a proxy per row, a dependency per field read while sorting) cost more than everything else
     * together; a sample replaces the whole array, which is what the views react to.
     */
    apply(processes: SystemProcess[], summary: SystemSummary) {
      const now = new Set<number>()
      for (const p of processes) now.add(p.pid)
      this.vanished = markRaw(this.processes.filter((p) => !now.has(p.pid)))
      this.processes = markRaw(processes)
      this.summary = summary
      this.sampledAt = Date.now()
      this.error = null
      this.recordHistory(processes)
      // An ended process has no details to refresh: asking would only earn a not-found each tick.
      if (this.selectedPid !== null && now.has(this.selectedPid)) void this.loadDetails()
    },
    recordHistory(processes: SystemProcess[]) {
      const seen = new Set<string>()
      for (const p of processes) {
        const key = historyKey(p)
        seen.add(key)
        let h = histories.get(key)
        if (!h) histories.set(key, (h = { cpu: [], mem: [] }))
        h.cpu.push(p.cpu)
        h.mem.push(p.memPercent)
        if (h.cpu.length > HISTORY_LENGTH) h.cpu.splice(0, h.cpu.length - HISTORY_LENGTH)
        if (h.mem.length > HISTORY_LENGTH) h.mem.splice(0, h.mem.length - HISTORY_LENGTH)
      }
      // Bounded by the processes alive now: an ended process's history goes with it.
      for (const key of histories.keys()) if (!seen.has(key)) histories.delete(key)
      this.historyVersion++
    },
    historyOf(p: SystemProcess): ProcessHistory | null {
      void this.historyVersion // a dependency for the views that read it
      return histories.get(historyKey(p)) ?? null
    },
    /** cwd, environment, open files and children of the selected process; stale answers (another pid by now) are dropped. */
    async loadDetails() {
      const pid = this.selectedPid
      const request = ++detailsRequest
      if (pid === null) {
        this.details = null
        this.detailsError = null
        return
      }
      try {
        const details = await call('monitor.details', { pid })
        if (request !== detailsRequest) return
        this.details = details
        this.detailsError = null
      } catch (error) {
        if (request !== detailsRequest) return
        this.details = null
        this.detailsError = errorMessage(error)
      }
    },
    select(pid: number) {
      if (this.selectedPid === pid) return
      this.selectedPid = pid
      // The old process's details must not show under the new one while the answer is on its way.
      this.details = null
      this.detailsError = null
      void this.loadDetails()
    },
    sortBy(key: SortKey) {
      if (this.sortKey === key) this.sortDir = this.sortDir === 'asc' ? 'desc' : 'asc'
      else {
        this.sortKey = key
        this.sortDir = DEFAULT_DIR[key]
      }
    },
    /**
     * Polls while someone is looking. The next poll is scheduled after the previous answer, so a slow
     * host never has requests piling up.
     */
    startPolling() {
      if (this.polling) return
      this.polling = true
      this.scheduleTick(0)
    },
    scheduleTick(delayMs: number) {
      if (pollTimer) clearTimeout(pollTimer)
      pollTimer = setTimeout(async () => {
        pollTimer = null
        if (!this.polling) return
        // A tick that lands while a refresh is still out (the interval was just changed) skips its turn:
        // two samples answered out of order would make rows vanish and come back.
        if (!this.paused && !refreshing && document.visibilityState === 'visible') {
          refreshing = true
          try {
            await this.refresh()
          } finally {
            refreshing = false
          }
        }
        if (this.polling && pollTimer === null) this.scheduleTick(this.intervalMs)
      }, delayMs)
    },
    stopPolling() {
      this.polling = false
      if (pollTimer) clearTimeout(pollTimer)
      pollTimer = null
    },
    setInterval(ms: number) {
      this.intervalMs = ms
      // Going from 5 s to 0.5 s should not wait out the old 5 s.
      if (this.polling) this.scheduleTick(ms)
    },
    setPaused(paused: boolean) {
      this.paused = paused
      if (!paused && this.polling) this.scheduleTick(0)
    },
    setCollapsed(pid: number, collapsed: boolean) {
      if (collapsed) this.collapsed[pid] = true
      else delete this.collapsed[pid]
    },
  },
})
