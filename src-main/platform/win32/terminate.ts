// "Send a signal" on Windows: TerminateProcess with the exit code that stands for the signal, so a
// lab process ProcLab ends is reported as its Linux twin would be (-15, -9). Node's process.kill
// would end it with exit code 1, which no parent can tell from exit(1).
import type { SignalName } from '../../../src-shared/contract'
import { deliverSignal } from '../deliver'
import { MonitorError } from '../errors'
import { terminationCode } from './exit-codes'
import { ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, nativeCallsAvailable, PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_TERMINATE, SYNCHRONIZE } from './native'
import { terminate, withProcess, WindowsError } from './process-handle'

const ACCESS = PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE

/** Ends `pid` as if by `signal`; throws MonitorError 'not-found', 'refused' (another user's, or protected by Windows) or 'failed'. */
export function endProcess(pid: number, signal: NodeJS.Signals): void {
  // Without native calls (koffi did not load), Node's way: the process still ends, with exit code 1.
  if (!nativeCallsAvailable()) return deliverSignal(pid, signal as SignalName)
  try {
    withProcess(pid, ACCESS, (handle) => terminate(handle, terminationCode(signal), pid))
  } catch (error) {
    throw asMonitorError(error, pid, signal)
  }
}

/** The same, for a process that may be gone already (that is no failure); other failures are not the caller's to handle either. */
export function endProcessIfThere(pid: number, signal: NodeJS.Signals): void {
  try {
    endProcess(pid, signal)
  } catch {
    // Gone, or not ours to end: as with kill(2) of a pid that has gone.
  }
}

/** Windows' answer in the monitor's terms. */
export function asMonitorError(error: unknown, pid: number, signal: NodeJS.Signals): MonitorError {
  if (error instanceof MonitorError) return error
  if (error instanceof WindowsError && error.code === ERROR_INVALID_PARAMETER) return new MonitorError('not-found', `no process ${pid}`)
  if (error instanceof WindowsError && error.code === ERROR_ACCESS_DENIED) return new MonitorError('refused', `not allowed to end pid ${pid} (another user's, or a protected process)`)
  const detail = error instanceof Error ? error.message : String(error)
  return new MonitorError('failed', `could not end pid ${pid} (${signal}): ${detail}`)
}
