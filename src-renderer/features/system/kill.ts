import { defineStore } from 'pinia'
import type { SignalName } from '../../../src-shared/contract'
import { i18n } from '../../shared/i18n'
import { call, errorMessage } from '../../shared/transport'
import { useConnectionStore } from '../lab/connection'
import { offeredSignals, onlyEnds } from './signals'

/** How many refused or failed pids of a tree the dialog names before "and N more". */
const LISTED_FAILURES = 5

export interface KillTarget {
  pid: number
  name: string
}

/** The one "send a signal" dialog, shared by the Lab and System tabs. */
export const useKillStore = defineStore('kill', {
  state: () => ({
    target: null as KillTarget | null,
    signal: 'SIGTERM' as SignalName,
    /** Kill whole tree: the process and every descendant (see the host's process.signal). */
    tree: false,
    sending: false,
    error: null as string | null,
  }),
  getters: {
    /** What the dialog offers: the signals the host's OS has (Windows: only SIGTERM and SIGKILL). */
    offered: (): SignalName[] => offeredSignals(useConnectionStore().hello?.signals),
    /** The OS can only end processes (Windows): the help says so instead of "can be caught" and "paused first". */
    onlyEnds(): boolean {
      return onlyEnds(this.offered)
    },
  },
  actions: {
    open(target: KillTarget) {
      this.target = target
      this.signal = 'SIGTERM'
      this.tree = false
      this.error = null
    },
    close() {
      this.target = null
      this.error = null
    },
    /** Sends the chosen signal; closes on success, keeps the dialog open with the reason on failure. */
    async confirm(): Promise<boolean> {
      if (!this.target) return false
      this.sending = true
      this.error = null
      const { t } = i18n.global
      try {
        const result = await call('process.signal', { pid: this.target.pid, signal: this.signal, ...(this.tree ? { tree: true } : {}) })
        // A process that ended by itself meanwhile is not a failure: gone is what was asked for.
        const failed = (result.tree ?? []).filter((o) => !o.ok && o.code !== 'not-found')
        if (failed.length > 0) {
          // Some of the tree was reached: say which were not and why, and keep the dialog open.
          const listed = failed.slice(0, LISTED_FAILURES).map((o) => o.error ?? `pid ${o.pid}`)
          if (failed.length > LISTED_FAILURES) listed.push(`+${failed.length - LISTED_FAILURES}`)
          this.error = t('system.kill.partial', { signal: this.signal, ok: result.tree!.length - failed.length, total: result.tree!.length, list: listed.join('; ') })
          return false
        }
        this.close()
        return true
      } catch (error) {
        this.error = t('system.kill.error', { signal: this.signal, name: this.target.name, pid: this.target.pid, reason: errorMessage(error) })
        return false
      } finally {
        this.sending = false
      }
    },
  },
})
