import { SIGNALS, type SignalName } from '../../src-shared/contract'
import { MonitorError } from './errors'
import type { SignalGuard } from './types'

/** Signals Windows can honour: Node ends the process (TerminateProcess) for both. */
const WINDOWS_SIGNALS: ReadonlySet<SignalName> = new Set(['SIGTERM', 'SIGKILL'])

/**
 * The checks a UI cannot be trusted to make, before anything is sent. Throws MonitorError 'refused'
 * for pid ≤ 1, a protected pid (the host, its renderer), an ancestor of the host (ending the shell
 * or terminal that runs ProcLab would end ProcLab), a signal the platform lacks.
 */
export function checkSignalTarget(pid: number, signal: SignalName, guard: SignalGuard, platform: NodeJS.Platform = process.platform): void {
  if (!(SIGNALS as readonly string[]).includes(signal)) {
    throw new MonitorError('refused', `unknown signal ${String(signal)}`)
  }
  if (!Number.isSafeInteger(pid)) throw new MonitorError('refused', `${String(pid)} is not a process id`)
  // kill(2) reads 0 and negative pids as process groups (-1: every process we may signal).
  if (pid <= 0) throw new MonitorError('refused', `refusing to signal pid ${pid}: it would reach a whole process group`)
  if (pid === 1) throw new MonitorError('refused', 'refusing to signal pid 1: it is the system init process')
  if (pid === process.pid || guard.protectedPids.has(pid)) {
    throw new MonitorError('refused', `refusing to signal pid ${pid}: it is part of ProcLab itself`)
  }
  if (guard.ancestorPids?.has(pid)) {
    throw new MonitorError('refused', `refusing to signal pid ${pid}: ProcLab runs under it, so it would end ProcLab too`)
  }
  if (platform === 'win32' && !WINDOWS_SIGNALS.has(signal)) {
    // Node would silently turn SIGINT into a hard kill, and has no SIGSTOP/SIGCONT/SIGHUP at all.
    throw new MonitorError('refused', `${signal} does not exist on Windows; use SIGTERM or SIGKILL to end pid ${pid}`)
  }
}

/** kill(2) with the OS's answer turned into a MonitorError: 'not-found' (ESRCH), 'refused' (EPERM), 'failed'. */
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

/**
 * Sends `signal` to `pid` after the safety checks. Throws only MonitorError: 'refused' when we will
 * not (see checkSignalTarget) or the OS says it is another user's process, 'not-found' when there is
 * no such process, 'failed' for anything else the OS says.
 */
export function sendSignal(pid: number, signal: SignalName, guard: SignalGuard, platform: NodeJS.Platform = process.platform): void {
  checkSignalTarget(pid, signal, guard, platform)
  deliverSignal(pid, signal)
}
