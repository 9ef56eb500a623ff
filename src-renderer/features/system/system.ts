import { defineStore } from 'pinia'
import { computed, nextTick, onScopeDispose, ref } from 'vue'
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

/** No samples while the window is minimised or its tab is in the background: nobody sees them. No page at all (a store test under Node) counts as seen. */
function pageVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState === 'visible'
}

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

/**
 * The System tab's process table, its filters and its polling. A setup store: the table, the
 * histories and the poll timer live in it, so each Pinia has its own and `$dispose` stops the polling.
 */
export const useSystemStore = defineStore('system', () => {
  // Not reactive state: up to 10,000 processes and their histories. Deep reactivity over them would
  // cost more than the sample itself; `version` and `orderVersion` tell the views when to read again.
  const table = new ProcessTable()
  const histories = new ProcessHistories(HISTORY_LENGTH)
  /** Processes that were in the previous sample and not in this one: drawn faded until the next. */
  let vanished: SystemRow[] = []
  let detailsRequest = 0
  let refreshing = false

  /** Processes in the latest sample. */
  const count = ref(0)
  /** Of those, the rows the filter and chips leave on screen (set by the tree, which filters). */
  const shown = ref(0)
  /** Bumped whenever a row changed, came or went: views that draw rows read them again. */
  const version = ref(0)
  /** Bumped when the set of rows, or a field that filters, sorts or nests them, changed. */
  const orderVersion = ref(0)
  const summary = ref<SystemSummary | null>(null)
  const error = ref<string | null>(null)
  /** Wall time of the last good sample, for "updated …" and tests. */
  const sampledAt = ref<number | null>(null)
  const filter = ref('')
  const onlyMine = ref(false)
  const onlyLab = ref(false)
  const onlyZombies = ref(false)
  const view = ref<'tree' | 'flat'>('tree')
  const sortKey = ref<SortKey>('pid')
  const sortDir = ref<SortDir>('asc')
  const collapsed = ref<Record<string, boolean>>({})
  const selectedPid = ref<number | null>(null)
  const details = ref<ProcessDetails | null>(null)
  const detailsError = ref<string | null>(null)
  const intervalMs = ref<number>(1_000)
  const paused = ref(false)
  const polling = ref(false)
  const historyVersion = ref(0)

  const selected = computed((): SystemProcess | null => {
    void version.value // a dependency: the row object changes when the process does
    return selectedPid.value === null ? null : (table.get(selectedPid.value) ?? null)
  })
  const chipsActive = computed(() => onlyMine.value || onlyLab.value || onlyZombies.value)

  async function refresh() {
    try {
      const since = table.answerId
      const [changes, sample] = await Promise.all([call('monitor.changes', since === null ? {} : { since }), call('monitor.system', {})])
      performance.mark(APPLY_START)
      apply(changes, sample)
      await nextTick()
      performance.clearMeasures(APPLY_MEASURE)
      performance.measure(APPLY_MEASURE, APPLY_START)
      performance.clearMarks(APPLY_START)
    } catch (e) {
      // The next refresh asks for the whole table: this copy may have missed an answer.
      table.answerId = null
      error.value = i18n.global.t('system.errors.list', { reason: errorMessage(e) })
    }
  }
  /** One answer of `monitor.changes` into the table; the views redo what it touched. */
  function apply(changes: SystemProcessChanges, sample: SystemSummary) {
    const change = table.apply(changes)
    const expired = vanished.length > 0
    vanished = change.vanished.map((p) => ({ ...p, vanished: true as const }))
    if (change.rowsChanged || expired || reordersRows(change)) orderVersion.value++
    if (change.touched.length > 0 || change.rowsChanged || expired) version.value++
    count.value = table.size
    summary.value = sample
    sampledAt.value = Date.now()
    error.value = null
    recordHistory(change)
    // An ended process has no details to refresh: asking would only earn a not-found each tick.
    if (selectedPid.value !== null && table.get(selectedPid.value)) void loadDetails()
  }
  /** Whether changed fields (rows that stayed) can move or hide rows in the current view. */
  function reordersRows(change: TableChange): boolean {
    for (const field of change.fields) {
      if (field === sortKey.value || TREE_FIELDS.has(field)) return true
      if (filter.value.trim() !== '' && TEXT_FIELDS.has(field)) return true
      if ((onlyMine.value && field === 'user') || (onlyLab.value && field === 'lab') || (onlyZombies.value && field === 'state')) return true
    }
    return false
  }
  function recordHistory(change: TableChange) {
    const touched: SystemProcess[] = []
    for (const pid of change.touched) {
      const p = table.get(pid)
      if (p) touched.push(p)
    }
    histories.record(touched, change.vanished.map((p) => p.pid))
    historyVersion.value++
  }
  function historyOf(p: SystemProcess): ProcessHistory | null {
    void historyVersion.value // a dependency for the views that read it
    return histories.of(p)
  }
  /** The process with this pid in the latest sample (a dependency on `version` for the views). */
  function processByPid(pid: number): SystemProcess | undefined {
    void version.value
    return table.get(pid)
  }
  /**
   * Every row to consider for drawing, sorted: the latest sample's and those that just vanished.
   * Read `orderVersion` to know when to ask again; `last` (the previous answer) makes it a merge.
   */
  function orderedRows(last?: LastOrder): LastOrder {
    const rows = orderRows(table, vanished, sortKey.value, sortDir.value, last)
    return { rows, serial: table.serial, sortKey: sortKey.value, sortDir: sortDir.value }
  }
  /** The row drawn for `pid`: its latest values, or its last ones while it is shown as vanished. */
  function rowFor(pid: number, fallback: SystemRow): SystemRow {
    return table.get(pid) ?? fallback
  }
  /** cwd, environment, open files and children of the selected process; stale answers (another pid by now) are dropped. */
  async function loadDetails() {
    const pid = selectedPid.value
    const request = ++detailsRequest
    if (pid === null) {
      details.value = null
      detailsError.value = null
      return
    }
    try {
      const answer = await call('monitor.details', { pid })
      if (request !== detailsRequest) return
      details.value = answer
      detailsError.value = null
    } catch (e) {
      if (request !== detailsRequest) return
      details.value = null
      detailsError.value = errorMessage(e)
    }
  }
  function select(pid: number) {
    if (selectedPid.value === pid) return
    selectedPid.value = pid
    // The old process's details must not show under the new one while the answer is on its way.
    details.value = null
    detailsError.value = null
    void loadDetails()
  }
  function sortBy(key: SortKey) {
    if (sortKey.value === key) sortDir.value = sortDir.value === 'asc' ? 'desc' : 'asc'
    else {
      sortKey.value = key
      sortDir.value = DEFAULT_DIR[key]
    }
  }

  let pollTimer: ReturnType<typeof setTimeout> | null = null
  async function pollOnce() {
    pollTimer = null
    if (!polling.value) return
    // A tick that lands while a refresh is still out (the interval was just changed) skips its turn:
    // two samples answered out of order would make rows vanish and come back.
    if (!paused.value && !refreshing && pageVisible()) {
      refreshing = true
      try {
        await refresh()
      } finally {
        refreshing = false
      }
    }
    if (polling.value && pollTimer === null) scheduleTick(intervalMs.value)
  }
  /**
   * Polls while someone is looking. The next poll is scheduled after the previous answer, so a slow
   * host never has requests piling up.
   */
  function startPolling() {
    if (polling.value) return
    polling.value = true
    scheduleTick(0)
  }
  /** The next poll in `delayMs`, instead of any already scheduled. */
  function scheduleTick(delayMs: number) {
    if (pollTimer) clearTimeout(pollTimer)
    pollTimer = setTimeout(() => void pollOnce(), delayMs)
  }
  function stopPolling() {
    polling.value = false
    if (pollTimer) clearTimeout(pollTimer)
    pollTimer = null
  }
  // The timer is the store's: disposing of the store (or its Pinia) ends the polling.
  onScopeDispose(stopPolling)
  function setInterval(ms: number) {
    intervalMs.value = ms
    // Going from 5 s to 0.5 s should not wait out the old 5 s.
    if (polling.value) scheduleTick(ms)
  }
  function setPaused(value: boolean) {
    paused.value = value
    if (!value && polling.value) scheduleTick(0)
  }
  function setCollapsed(pid: number, value: boolean) {
    if (value) collapsed.value[pid] = true
    else delete collapsed.value[pid]
  }

  return {
    count,
    shown,
    version,
    orderVersion,
    summary,
    error,
    sampledAt,
    filter,
    onlyMine,
    onlyLab,
    onlyZombies,
    view,
    sortKey,
    sortDir,
    collapsed,
    selectedPid,
    details,
    detailsError,
    intervalMs,
    paused,
    polling,
    historyVersion,
    selected,
    chipsActive,
    refresh,
    apply,
    reordersRows,
    recordHistory,
    historyOf,
    processByPid,
    orderedRows,
    rowFor,
    loadDetails,
    select,
    sortBy,
    startPolling,
    scheduleTick,
    stopPolling,
    setInterval,
    setPaused,
    setCollapsed,
  }
})
