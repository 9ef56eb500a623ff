// What the OS says about a process's state and the CPU time it has used: the pause tests (issue 17)
// ask the OS, not ProcLab, whether a process is stopped.
import { readFileSync } from 'node:fs'
import { kernel32, PROCESS_QUERY_LIMITED_INFORMATION } from '../../src-main/platform/win32/native'
import { withProcess } from '../../src-main/platform/win32/process-handle'

/** Linux: the state letter (T: stopped) and the CPU ticks used (utime + stime); null once it is gone. */
export function procStat(pid: number): { state: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0]!, ticks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return null
  }
}

/** Windows: kernel + user time, in 100 ns units (GetProcessTimes). */
export function windowsCpu(pid: number): bigint {
  return withProcess(pid, PROCESS_QUERY_LIMITED_INFORMATION, (handle) => {
    const [created, exited, kernel, user] = [Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)]
    if (!kernel32().GetProcessTimes(handle, created, exited, kernel, user)) throw new Error('GetProcessTimes failed')
    return kernel.readBigUInt64LE(0) + user.readBigUInt64LE(0)
  })
}

/**
 * Windows: resolves once the process gets no more CPU time (two readings 150 ms apart agree).
 * Suspending a thread is asynchronous (it stops at its next chance: Raymond Chen's "SuspendThread
 * is asynchronous"); under Wine 8 a process ran on for up to ~100 ms.
 */
export async function windowsCpuSettled(pid: number, limitMs: number): Promise<bigint> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const before = windowsCpu(pid)
    await new Promise((resolve) => setTimeout(resolve, 150))
    const after = windowsCpu(pid)
    if (after === before) return after
    if (Date.now() > deadline) throw new Error(`pid ${pid} still got CPU time after ${limitMs} ms`)
  }
}
