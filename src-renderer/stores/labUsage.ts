import { defineStore } from 'pinia'
import { call, errorMessage } from '../transport'

/** How often live lab processes are sampled: CPU and memory move slowly enough for this. */
export const USAGE_INTERVAL_MS = 2_000

export interface ProcessUsage {
  /** % of one core since the host's previous sample. */
  cpu: number
  /** Resident memory, bytes. */
  rss: number
  command: string
}

let timer: ReturnType<typeof setTimeout> | null = null

/**
 * CPU and memory of the run's live processes, from the monitor's own sampling (`monitor.list`,
 * matched by pid). Polled only while someone looks: a run is live and the Lab tab is on screen.
 */
export const useLabUsageStore = defineStore('labUsage', {
  state: () => ({
    byPid: {} as Record<number, ProcessUsage>,
    error: null as string | null,
    polling: false,
  }),
  actions: {
    async sample() {
      try {
        const list = await call('monitor.list', {})
        const next: Record<number, ProcessUsage> = {}
        for (const p of list) if (p.lab) next[p.pid] = { cpu: p.cpu, rss: p.rss, command: p.command }
        // Merged, not replaced: an exited process keeps its last command line for the details drawer.
        this.byPid = { ...this.byPid, ...next }
        this.error = null
      } catch (error) {
        this.error = errorMessage(error)
      }
    },
    start() {
      if (this.polling) return
      this.polling = true
      // One request at a time: the next waits for the answer, so a slow host is never flooded.
      const tick = async () => {
        await this.sample()
        if (this.polling) timer = setTimeout(() => void tick(), USAGE_INTERVAL_MS)
      }
      void tick()
    },
    stop() {
      this.polling = false
      if (timer) clearTimeout(timer)
      timer = null
    },
  },
})
