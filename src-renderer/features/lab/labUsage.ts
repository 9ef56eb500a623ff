import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { EventOf, FrameEvent } from '../../../src-shared/events'
import { call, errorMessage } from '../../shared/transport'

export interface ProcessUsage {
  /** % of one core over the host's last sampling interval. */
  cpu: number
  /** Resident memory, bytes. */
  rss: number
}

type Sample = EventOf<'monitor.sample'>['processes']

/**
 * CPU and memory of the run's live processes, from the `monitor.sample` events the host records once
 * a second while a run is live (only the lab's processes are read, not the whole machine), so a
 * replayed session shows them too. The command line is asked for once, when a process's details open.
 */
export const useLabUsageStore = defineStore('labUsage', {
  state: () => ({
    byPid: {} as Record<number, ProcessUsage>,
    commands: {} as Record<number, string>,
    error: null as string | null,
    /** The newest sample folded and not yet shown (markRaw: never read by components). */
    pending: null as Sample | null,
  }),
  actions: {
    fold(events: readonly FrameEvent[]) {
      for (const event of events) {
        if (event.kind === 'run.start') {
          this.pending = null
          this.byPid = {}
        } else if (event.kind === 'monitor.sample') this.pending = markRaw(event.processes)
      }
    },
    publish() {
      if (!this.pending) return
      // Merged, not replaced: a process missing from one sample (it just ended) keeps its last values.
      const next = { ...this.byPid }
      for (const p of this.pending) next[p.pid] = { cpu: p.cpu, rss: p.rss }
      this.byPid = next
      this.pending = null
    },
    replace(events: readonly FrameEvent[]) {
      this.byPid = {}
      this.pending = null
      this.fold(events)
      this.publish()
    },
    /** The command line of a lab process, from the monitor's table (one request, when asked). */
    async loadCommand(pid: number) {
      if (this.commands[pid] !== undefined) return
      try {
        const found = (await call('monitor.list', {})).find((p) => p.pid === pid)
        if (found) this.commands = { ...this.commands, [pid]: found.command }
        this.error = null
      } catch (error) {
        this.error = errorMessage(error)
      }
    },
  },
})
