// From the kernel's process entry (process-info.ts) to the RawProcess every platform gives the
// monitor: units, state and priority in ProcLab's terms. Pure, so tested on any OS.
import type { ProcessState } from '../../../src-shared/contract'
import type { RawProcess } from '../types'
import type { NtProcess } from './process-info'

/** FILETIME of 1970-01-01: FILETIMEs count 100 ns from 1601. */
const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n
const TICKS_PER_MS = 10_000n

/** The System Idle Process: pid 0 on every Windows, nameless in the table; its "CPU time" is idle time. */
export const IDLE_PID = 0
/** The System process (kernel threads): pid 4 on every Windows since XP. */
export const SYSTEM_PID = 4

export function filetimeToEpochMs(filetime: bigint): number | null {
  if (filetime <= FILETIME_UNIX_EPOCH) return null // 0 for the Idle and System processes: no start of their own
  return Number((filetime - FILETIME_UNIX_EPOCH) / TICKS_PER_MS)
}

/** 100 ns units to ms, with the fraction kept (CPU % of a short interval needs it). */
export function ticksToMs(ticks: bigint): number {
  return Number(ticks) / 10_000
}

/**
 * The thread states as one process state, as Task Manager and System Informer judge them: no
 * thread left is what remains of an ended process (held open by a handle), every thread suspended
 * is a suspended process (SIGSTOP's counterpart), one thread running or ready is running.
 */
export function stateOf(p: Pick<NtProcess, 'pid' | 'threads' | 'runnableThreads' | 'suspendedThreads'>): ProcessState {
  if (p.pid === IDLE_PID) return 'idle'
  if (p.threads === 0) return 'zombie'
  if (p.suspendedThreads === p.threads) return 'stopped'
  if (p.runnableThreads > 0) return 'running'
  return 'sleeping'
}

/**
 * A priority class's base priority as the nice value Node and libuv give it (os.getPriority on
 * Windows): IDLE 19, BELOW_NORMAL 10, NORMAL 0, ABOVE_NORMAL -7, HIGH -14, REALTIME -20.
 * Other base priorities belong to no class: null, rather than a guess.
 */
const NICE_OF_BASE_PRIORITY: ReadonlyMap<number, number> = new Map([
  [4, 19],
  [6, 10],
  [8, 0],
  [10, -7],
  [13, -14],
  [24, -20],
])

export function niceOf(basePriority: number): number | null {
  return NICE_OF_BASE_PRIORITY.get(basePriority) ?? null
}

/**
 * The parents as they are now. Windows keeps the pid of the process that created each one and
 * never updates it: once the creator has ended, its pid may name a younger, unrelated process,
 * which must not pass for the parent (a tree kill would reach its "children"). A parent younger
 * than its child is such a stranger: the child is an orphan, ppid 0. Parents are by pid.
 */
export function withLiveParents(processes: readonly NtProcess[]): NtProcess[] {
  const created = new Map(processes.map((p) => [p.pid, p.createTime]))
  return processes.map((p) => {
    const parentCreated = created.get(p.ppid)
    return parentCreated !== undefined && p.ppid !== p.pid && parentCreated > p.createTime ? { ...p, ppid: 0 } : p
  })
}

/** What is read per process beyond the table (identity.ts): its user and whole command line. */
export interface ProcessIdentity {
  user: string
  command: string | null
}

export function rawFromNt(p: NtProcess, identity: ProcessIdentity): RawProcess {
  const name = p.name || (p.pid === IDLE_PID ? 'System Idle Process' : p.pid === SYSTEM_PID ? 'System' : '')
  return {
    pid: p.pid,
    // The Idle process names itself its parent; Linux's pid 1 has ppid 0.
    ppid: p.pid === p.ppid ? 0 : p.ppid,
    name,
    command: identity.command || name,
    user: identity.user,
    state: stateOf(p),
    cpuTimeMs: ticksToMs(p.cpuTime),
    cpuPercentHint: null,
    rss: p.workingSetSize,
    startedAt: filetimeToEpochMs(p.createTime),
    threads: p.threads,
    nice: niceOf(p.basePriority),
  }
}
