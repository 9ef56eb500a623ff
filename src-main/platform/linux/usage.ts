import type { ProcessUsage } from '../types'
import { readProcText } from './proc-files'
import { parseProcStat } from './proc-stat'
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
