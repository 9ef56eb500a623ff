import { defineStore } from 'pinia'
import { nextTick } from 'vue'
import { i18n } from '../../shared/i18n'
import type { ProcessDetails, SystemProcess, SystemProcessChanges, SystemSummary } from '../../../src-shared/contract'
import { call, errorMessage } from '../../shared/transport'
import { ProcessHistories, type ProcessHistory } from './systemHistory'
import { orderRows, type LastOrder, type SystemRow } from './systemRows'
import { compareRows, DEFAULT_DIR, type SortDir, type SortKey } from './systemSort'
import { ProcessTable, type TableChange } from './systemTable'

export { compareRows, type ProcessHistory, type SortDir, type SortKey, type SystemRow }

export const REFRESH_CHOICES_MS = [500, 1_000, 2_000, 5_000] as const
/** Samples of history kept per process: two minutes at the default 1 s. */
export const HISTORY_LENGTH = 120

// Not reactive state: up to 10,000 processes and their histories. Deep reactivity over them would
// cost more than the sample itself; `version` and `orderVersion` tell the views when to read again.
const table = new ProcessTable()
const histories = new ProcessHistories(HISTORY_LENGTH)
/** Processes that were in the previous sample and not in this one: drawn faded until the next. */
let vanished: SystemRow[] = []
let pollTimer: ReturnType<typeof setTimeout> | null = null
let detailsRequest = 0
let refreshing = false

/** Fields a filter, a chip or the tree reads: a change in one may reorder or hide rows. */
const TREE_FIELDS = new Set<string>(['ppid'])
const TEXT_FIELDS = new Set<string>(['pid', 'name', 'user', 'command'])

/**
 * The User Timing measure of one sample's application: from the answer's arrival to the DOM patched
 * (store, tree, virtual rows, details). The perf test and `proclab bench` read it with a
 * PerformanceObserver; only the latest is kept in the timeline, so it never grows.
 */
export const APPLY_MEASURE = 'proclab:system-apply'
const APPLY_START = 'proclab:system-apply-start'

export const useSystemStore = defineStore('system', {
  state: () => ({
    /** Processes in the latest sample. */
    count: 0,
    /** Of those, the rows the filter and chips leave on screen (set by the tree, which filters). */
    shown: 0,
    /** Bumped whenever a row changed, came or went: views that draw rows read them again. */
    version: 0,
    /** Bumped when the set of rows, or a field that filters, sorts or nests them, changed. */
    orderVersion: 0,
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
    selected(state): SystemProcess | null {
      void state.version // a dependency: the row object changes when the process does
      return state.selectedPid === null ? null : (table.get(state.selectedPid) ?? null)
    },
    chipsActive: (state) => state.onlyMine || state.onlyLab || state.onlyZombies,
  },
  actions: {
    async refresh() {
      try {
        const since = table.answerId
        const [changes, summary] = await Promise.all([call('monitor.changes', since === null ? {} : { since }), call('monitor.system', {})])
        performance.mark(APPLY_START)
        this.apply(changes, summary)
        await nextTick()
        performance.clearMeasures(APPLY_MEASURE)
        performance.measure(APPLY_MEASURE, APPLY_START)
        performance.clearMarks(APPLY_START)
      } catch (error) {
        // The next refresh asks for the whole table: this copy may have missed an answer.
        table.answerId = null
        this.error = i18n.global.t('system.errors.list', { reason: errorMessage(error) })
      }
    },
    /** One answer of `monitor.changes` into the table; the views redo what it touched. */
    apply(changes: SystemProcessChanges, summary: SystemSummary) {
      const change = table.apply(changes)
      const expired = vanished.length > 0
      vanished = change.vanished.map((p) => ({ ...p, vanished: true as const }))
      if (change.rowsChanged || expired || this.reordersRows(change)) this.orderVersion++
      if (change.touched.length > 0 || change.rowsChanged || expired) this.version++
      this.count = table.size
      this.summary = summary
      this.sampledAt = Date.now()
      this.error = null
      this.recordHistory(change)
      // An ended process has no details to refresh: asking would only earn a not-found each tick.
      if (this.selectedPid !== null && table.get(this.selectedPid)) void this.loadDetails()
    },
    /** Whether changed fields (rows that stayed) can move or hide rows in the current view. */
    reordersRows(change: TableChange): boolean {
      for (const field of change.fields) {
        if (field === this.sortKey || TREE_FIELDS.has(field)) return true
        if (this.filter.trim() !== '' && TEXT_FIELDS.has(field)) return true
        if ((this.onlyMine && field === 'user') || (this.onlyLab && field === 'lab') || (this.onlyZombies && field === 'state')) return true
      }
      return false
    },
    recordHistory(change: TableChange) {
      const touched: SystemProcess[] = []
      for (const pid of change.touched) {
        const p = table.get(pid)
        if (p) touched.push(p)
      }
      histories.record(touched, change.vanished.map((p) => p.pid))
      this.historyVersion++
    },
    historyOf(p: SystemProcess): ProcessHistory | null {
      void this.historyVersion // a dependency for the views that read it
      return histories.of(p)
    },
    /** The process with this pid in the latest sample (a dependency on `version` for the views). */
    processByPid(pid: number): SystemProcess | undefined {
      void this.version
      return table.get(pid)
    },
    /**
     * Every row to consider for drawing, sorted: the latest sample's and those that just vanished.
     * Read `orderVersion` to know when to ask again; `last` (the previous answer) makes it a merge.
     */
    orderedRows(last?: LastOrder): LastOrder {
      const rows = orderRows(table, vanished, this.sortKey, this.sortDir, last)
      return { rows, serial: table.serial, sortKey: this.sortKey, sortDir: this.sortDir }
    },
    /** The row drawn for `pid`: its latest values, or its last ones while it is shown as vanished. */
    rowFor(pid: number, fallback: SystemRow): SystemRow {
      return table.get(pid) ?? fallback
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
