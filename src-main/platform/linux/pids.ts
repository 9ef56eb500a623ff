// What Linux says about a pid: /proc/<pid>/stat gives the parent, the group and the start time,
// and (pid, start time) names one process for good, where a pid alone is reused.
import { readdirSync, readFileSync } from 'node:fs'
import type { OsProcess, ProcessRow } from '../types'

/** /proc/<entry>/stat, or null if it has ended (or is not a process). */
export function readStat(entry: string): OsProcess | null {
  let stat: string
  try {
    stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
  } catch {
    return null
  }
  // The command name sits in parentheses and may hold anything, ')' included: fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 20)
  const ppid = Number(fields[1])
  const pgrp = Number(fields[2])
  const startTime = Number(fields[19])
  if (!Number.isSafeInteger(ppid) || !Number.isSafeInteger(pgrp) || !Number.isSafeInteger(startTime)) return null
  return { ppid, pgrp, startTime, state: fields[0] ?? '' }
}

/** pid, state, ppid and pgrp from each /proc/<pid>/stat (about 10 µs a process). */
export function readProcRunTable(): ProcessRow[] {
  const rows: ProcessRow[] = []
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue // not a digit: not a process
    const stat = readStat(entry)
    if (stat) rows.push({ pid: Number(entry), ppid: stat.ppid, pgid: stat.pgrp, zombie: stat.state === 'Z' })
  }
  return rows
}
