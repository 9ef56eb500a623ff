import { SIGNALS, type SignalName } from '../../src-shared/contract'
import { platform as currentPlatform, type Platform } from '../platform'
import { MonitorError } from '../platform/errors'
import { protectedBy } from './signal-rule'
import type { SignalGuard } from './types'

/**
 * The checks a UI cannot be trusted to make, before anything is sent. Throws MonitorError 'refused'
 * for pid ≤ 1, a protected pid (the host, its renderer), an ancestor of the host (ending the shell
 * or terminal that runs ProcLab would end ProcLab), a signal the OS lacks, and where the OS takes a
 * thread's id for its process (Linux) for the id of a thread (kill(2) would signal the thread's
 * whole process); 'not-found' when there is no task of that id. `os` is the platform whose rules
 * apply (tests pass another OS's module to check its rules here).
 */
export function checkSignalTarget(pid: number, signal: SignalName, guard: SignalGuard, os: Platform = currentPlatform): void {
  if (!(SIGNALS as readonly string[]).includes(signal)) {
    throw new MonitorError('refused', `unknown signal ${String(signal)}`)
  }
  if (!Number.isSafeInteger(pid)) throw new MonitorError('refused', `${String(pid)} is not a process id`)
  // kill(2) reads 0 and negative pids as process groups (-1: every process we may signal).
  if (pid <= 0) throw new MonitorError('refused', `refusing to signal pid ${pid}: it would reach a whole process group`)
  const protection = whyProtected(pid, guard)
  if (protection !== null) throw new MonitorError('refused', `refusing to signal pid ${pid}: ${protection}`)
  const { available } = os.signals
  if (!available.includes(signal)) {
    throw new MonitorError('refused', `${signal} does not exist on ${os.title}; use ${available.join(' or ')} to end pid ${pid}`)
  }
  refuseThread(pid, guard, os)
}

/** The words the host refuses with, for each protection of signal-rule.ts. */
const PROTECTION_TEXT = {
  init: 'it is the system init process',
  proclab: 'it is part of ProcLab itself',
  'host-ancestor': 'ProcLab runs under it, so it would end ProcLab too',
} as const

/** Why this process must never be signalled from the UI, or null: the rule the System tab greys its Kill buttons by. */
function whyProtected(pid: number, guard: SignalGuard): string | null {
  const protection = protectedBy(pid, { hostPid: process.pid, protectedPids: guard.protectedPids, ancestorPids: guard.ancestorPids ?? new Set() })
  return protection === null ? null : PROTECTION_TEXT[protection]
}

/**
 * A thread id is refused, not quietly read as its process: the user asked to signal something that
 * is not a process, and a thread of pid 1 or of the host would otherwise slip past whyProtected.
 */
function refuseThread(pid: number, guard: SignalGuard, os: Platform): void {
  const owner = os.signals.processOf(pid)
  if (owner === pid) return
  const protection = whyProtected(owner, guard)
  const consequence = protection === null ? `; signal process ${owner} itself if that is what you mean` : ` (process ${owner}: ${protection})`
  throw new MonitorError('refused', `refusing to signal pid ${pid}: it is a thread of process ${owner}, and a signal to a thread reaches its whole process${consequence}`)
}

/**
 * Sends `signal` to `pid` after the safety checks. Throws only MonitorError: 'refused' when we will
 * not (see checkSignalTarget) or the OS says it is another user's process, 'not-found' when there is
 * no such process, 'failed' for anything else the OS says.
 */
export function sendSignal(pid: number, signal: SignalName, guard: SignalGuard, os: Platform = currentPlatform): void {
  checkSignalTarget(pid, signal, guard, os)
  os.signals.send(pid, signal)
}
