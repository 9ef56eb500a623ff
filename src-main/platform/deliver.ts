// One signal to one process, on every OS: Node's process.kill is kill(2) on POSIX and, on Windows,
// TerminateProcess for the signals that end a process (and 0 for "does it exist").
import type { SignalName } from '../../src-shared/contract'
import { MonitorError } from './errors'

/** process.kill with the OS's answer turned into a MonitorError: 'not-found' (ESRCH), 'refused' (EPERM), 'failed'. */
export function deliverSignal(pid: number, signal: SignalName): void {
  try {
    process.kill(pid, signal)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code
    if (code === 'ESRCH') throw new MonitorError('not-found', `no process ${pid}`)
    if (code === 'EPERM') throw new MonitorError('refused', `not allowed to signal pid ${pid} (owned by another user)`)
    const detail = err instanceof Error ? err.message : String(err)
    throw new MonitorError('failed', `could not send ${signal} to pid ${pid}: ${detail}`)
  }
}

/** A signal to a process (or, negative, a process group) that may be gone already: that is no failure. */
export function signalIfThere(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // Already gone.
  }
}

/** A process (or, for a negative number, a process group) exists, zombies included. */
export function exists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
