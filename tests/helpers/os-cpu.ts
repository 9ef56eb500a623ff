// What Linux says about a process's state and the CPU time it has used: the pause tests (issue 17)
// ask the OS, not ProcLab, whether a process is stopped.
import { readFileSync } from 'node:fs'

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
