import { SIGNALS, type SignalName } from '../../src-shared/contract'
import { MonitorError } from './errors'
import { threadGroupOf } from './thread-group'
import type { SignalGuard } from './types'

/** Signals Windows can honour: Node ends the process (TerminateProcess) for both. */
const WINDOWS_SIGNALS: ReadonlySet<SignalName> = new Set(['SIGTERM', 'SIGKILL'])

/**
 * The checks a UI cannot be trusted to make, before anything is sent. Throws MonitorError 'refused'
 * for pid ≤ 1, a protected pid (the host, its renderer), an ancestor of the host (ending the shell
 * or terminal that runs ProcLab would end ProcLab), a signal the platform lacks, and on Linux for the
 * id of a thread (kill(2) would signal the thread's whole process: see thread-group.ts); 'not-found'
 * when Linux has no task of that id.
 */
export function checkSignalTarget(pid: number, signal: SignalName, guard: SignalGuard, platform: NodeJS.Platform = process.platform): void {
  if (!(SIGNALS as readonly string[]).includes(signal)) {
    throw new MonitorError('refused', `unknown signal ${String(signal)}`)
  }
  if (!Number.isSafeInteger(pid)) throw new MonitorError('refused', `${String(pid)} is not a process id`)
  // kill(2) reads 0 and negative pids as process groups (-1: every process we may signal).
  if (pid <= 0) throw new MonitorError('refused', `refusing to signal pid ${pid}: it would reach a whole process group`)
  const protection = whyProtected(pid, guard)
  if (protection !== null) throw new MonitorError('refused', `refusing to signal pid ${pid}: ${protection}`)
  if (platform === 'win32' && !WINDOWS_SIGNALS.has(signal)) {
    // Node would silently turn SIGINT into a hard kill, and has no SIGSTOP/SIGCONT/SIGHUP at all.
    throw new MonitorError('refused', `${signal} does not exist on Windows; use SIGTERM or SIGKILL to end pid ${pid}`)
  }
  if (platform === 'linux') refuseThread(pid, guard)
}

/** Why this process must never be signalled from the UI, or null. */
function whyProtected(pid: number, guard: SignalGuard): string | null {
  if (pid === 1) return 'it is the system init process'
  if (pid === process.pid || guard.protectedPids.has(pid)) return 'it is part of ProcLab itself'
  if (guard.ancestorPids?.has(pid)) return 'ProcLab runs under it, so it would end ProcLab too'
  return null
}

/**
 * A thread id is refused, not quietly read as its process: the user asked to signal something that
 * is not a process, and a thread of pid 1 or of the host would otherwise slip past whyProtected.
 */
function refuseThread(pid: number, guard: SignalGuard): void {
  const owner = threadGroupOf(pid)
  if (owner === pid) return
  const protection = whyProtected(owner, guard)
  const consequence = protection === null ? `; signal process ${owner} itself if that is what you mean` : ` (process ${owner}: ${protection})`
  throw new MonitorError('refused', `refusing to signal pid ${pid}: it is a thread of process ${owner}, and a signal to a thread reaches its whole process${consequence}`)
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
