// What the OS says about a pid, so the host never takes a lab process's word for one. Where the
// platform can say (Linux, through /proc), a pid is checked against its parent and start time;
// elsewhere nothing is checked here: a pid is taken from the parent that spawned it, which proved
// who it is with its token.
import { platform, type OsProcess } from '../../platform'

export type { OsProcess }

const identify = platform.lab.identify

/** The process with this pid now, or null if there is none (or this platform cannot say). */
export function osProcess(pid: number): OsProcess | null {
  return identify ? identify(pid) : null
}

/**
 * Whether `pid` still names the process recorded with `startTime`, so a signal to it reaches that
 * process and not one that got its pid later. Where pids cannot be checked, a recorded pid is trusted.
 */
export function isStillProcess(pid: number, startTime: number | null): boolean {
  if (!identify) return true
  if (startTime === null) return false
  const now = identify(pid)
  return now !== null && now.startTime === startTime && now.state !== 'Z'
}

/** Whether the process with this pid has ended (gone, or a zombie waiting to be reaped). */
export function hasEnded(pid: number): boolean {
  const now = osProcess(pid)
  return now === null || now.state === 'Z'
}
