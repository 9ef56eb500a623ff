import type { ProcessUsage } from '../types'
import { readProcText } from './proc-files'
import { parseCmdline, parseProcStat } from './proc-stat'
import { systemFacts } from './system-facts'

/** CPU time and memory of the given processes from their stat files alone (a few µs each); the gone are left out. */
export function procUsage(pids: readonly number[], root = '/proc'): Map<number, ProcessUsage> {
  const { pageSize, clockTicks } = systemFacts()
  const usage = new Map<number, ProcessUsage>()
  for (const pid of pids) {
    let text: string
    try {
      text = readProcText(`${root}/${pid}/stat`, { wholeOnFirstRead: true })
    } catch {
      continue // ended since it was listed
    }
    const stat = parseProcStat(text)
    if (stat) usage.set(pid, { cpuTimeMs: ((stat.utime + stat.stime) * 1000) / clockTicks, rss: stat.rss * pageSize })
  }
  return usage
}

/** /proc/self/stat's cutime + cstime: the CPU of the children this process has waited for. */
export function waitedChildrenCpuMs(root = '/proc'): number {
  const stat = readProcText(`${root}/self/stat`, { wholeOnFirstRead: true })
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After the name: state is field 3; cutime and cstime are fields 16 and 17.
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3])
  return (ticks * 1000) / systemFacts().clockTicks
}

/** /proc/<pid>/cmdline's arguments (the first 64 KiB), or null if the process is gone or hidden. */
export function procCommandLine(pid: number, root = '/proc'): string[] | null {
  try {
    return parseCmdline(readProcText(`${root}/${pid}/cmdline`, { limit: 64 * 1024, wholeOnFirstRead: true }))
  } catch {
    return null
  }
}
