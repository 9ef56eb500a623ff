import { defineStore } from 'pinia'
import type { SystemProcess } from '../../src-shared/contract'
import { call, errorMessage } from '../transport'

const POLL_MS = 1_000

export const useSystemStore = defineStore('system', {
  state: () => ({
    processes: [] as SystemProcess[],
    error: null as string | null,
    /** Wall time of the last good sample, for "updated …" and tests. */
    sampledAt: null as number | null,
    filter: '',
    collapsed: {} as Record<string, boolean>,
    selectedPid: null as number | null,
    polling: false,
  }),
  getters: {
    selected: (state) => state.processes.find((p) => p.pid === state.selectedPid) ?? null,
  },
  actions: {
    async refresh() {
      try {
        this.processes = await call('monitor.list', {})
        this.sampledAt = Date.now()
        this.error = null
      } catch (error) {
        this.error = `Could not list the machine's processes: ${errorMessage(error)}`
      }
    },
    /**
     * Polls while someone is looking. The next poll is scheduled after the previous answer, so a slow
     * host never has requests piling up.
     */
    startPolling() {
      if (this.polling) return
      this.polling = true
      const tick = async () => {
        if (!this.polling) return
        if (document.visibilityState === 'visible') await this.refresh()
        if (this.polling) pollTimer = setTimeout(tick, POLL_MS)
      }
      void tick()
    },
    stopPolling() {
      this.polling = false
      if (pollTimer) clearTimeout(pollTimer)
      pollTimer = null
    },
    setCollapsed(pid: number, collapsed: boolean) {
      if (collapsed) this.collapsed[pid] = true
      else delete this.collapsed[pid]
    },
  },
})

let pollTimer: ReturnType<typeof setTimeout> | null = null
