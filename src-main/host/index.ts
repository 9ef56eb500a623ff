import { HostService } from './host'
import type { Host, HostOptions } from './types'

export type { Host, HostOptions, Unsubscribe } from './types'
export { HostError } from './errors'

export function createHost(options: HostOptions = {}): Promise<Host & { killAllNow(): void; readonly exportsDir: string }> {
  return HostService.create(options)
}

/**
 * Makes sure no lab process outlives this host process: on exit (synchronously), and on
 * SIGINT/SIGTERM/SIGHUP (ends the runs, then exits with the conventional 128 + n).
 */
export function endLabWithHost(host: Host & { killAllNow(): void }): void {
  process.once('exit', () => host.killAllNow())
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.once(signal, () => {
      const force = setTimeout(() => process.exit(128 + number), 3000)
      void host.dispose().finally(() => {
        clearTimeout(force)
        process.exit(128 + number)
      })
    })
  }
}
