import { defineStore } from 'pinia'
import type { SignalName } from '../../src-shared/contract'
import { call, errorMessage } from '../transport'

/** The signals the dialog offers, in the order shown; SIGTERM (the polite one) first and default. */
export const KILL_SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSTOP', 'SIGCONT'] as const satisfies readonly SignalName[]
// Fails to compile if the contract grows a signal the dialog does not offer.
const _everySignalOffered: Exclude<SignalName, (typeof KILL_SIGNALS)[number]> extends never ? true : never = true
void _everySignalOffered

export const SIGNAL_HELP: Record<SignalName, string> = {
  SIGTERM: 'ask it to end (can be caught)',
  SIGKILL: 'end it at once (cannot be caught)',
  SIGINT: 'interrupt, as Ctrl+C does',
  SIGHUP: 'hang up',
  SIGSTOP: 'pause it',
  SIGCONT: 'resume a paused process',
}

export interface KillTarget {
  pid: number
  name: string
}

/** The one "send a signal" dialog, shared by the Lab and System tabs. */
export const useKillStore = defineStore('kill', {
  state: () => ({
    target: null as KillTarget | null,
    signal: 'SIGTERM' as SignalName,
    sending: false,
    error: null as string | null,
  }),
  actions: {
    open(target: KillTarget) {
      this.target = target
      this.signal = 'SIGTERM'
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
      try {
        await call('process.signal', { pid: this.target.pid, signal: this.signal })
        this.close()
        return true
      } catch (error) {
        this.error = `Could not send ${this.signal} to ${this.target.name} (pid ${this.target.pid}): ${errorMessage(error)}`
        return false
      } finally {
        this.sending = false
      }
    },
  },
})
