// What the OS says about a pid, so the host never takes a lab process's word for one: on Linux,
// /proc/<pid>/stat gives the parent and the start time, and (pid, start time) names one process
// for good, where a pid alone is reused. Elsewhere nothing is checked here: a pid is taken from
// the parent that spawned it, which proved who it is with its token.
import { readFileSync } from 'node:fs'

/** Whether this platform lets the host check pids (Linux: /proc). */
const CAN_CHECK_PIDS = process.platform === 'linux'

export interface OsProcess {
  ppid: number
  /** Its process group: a run's processes share the lab main's (unless they left it). */
  pgrp: number
  /** Clock ticks after boot: with the pid, it names one process. */
  startTime: number
  /** Z for a zombie: it has ended, only its exit status is left. */
  state: string
}

/** The process with this pid now, or null if there is none (or this platform cannot say). */
export function osProcess(pid: number): OsProcess | null {
  return CAN_CHECK_PIDS ? readStat(String(pid)) : null
}

/** Linux: /proc/<entry>/stat, or null if it has ended (or is not a process). */
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

/**
 * Whether `pid` still names the process recorded with `startTime`, so a signal to it reaches that
 * process and not one that got its pid later. Where pids cannot be checked, a recorded pid is trusted.
 */
export function isStillProcess(pid: number, startTime: number | null): boolean {
  if (!CAN_CHECK_PIDS) return true
  if (startTime === null) return false
  const now = osProcess(pid)
  return now !== null && now.startTime === startTime && now.state !== 'Z'
}

/** Whether the process with this pid has ended (gone, or a zombie waiting to be reaped). */
export function hasEnded(pid: number): boolean {
  const now = osProcess(pid)
  return now === null || now.state === 'Z'
}
