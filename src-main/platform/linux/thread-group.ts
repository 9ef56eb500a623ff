// On Linux a thread has an id from the same number space as processes, and kill(2) given a thread
// id signals the thread's whole process (its thread group). So the signal guard judges the thread
// group a number belongs to, never the number as given.
import { MonitorError, isVanished } from '../errors'
import { parseStatusTgid } from './proc-stat'
import { readProcText } from './proc-files'

/**
 * The process (thread group id) that `pid` belongs to: `pid` itself for a process, its process for
 * a thread. /proc lists only processes, but /proc/<tid> of any thread opens all the same. Throws
 * MonitorError 'not-found' when there is no such task, 'refused' when the kernel will not say.
 */
export function threadGroupOf(pid: number, procRoot = '/proc'): number {
  let status: string
  try {
    status = readProcText(`${procRoot}/${pid}/status`, { wholeOnFirstRead: true })
  } catch (err) {
    if (isVanished(err)) throw new MonitorError('not-found', `no process ${pid}`)
    const detail = err instanceof Error ? err.message : String(err)
    throw new MonitorError('refused', `refusing to signal pid ${pid}: cannot tell which process it belongs to (${detail})`)
  }
  const tgid = parseStatusTgid(status)
  if (tgid === null) throw new MonitorError('refused', `refusing to signal pid ${pid}: ${procRoot}/${pid}/status names no thread group`)
  return tgid
}
